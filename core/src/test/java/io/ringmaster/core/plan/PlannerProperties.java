package io.ringmaster.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.state.ClusterState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants 1 and 2 at the planning level, over random ring sizes, replica placements and writer pairs: a new
 * writer is never made writable before it caught up, nor (in a switchover) before the old one is fenced; and the
 * rollback of a switchover never runs after the promotion.
 */
class PlannerProperties {

    private static RingmasterConfig cluster(int masters, int replicas) {
        List<String> under = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            under.add("db" + (i % masters + 1));
        }
        return TestClusters.cluster(TestClusters.defaultMonitor(), masters, under, Optional.empty());
    }

    private static ClusterState state(RingmasterConfig c) {
        return States.allOnline(c).build().withSources(Planner.initialSources(c));
    }

    @Property(tries = 300)
    void catchUpAndFenceComeBeforePromotion(@ForAll @IntRange(min = 2, max = 5) int masters,
                                            @ForAll @IntRange(min = 0, max = 6) int replicas,
                                            @ForAll @IntRange(min = 1, max = 5) int fromIndex,
                                            @ForAll @IntRange(min = 1, max = 5) int toIndex,
                                            @ForAll boolean failover) {
        int f = (fromIndex - 1) % masters + 1;
        int t = (toIndex - 1) % masters + 1;
        if (f == t) {
            t = f % masters + 1;
        }
        RingmasterConfig c = cluster(masters, replicas);
        String from = "db" + f;
        String to = "db" + t;
        WriterChange change = failover ? Planner.failover(c, state(c), from, to)
                : Planner.switchover(c, state(c), from, to);
        List<Step> steps = change.steps();
        int promote = steps.indexOf(new Step.Promote(to));
        assertThat(promote).isPositive();
        assertThat(steps.stream().filter(s -> s instanceof Step.Promote).count()).isEqualTo(1);
        int fence = steps.indexOf(new Step.Fence(from, failover));
        assertThat(fence).isEqualTo(failover ? 0 : 1);
        if (!failover) {
            assertThat(steps.get(0)).isEqualTo(new Step.ApproachSource(to, from)); // waiting only, nothing changes
        }
        int catchUp = failover ? steps.indexOf(new Step.CatchUpRelayLog(to)) : steps.indexOf(new Step.CatchUpToSource(to, from));
        assertThat(catchUp).isBetween(0, promote);
        if (failover) {
            // nothing still reads from the dead writer afterwards
            assertThat(change.newSources()).doesNotContainValue(from);
            assertThat(steps.indexOf(new Step.CatchUpFromPeers(to, from))).isBetween(catchUp, promote);
        } else {
            assertThat(change.rollback()).containsExactly(new Step.Unfence(from));
        }
        // after the promotion only links are cut or moved; one of the new writer's own only once its applier stopped
        for (int i = promote + 1; i < steps.size(); i++) {
            assertThat(steps.get(i)).isInstanceOfAny(Step.Repoint.class, Step.Detach.class);
            if (steps.get(i).host().equals(to)) {
                assertThat(steps.subList(0, promote)).contains(new Step.StopApplier(to, from));
            }
        }
    }
}
