package io.ringmaster.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.gtid.GtidPosition;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ErrantTransactionsTest {

    @Test
    void shouldFindNothingOnAHostBehindTheWriter() {
        assertThat(ErrantTransactions.find(GtidPosition.parse("1-1-90,2-2-5"), GtidPosition.parse("1-1-100,2-2-5")))
                .isEmpty();
    }

    @Test
    void shouldFindTheRangeBeyondTheWritersPositionPerDomain() {
        var r = ErrantTransactions.find(GtidPosition.parse("1-1-104,3-3-1"), GtidPosition.parse("1-2-100,2-2-7"));

        assertThat(r).extracting(Object::toString).containsExactly("1-1-101..104", "3-3-1");
        assertThat(ErrantTransactions.describe(r)).isEqualTo("1-1-101..104, 3-3-1 (5 transactions)");
    }

    @Test
    void shouldDescribeNothingAsEmpty() {
        assertThat(ErrantTransactions.describe(java.util.List.of())).isEmpty();
    }

    @Property(tries = 200)
    void errantCountEqualsWhatTheWriterMisses(@ForAll @LongRange(max = 1000) long host,
                                             @ForAll @LongRange(max = 1000) long writer) {
        GtidPosition h = host == 0 ? GtidPosition.empty() : GtidPosition.parse("1-1-" + host);
        GtidPosition w = writer == 0 ? GtidPosition.empty() : GtidPosition.parse("1-1-" + writer);
        long count = ErrantTransactions.find(h, w).stream().mapToLong(ErrantTransactions.Range::count).sum();

        assertThat(count).isEqualTo(w.missingFrom(h));
        assertThat(count == 0).isEqualTo(w.contains(h));
    }
}
