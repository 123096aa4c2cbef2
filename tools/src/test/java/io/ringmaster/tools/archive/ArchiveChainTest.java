package io.ringmaster.tools.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveChainTest {
    private static ArchivedFile file(String name, String start, String end) {
        return new ArchivedFile(name, "h", 1, name, "s", start, end, "", "", "", "", "", 0, 0, true);
    }

    private static GtidPosition p(String s) {
        return GtidPosition.parse(s);
    }

    // db1 wrote domain 1 up to 100; after the failover db2's first file holds domain 1 up to 100 again (it replicated
    // it) and then its own domain 2
    private final ArchiveChain failover = new ArchiveChain(List.of(
            file("a", "", "1-1-60"), file("b", "1-1-60", "1-1-100"), file("c", "1-1-40", "1-1-100,2-2-30")));

    @Test
    void shouldSkipTheOverlapOfTheNewWritersFirstFileByGtid() throws Exception {
        List<ArchiveChain.Step> steps = failover.plan(p("1-1-50"), p("1-1-100,2-2-20"));
        assertThat(steps).extracting(s -> s.file().file()).containsExactly("a", "b", "c");
        assertThat(steps.get(0).start()).isEqualTo(p("1-1-50"));
        assertThat(steps.get(0).stop()).isEqualTo(p("1-1-60"));
        assertThat(steps.get(2).ignoreDomains()).containsExactly(1L);
        assertThat(steps.get(2).stop()).isEqualTo(p("2-2-20"));
        assertThat(steps.get(2).start()).isEqualTo(GtidPosition.empty());
    }

    @Test
    void shouldReportNoGapAcrossTheFailoverAndTheCoveredRange() {
        assertThat(failover.gaps()).isEmpty();
        assertThat(failover.describeCovered()).isEqualTo("domain 1 seq 1..100, domain 2 seq 1..30");
    }

    @Test
    void shouldFindAGapWhenAFileStartsPastWhatTheArchiveReached() throws Exception {
        ArchiveChain gap = new ArchiveChain(List.of(file("a", "", "1-1-60"), file("b", "1-1-70", "1-1-100")));
        assertThat(gap.gaps()).singleElement().hasToString("domain 1 seq 61..70 missing before b");
        assertThatThrownBy(() -> gap.plan(p("1-1-50"), p("1-1-90")))
                .isInstanceOf(ArchiveChain.NotCoveredException.class).hasMessageContaining("from seq 61 to 70");
        // after the gap the archive is usable again
        assertThat(gap.plan(p("1-1-75"), p("1-1-90")).get(0).file().file()).isEqualTo("b");
    }

    @Test
    void shouldRefuseATargetBeyondTheArchiveOrBeforeItsStart() {
        assertThatThrownBy(() -> failover.plan(p("1-1-50"), p("2-2-31")))
                .hasMessageContaining("covered: domain 1 seq 1..100, domain 2 seq 1..30");
        ArchiveChain late = new ArchiveChain(List.of(file("b", "1-1-60", "1-1-100")));
        assertThatThrownBy(() -> late.plan(p("1-1-10"), p("1-1-90"))).hasMessageContaining("from seq 11 to 60");
        assertThatThrownBy(() -> late.plan(p("1-1-95"), p("1-1-90"))).hasMessageContaining("already at or past");
    }

    @Test
    void shouldStopAtTheCutOfTransactionsLostInTheFailover() throws Exception {
        ArchivedFile lost = file("a", "", "1-1-102").withUsableUntil(p("1-1-100"));
        ArchiveChain chain = new ArchiveChain(List.of(lost, file("c", "1-1-90", "1-1-100,2-2-30")));
        assertThat(chain.end()).isEqualTo(p("1-1-100,2-2-30"));
        assertThat(chain.plan(p("1-1-50"), p("1-1-100,2-2-5")).get(0).stop()).isEqualTo(p("1-1-100"));
        assertThatThrownBy(() -> chain.plan(p("1-1-50"), p("1-1-101"))).hasMessageContaining("does not cover");
    }
}
