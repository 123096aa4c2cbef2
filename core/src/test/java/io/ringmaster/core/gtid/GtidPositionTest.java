package io.ringmaster.core.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.gtid.GtidPosition.Gtid;
import org.junit.jupiter.api.Test;

class GtidPositionTest {

    @Test
    void shouldParseOneGtidPerDomainOrderedByDomain() {
        GtidPosition p = GtidPosition.parse("2-20-7, 0-1-100,1-11-3");

        assertThat(p.gtids()).containsExactly(new Gtid(0, 1, 100), new Gtid(1, 11, 3), new Gtid(2, 20, 7));
        assertThat(p).hasToString("0-1-100,1-11-3,2-20-7");
        assertThat(p.seq(0)).isEqualTo(100);
        assertThat(p.seq(9)).isZero();
        assertThat(p.domains()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldKeepHighestSequenceWhenADomainRepeats() {
        assertThat(GtidPosition.parse("1-1-5,1-2-9,1-3-7")).hasToString("1-2-9");
    }

    @Test
    void shouldReadNullBlankAndEmptyAsEmptyPosition() {
        assertThat(GtidPosition.parse(null).isEmpty()).isTrue();
        assertThat(GtidPosition.parse("  ")).isEqualTo(GtidPosition.empty());
        assertThat(GtidPosition.parse("1-1-5,")).hasToString("1-1-5");
        assertThat(GtidPosition.empty()).hasToString("");
    }

    @Test
    void shouldRefuseTextThatIsNoGtidList() {
        for (String bad : new String[] {"1-1", "1-1-1-1", "a-1-1", "1--1-5", "1-1-x", "1-1-5;2-2-2"}) {
            assertThatThrownBy(() -> GtidPosition.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a GTID");
        }
    }

    @Test
    void shouldRefuseSequenceNumbersItCannotPrintBack() {
        // 2^64-1 parses as an unsigned long; held in a signed long it would print as -1 and compare as tiny
        assertThatThrownBy(() -> GtidPosition.parse("0-1-18446744073709551615"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Gtid(0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldContainPositionBehindItInEveryDomain() {
        GtidPosition ahead = GtidPosition.parse("1-1-10,2-2-5");

        assertThat(ahead.contains(GtidPosition.parse("1-1-9,2-2-5"))).isTrue();
        assertThat(ahead.contains(GtidPosition.parse("1-1-10"))).isTrue();
        assertThat(ahead.contains(GtidPosition.empty())).isTrue();
        assertThat(ahead.contains(GtidPosition.parse("1-1-11"))).isFalse();
        assertThat(ahead.contains(GtidPosition.parse("3-3-1"))).isFalse();
    }

    @Test
    void shouldCountMissingTransactionsPerDomain() {
        GtidPosition replica = GtidPosition.parse("1-1-10,2-2-5");

        assertThat(replica.missingFrom(GtidPosition.parse("1-1-12,2-2-5,3-3-4"))).isEqualTo(6);
        assertThat(replica.missingFrom(GtidPosition.parse("1-1-3"))).isZero();
    }

    @Test
    void shouldNotWrapAroundWhenMissingCountExceedsLong() {
        GtidPosition far = GtidPosition.parse(
                "1-1-9223372036854775807,2-1-9223372036854775807,3-1-2");

        assertThat(GtidPosition.empty().missingFrom(far)).isPositive();
    }

    @Test
    void shouldTakePerDomainMaximumInUnion() {
        GtidPosition a = GtidPosition.parse("1-1-10,2-2-5");
        GtidPosition b = GtidPosition.parse("1-1-8,2-2-6,3-3-1");

        assertThat(a.union(b)).hasToString("1-1-10,2-2-6,3-3-1");
    }

    @Test
    void shouldUnionIndependentlyOfArgumentOrderWhenSequencesTie() {
        GtidPosition a = GtidPosition.parse("1-1-5");
        GtidPosition b = GtidPosition.parse("1-2-5");

        assertThat(a.union(b)).isEqualTo(b.union(a));
        assertThat(GtidPosition.parse("1-1-5,1-2-5")).isEqualTo(GtidPosition.parse("1-2-5,1-1-5"));
    }

    @Test
    void shouldRestrictToOneDomain() {
        GtidPosition p = GtidPosition.parse("1-1-10,2-2-5");

        assertThat(p.onlyDomain(2)).hasToString("2-2-5");
        assertThat(p.onlyDomain(7).isEmpty()).isTrue();
    }

    @Test
    void shouldBuildFromGtidsAsParseDoes() {
        assertThat(GtidPosition.of(new Gtid(2, 2, 5), new Gtid(1, 1, 3), new Gtid(1, 1, 9)))
                .isEqualTo(GtidPosition.parse("1-1-9,2-2-5"));
    }
}
