package io.ringmaster.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.Obs;
import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a starting monitor does with a change a dead one left unfinished, step boundary by step boundary. */
class ResumptionTest {
    private final RingmasterConfig pair = TestClusters.pair();
    private final ClusterState state = States.allOnline(pair).role("writer", "db1").build();

    private ChangeRecord failover(Integer... done) {
        ChangeRecord r = ChangeRecord.of("F-1", Planner.failover(pair, state, "db1", "db2"), "db1 died", false, 1,
                Instant.EPOCH);
        for (int d : done) {
            r = r.withDone(d);
        }
        return r;
    }

    private ChangeRecord switchover(Integer... done) {
        ChangeRecord r = ChangeRecord.of("S-1", Planner.switchover(pair, state, "db1", "db2"), "move-role", false, 1,
                Instant.EPOCH);
        for (int d : done) {
            r = r.withDone(d);
        }
        return r;
    }

    private static Map<String, HostObservation> obs(boolean db1Answers, boolean db2Writable) {
        return Map.of(
                "db1", db1Answers ? Obs.of("db1").readOnly(true).build() : Obs.of("db1").refused("refused").build(),
                "db2", Obs.of("db2").readOnly(!db2Writable).build(),
                "r1", Obs.of("r1").readOnly(true).build(),
                "r2", Obs.of("r2").readOnly(true).build());
    }

    @Test
    void shouldFinishAFailoverFromItsFirstStepWhenNothingWasDone() {
        ChangeRecord r = failover();
        Resumption.Plan p = Resumption.plan(r, obs(false, false));
        assertThat(p.verdict()).isEqualTo(Resumption.Verdict.FINISH);
        assertThat(p.promoted()).isFalse();
        assertThat(p.run()).hasSize(r.steps().size());
        assertThat(p.skip(r.steps().size())).isEmpty();
    }

    @Test
    void shouldFinishAFailoverAtEveryBoundaryBeforeThePromotionFromTheFirstStepNotDone() {
        ChangeRecord all = failover();
        int promote = all.promoteIndex();
        for (int k = 0; k < promote; k++) {
            Integer[] done = new Integer[k + 1];
            for (int i = 0; i <= k; i++) {
                done[i] = i;
            }
            Resumption.Plan p = Resumption.plan(failover(done), obs(false, false));
            assertThat(p.verdict()).as("after step %d", k).isEqualTo(Resumption.Verdict.FINISH);
            assertThat(p.run().get(0)).as("after step %d", k).isEqualTo(k + 1);
            assertThat(p.run()).contains(promote);
        }
    }

    @Test
    void shouldOnlyMoveLinksWhenThePromotionIsRecorded() {
        ChangeRecord all = failover();
        int promote = all.promoteIndex();
        Integer[] done = new Integer[promote + 1];
        for (int i = 0; i <= promote; i++) {
            done[i] = i;
        }
        Resumption.Plan p = Resumption.plan(failover(done), obs(false, true));
        assertThat(p.promoted()).isTrue();
        assertThat(p.run()).allMatch(i -> i > promote).isNotEmpty();
        assertThat(p.run().stream().map(i -> all.steps().get(i).getClass().getSimpleName()))
                .containsOnly("Detach", "Repoint");
    }

    @Test
    void shouldTreatAWritableNewWriterAsPromotedAndRetryAFailedFenceOfTheOldWriter() {
        // the fence of dead db1 failed (not done), the rest up to the promotion ran, the promotion was not recorded
        ChangeRecord all = failover();
        int promote = all.promoteIndex();
        Integer[] done = new Integer[promote - 1];
        for (int i = 1; i < promote; i++) {
            done[i - 1] = i;
        }
        Resumption.Plan p = Resumption.plan(failover(done), obs(false, true));
        assertThat(p.promoted()).isTrue();
        assertThat(p.run()).startsWith(0).doesNotContain(promote);
        assertThat(all.steps().get(0)).isInstanceOf(Step.Fence.class);
    }

    @Test
    void shouldRollBackASwitchoverThatPromotedNobodyWhileTheOldWriterAnswers() {
        Resumption.Plan p = Resumption.plan(switchover(0, 1), obs(true, false));
        assertThat(p.verdict()).isEqualTo(Resumption.Verdict.ROLL_BACK);
        assertThat(p.run()).isEmpty();
    }

    @Test
    void shouldFinishASwitchoverWhoseOldWriterIsGoneOrWhoseNewWriterIsPromoted() {
        assertThat(Resumption.plan(switchover(0, 1), obs(false, false)).verdict())
                .isEqualTo(Resumption.Verdict.FINISH);
        Resumption.Plan p = Resumption.plan(switchover(0, 1, 2, 3), obs(true, true));
        assertThat(p.verdict()).isEqualTo(Resumption.Verdict.FINISH);
        assertThat(p.run()).containsExactly(4);
    }

    @Test
    void shouldGoOnRollingBackARollbackThatHadStarted() {
        Resumption.Plan p = Resumption.plan(switchover(0, 1).withRollbackStarted(), obs(false, false));
        assertThat(p.verdict()).isEqualTo(Resumption.Verdict.ROLL_BACK);
    }

    @Test
    void shouldRebuildTheWriterChangeFromTheRecord() {
        WriterChange c = Planner.failover(pair, state, "db1", "db2");
        ChangeRecord r = ChangeRecord.of("F-1", c, "x", false, 1, Instant.EPOCH);
        assertThat(r.writerChange()).contains(c);
        ChangeRecord other = new ChangeRecord("R-1", "RING_REPAIR", "x", Instant.EPOCH, false, "", "db2",
                List.of(new Step.Repoint("db3", "db1")), List.of(), Map.of("db3", "db1"), 1, Set.of(), false);
        assertThat(other.writerChange()).isEmpty();
        assertThat(other.promoteIndex()).isEqualTo(-1);
        assertThat(Resumption.plan(other, obs(false, false)).run()).containsExactly(0);
    }
}
