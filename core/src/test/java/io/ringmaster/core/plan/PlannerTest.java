package io.ringmaster.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.plan.Step.ApproachSource;
import io.ringmaster.core.plan.Step.CatchUpFromPeers;
import io.ringmaster.core.plan.Step.CatchUpRelayLog;
import io.ringmaster.core.plan.Step.CatchUpToSource;
import io.ringmaster.core.plan.Step.Detach;
import io.ringmaster.core.plan.Step.Fence;
import io.ringmaster.core.plan.Step.Promote;
import io.ringmaster.core.plan.Step.Repoint;
import io.ringmaster.core.plan.Step.StopApplier;
import io.ringmaster.core.plan.Step.Unfence;
import io.ringmaster.core.state.ClusterState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final RingmasterConfig pair = TestClusters.pair();
    private final RingmasterConfig ring = TestClusters.ring3();

    @Test
    void shouldReadEachMasterFromThePreviousOneInTheRing() {
        assertThat(Planner.initialSources(pair)).isEqualTo(
                Map.of("db1", "db2", "db2", "db1", "r1", "db1", "r2", "db2"));
        assertThat(Planner.initialSources(ring)).isEqualTo(
                Map.of("db1", "db3", "db2", "db1", "db3", "db2", "r1", "db1"));
    }

    @Test
    void shouldLetASingleMasterReadFromNobody() {
        RingmasterConfig single = TestClusters.cluster(TestClusters.defaultMonitor(), 1, List.of("db1"),
                Optional.empty());

        assertThat(Planner.initialSources(single)).isEqualTo(Map.of("r1", "db1"));
    }

    // ---- switchover --------------------------------------------------------------------------------------

    @Test
    void shouldApproachFenceCatchUpPromoteThenRepointReplicasInASwitchover() {
        WriterChange c = Planner.switchover(pair, state(pair), "db1", "db2");

        assertThat(c.kind()).isEqualTo(WriterChange.Kind.SWITCHOVER);
        assertThat(c.from()).contains("db1");
        assertThat(c.to()).isEqualTo("db2");
        assertThat(c.steps()).containsExactly(
                new ApproachSource("db2", "db1"),
                new Fence("db1", false),
                new CatchUpToSource("db2", "db1"),
                new Promote("db2"),
                new Repoint("r1", "db2"));
    }

    @Test
    void shouldRestartTheTargetsReplicationFromTheWriterFirstInAForcedSwitchover() {
        WriterChange c = Planner.forcedSwitchover(pair, state(pair), "db1", "db2");

        assertThat(c.kind()).isEqualTo(WriterChange.Kind.SWITCHOVER);
        assertThat(c.steps()).containsExactly(
                new Repoint("db2", "db1"),
                new ApproachSource("db2", "db1"),
                new Fence("db1", false),
                new CatchUpToSource("db2", "db1"),
                new Promote("db2"),
                new Repoint("r1", "db2"));
        assertThat(c.rollback()).containsExactly(new Unfence("db1"));
        assertThat(c.newSources()).isEqualTo(Planner.switchover(pair, state(pair), "db1", "db2").newSources());
    }

    @Test
    void shouldPutTheTargetBackAtItsRingPlaceAfterAForcedSwitchover() {
        // ring db1 -> db2 -> db3 -> db1: db3 reads from db2, so it fetches from db1 and goes back to db2 after
        WriterChange c = Planner.forcedSwitchover(ring, state(ring), "db1", "db3");

        assertThat(c.steps().get(0)).isEqualTo(new Repoint("db3", "db1"));
        assertThat(c.steps().get(c.steps().size() - 1)).isEqualTo(new Repoint("db3", "db2"));
        assertThat(c.steps().indexOf(new Promote("db3"))).isLessThan(c.steps().size() - 1);
        assertThat(c.newSources()).containsEntry("db3", "db2");
    }

    @Test
    void shouldRollBackAnAbandonedSwitchoverByUnfencingTheOldWriter() {
        WriterChange c = Planner.switchover(pair, state(pair), "db1", "db2");

        assertThat(c.rollback()).containsExactly(new Unfence("db1"));
    }

    @Test
    void shouldKeepTheMasterPairReadingFromEachOtherAfterASwitchover() {
        WriterChange c = Planner.switchover(pair, state(pair), "db1", "db2");

        assertThat(c.newSources()).isEqualTo(Map.of("db1", "db2", "db2", "db1", "r1", "db2", "r2", "db2"));
    }

    @Test
    void shouldFenceTheOldWriterMandatorilyInASwitchover() {
        assertThat(Planner.switchover(pair, state(pair), "db1", "db2").steps().subList(0, 2))
                .containsExactly(new ApproachSource("db2", "db1"), new Fence("db1", false));
    }

    // ---- failover in a pair ------------------------------------------------------------------------------

    @Test
    void shouldStopTheNewWritersApplierBeforePromotingItAndDetachItAfterInAPair() {
        WriterChange c = Planner.failover(pair, state(pair), "db1", "db2");

        assertThat(c.kind()).isEqualTo(WriterChange.Kind.FAILOVER);
        assertThat(c.steps()).containsExactly(
                new Fence("db1", true),
                new CatchUpRelayLog("db2"),
                new CatchUpFromPeers("db2", "db1"),
                new StopApplier("db2", "db1"),
                new Promote("db2"),
                new Detach("db2", "db1"),
                new Repoint("r1", "db2"));
        assertThat(c.rollback()).isEmpty();
    }

    @Test
    void shouldLeaveNewWriterReadingFromNobodyAfterFailoverInAPair() {
        WriterChange c = Planner.failover(pair, state(pair), "db1", "db2");

        assertThat(c.newSources()).isEqualTo(Map.of("db1", "db2", "r1", "db2", "r2", "db2"));
    }

    // ---- failover in a ring ------------------------------------------------------------------------------

    @Test
    void shouldMakeTheHostThatReadFromTheDeadMasterReadFromItsSourceInARing() {
        // ring db1 -> db2 -> db3 -> db1; db1 dies, db3 takes over; db2 read from db1, db1 read from db3
        WriterChange c = Planner.failover(ring, state(ring), "db1", "db3");

        assertThat(c.steps()).containsExactly(
                new Fence("db1", true),
                new CatchUpRelayLog("db3"),
                new CatchUpFromPeers("db3", "db1"),
                new StopApplier("db2", "db1"),
                new Promote("db3"),
                new Repoint("db2", "db3"),
                new Repoint("r1", "db3"));
        assertThat(c.newSources()).isEqualTo(Map.of("db1", "db3", "db2", "db3", "db3", "db2", "r1", "db3"));
    }

    @Test
    void shouldStopTheNewWritersApplierBeforePromotingItAndRepointItAfterInARing() {
        WriterChange c = Planner.failover(ring, state(ring), "db1", "db2");

        assertThat(c.steps()).containsExactly(
                new Fence("db1", true),
                new CatchUpRelayLog("db2"),
                new CatchUpFromPeers("db2", "db1"),
                new StopApplier("db2", "db1"),
                new Promote("db2"),
                new Repoint("db2", "db3"),
                new Repoint("r1", "db2"));
        assertThat(c.newSources()).isEqualTo(Map.of("db1", "db3", "db2", "db3", "db3", "db2", "r1", "db2"));
    }

    @Test
    void shouldDetachMastersOfADeadWriterThatReadFromNobody() {
        ClusterState s = state(ring).withSources(Map.of("db2", "db1", "db3", "db2", "r1", "db1"));

        WriterChange c = Planner.failover(ring, s, "db1", "db3");

        assertThat(c.steps()).containsExactly(
                new Fence("db1", true),
                new CatchUpRelayLog("db3"),
                new CatchUpFromPeers("db3", "db1"),
                new StopApplier("db2", "db1"),
                new Promote("db3"),
                new Detach("db2", "db1"),
                new Repoint("r1", "db3"));
        assertThat(c.newSources()).isEqualTo(Map.of("db3", "db2", "r1", "db3"));
    }

    @Test
    void shouldNeverMakeAWriterWritableBeforeTheOldOneIsFenced() {
        for (WriterChange c : List.of(Planner.switchover(pair, state(pair), "db1", "db2"),
                Planner.failover(pair, state(pair), "db1", "db2"),
                Planner.failover(ring, state(ring), "db1", "db2"),
                Planner.failover(ring, state(ring), "db1", "db3"))) {
            int fence = c.steps().indexOf(new Fence("db1", c.kind() == WriterChange.Kind.FAILOVER));
            int catchUp = indexOf(c, CatchUpRelayLog.class, CatchUpToSource.class);
            int promote = c.steps().indexOf(new Promote(c.to()));
            // nothing but waiting comes before the fence
            assertThat(c.steps().subList(0, fence)).allMatch(s -> s instanceof ApproachSource);
            assertThat(catchUp).isBetween(fence + 1, promote - 1);
            assertThat(c.steps()).filteredOn(s -> s instanceof Promote).hasSize(1);
        }
    }

    // ---- initial -----------------------------------------------------------------------------------------

    @Test
    void shouldCatchUpThenPromoteTheFirstWriter() {
        WriterChange c = Planner.initial(state(pair), "db1");

        assertThat(c.kind()).isEqualTo(WriterChange.Kind.INITIAL);
        assertThat(c.from()).isEmpty();
        assertThat(c.steps()).containsExactly(new CatchUpRelayLog("db1"), new Promote("db1"));
        assertThat(c.newSources()).isEqualTo(Planner.initialSources(pair));
    }

    @Test
    void shouldDescribeEveryStepOnOneLine() {
        WriterChange c = Planner.failover(ring, state(ring), "db1", "db2");

        assertThat(c.steps()).extracting(Step::describe).containsExactly(
                "fence db1 (read_only=ON, kill client sessions, best effort)",
                "wait until db2 has applied its relay log",
                "fetch onto db2 what other hosts received from db1 and it did not",
                "stop applying on db2 what comes from db1",
                "promote db2 (read_only=OFF)",
                "repoint db2 to replicate from db3",
                "repoint r1 to replicate from db2");
        assertThat(new Unfence("db1").describe()).isEqualTo("unfence db1 (read_only=OFF: switchover abandoned)");
        assertThat(new Detach("db2", "db1").describe()).isEqualTo("stop replication on db2 from db1");
        assertThat(new CatchUpToSource("db2", "db1").describe())
                .isEqualTo("wait until db2 has applied db1's gtid_binlog_pos");
    }

    @Test
    void shouldReturnAnUnmodifiablePlan() {
        WriterChange c = Planner.switchover(pair, state(pair), "db1", "db2");

        assertThatThrownBy(() -> c.steps().add(new Promote("db1"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.newSources().put("db1", "r1")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static ClusterState state(RingmasterConfig config) {
        return States.allOnline(config).role("writer", "db1").build();
    }

    @SafeVarargs
    private static int indexOf(WriterChange c, Class<? extends Step>... kinds) {
        for (int i = 0; i < c.steps().size(); i++) {
            for (Class<? extends Step> k : kinds) {
                if (k.isInstance(c.steps().get(i))) {
                    return i;
                }
            }
        }
        return -1;
    }
}
