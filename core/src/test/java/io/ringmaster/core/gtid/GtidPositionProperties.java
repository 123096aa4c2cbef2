package io.ringmaster.core.gtid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.gtid.GtidPosition.Gtid;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The laws of GTID positions: a join semilattice ordered by {@code contains}. */
class GtidPositionProperties {

    @Property
    void parseReadsBackWhatToStringWrote(@ForAll("positions") GtidPosition p) {
        assertThat(GtidPosition.parse(p.toString())).isEqualTo(p);
        assertThat(GtidPosition.parse(p.toString()).toString()).isEqualTo(p.toString());
    }

    @Property
    void containsIsReflexive(@ForAll("positions") GtidPosition p) {
        assertThat(p.contains(p)).isTrue();
        assertThat(p.contains(GtidPosition.empty())).isTrue();
    }

    @Property
    void containsIsTransitive(@ForAll("positions") GtidPosition a, @ForAll("positions") GtidPosition b,
                              @ForAll("positions") GtidPosition c) {
        // random triples are rarely ordered: build an ordered chain from them
        GtidPosition ab = a.union(b);
        GtidPosition abc = ab.union(c);
        assertThat(abc.contains(ab) && ab.contains(a)).isTrue();
        assertThat(abc.contains(a)).isTrue();
        if (a.contains(b) && b.contains(c)) {
            assertThat(a.contains(c)).isTrue();
        }
    }

    @Property
    void unionIsCommutative(@ForAll("positions") GtidPosition a, @ForAll("positions") GtidPosition b) {
        assertThat(a.union(b)).isEqualTo(b.union(a));
    }

    @Property
    void unionIsAssociative(@ForAll("positions") GtidPosition a, @ForAll("positions") GtidPosition b,
                            @ForAll("positions") GtidPosition c) {
        assertThat(a.union(b).union(c)).isEqualTo(a.union(b.union(c)));
    }

    @Property
    void unionIsIdempotent(@ForAll("positions") GtidPosition a, @ForAll("positions") GtidPosition b) {
        assertThat(a.union(a)).isEqualTo(a);
        assertThat(a.union(b).union(b)).isEqualTo(a.union(b));
    }

    @Property
    void unionContainsBothInputsAndNothingMore(@ForAll("positions") GtidPosition a,
                                              @ForAll("positions") GtidPosition b) {
        GtidPosition u = a.union(b);
        assertThat(u.contains(a)).isTrue();
        assertThat(u.contains(b)).isTrue();
        assertThat(u.domains()).isEqualTo(union(a, b));
        for (long d : u.domains()) {
            assertThat(u.seq(d)).isEqualTo(Math.max(a.seq(d), b.seq(d)));
        }
    }

    @Property
    void missingFromIsZeroExactlyWhenContained(@ForAll("positions") GtidPosition a,
                                              @ForAll("positions") GtidPosition b) {
        assertThat(a.missingFrom(b) == 0).isEqualTo(a.contains(b));
        assertThat(a.missingFrom(b)).isNotNegative();
        assertThat(a.union(b).missingFrom(b)).isZero();
    }

    @Provide
    Arbitrary<GtidPosition> positions() {
        // few domains and servers, so that positions share domains and sequences often tie
        Arbitrary<Long> seq = Arbitraries.oneOf(Arbitraries.longs().between(1, 20),
                Arbitraries.longs().between(1, Long.MAX_VALUE));
        Arbitrary<Gtid> gtid = Combinators.combine(Arbitraries.longs().between(0, 4),
                Arbitraries.longs().between(1, 3), seq).as(Gtid::new);
        return gtid.list().ofMaxSize(5).map((List<Gtid> l) -> GtidPosition.of(l.toArray(Gtid[]::new)));
    }

    private static java.util.Set<Long> union(GtidPosition a, GtidPosition b) {
        java.util.Set<Long> s = new java.util.TreeSet<>(a.domains());
        s.addAll(b.domains());
        return s;
    }
}
