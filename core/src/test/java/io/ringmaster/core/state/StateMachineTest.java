package io.ringmaster.core.state;

import static io.ringmaster.core.ClusterSim.with;
import static io.ringmaster.core.model.HostState.ADMIN_OFFLINE;
import static io.ringmaster.core.model.HostState.AWAITING_RECOVERY;
import static io.ringmaster.core.model.HostState.HARD_OFFLINE;
import static io.ringmaster.core.model.HostState.ONLINE;
import static io.ringmaster.core.model.HostState.REPLICATION_DELAY;
import static io.ringmaster.core.model.HostState.REPLICATION_FAIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.ClusterSim;
import io.ringmaster.core.Obs;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.model.HostState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The host state machine, one behaviour per test. Rounds are one second apart; the trap period is 3 s, so a
 * failure counts in its fourth consecutive failing round (3 s after the first).
 */
class StateMachineTest {
    private static final UnaryOperator<Obs> DOWN = o -> o.unreachable("connect timed out");
    private static final UnaryOperator<Obs> SQL_DOWN = o -> o.sqlFails("1045: Access denied");
    private static final UnaryOperator<Obs> THREADS_STOPPED = o -> o.threads(true, false);
    private static final UnaryOperator<Obs> LAGGING = o -> o.lag(Duration.ofSeconds(30));

    /** Consecutive one-second failing rounds that last the 3 s trap period. */
    private static final int TRAP_ROUNDS = 4;

    private final ClusterSim sim = new ClusterSim(TestClusters.pair()).writer("db1");

    // ---- first sight -------------------------------------------------------------------------------------

    @Test
    void shouldStartHealthyHostOnlineOnFirstSight() {
        sim.round();

        assertThat(states()).containsExactly(
                Map.entry("db1", ONLINE), Map.entry("db2", ONLINE), Map.entry("r1", ONLINE), Map.entry("r2", ONLINE));
        assertThat(sim.transitions()).hasSize(4).allSatisfy(t -> {
            assertThat(t.from()).isNull();
            assertThat(t.reason()).isEqualTo("first check");
        });
    }

    @Test
    void shouldStartUnreachableHostHardOfflineOnFirstSightWithoutWaitingForTrapPeriod() {
        sim.round(with("db2", DOWN));

        assertThat(sim.stateOf("db2")).isEqualTo(HARD_OFFLINE);
        assertThat(sim.record("db2").reason()).isEqualTo("connect timed out");
    }

    @Test
    void shouldStartReplicaWithStoppedThreadInReplicationFailOnFirstSight() {
        sim.round(with("r1", THREADS_STOPPED));

        assertThat(sim.stateOf("r1")).isEqualTo(REPLICATION_FAIL);
        assertThat(sim.record("r1").reason()).contains("SQL thread stopped", "1062");
    }

    @Test
    void shouldStartLaggingReplicaInReplicationDelayOnFirstSight() {
        sim.round(with("r2", LAGGING));

        assertThat(sim.stateOf("r2")).isEqualTo(REPLICATION_DELAY);
        assertThat(sim.record("r2").reason()).contains("lag 30.000 s > max_backlog 10.000 s");
    }

    @Test
    void shouldStartReplicaNotReplicatingFromItsSourceInReplicationFail() {
        sim.round(with("r1", o -> o.replicatingFrom(sim.config().host("db2"))));

        assertThat(sim.stateOf("r1")).isEqualTo(REPLICATION_FAIL);
        assertThat(sim.record("r1").reason()).contains("expected db1");
    }

    // ---- trap period -------------------------------------------------------------------------------------

    @Test
    void shouldNotChangeStateForFailureShorterThanTrapPeriod() {
        sim.round().rounds(3, with("db2", DOWN)).rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);
        assertThat(sim.record("db2").falls()).isEmpty();
    }

    @Test
    void shouldMarkOnlineHostHardOfflineOnlyOnceFailureLastsTrapPeriod() {
        sim.round().advance(Duration.ofSeconds(1)).round(with("db2", DOWN));   // failing since t=1
        sim.advance(Duration.ofMillis(2999)).round(with("db2", DOWN));        // for 2.999 s
        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);

        sim.advance(Duration.ofMillis(1)).round(with("db2", DOWN));           // for 3 s

        assertThat(sim.stateOf("db2")).isEqualTo(HARD_OFFLINE);
        assertThat(sim.record("db2").reason()).isEqualTo("ping: connect timed out");
        assertThat(sim.transitions()).singleElement()
                .satisfies(t -> assertThat(t.toString()).isEqualTo(
                        "db2: ONLINE -> HARD_OFFLINE (ping: connect timed out)"));
    }

    @Test
    void shouldMarkHostHardOfflineWhenOnlyTheSqlCheckFails() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", SQL_DOWN));

        assertThat(sim.stateOf("db2")).isEqualTo(HARD_OFFLINE);
        assertThat(sim.record("db2").reason()).isEqualTo("mysql: 1045: Access denied");
    }

    @Test
    void shouldRestartTrapPeriodAfterOnePassingRound() {
        sim.round().rounds(3, with("db2", DOWN)).rounds(1).rounds(3, with("db2", DOWN));

        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);
    }

    // ---- replication checks ------------------------------------------------------------------------------

    @Test
    void shouldMarkReplicaReplicationFailOnceThreadsStayStoppedForTrapPeriod() {
        sim.round().rounds(3, with("r1", THREADS_STOPPED));
        assertThat(sim.stateOf("r1")).isEqualTo(ONLINE);

        sim.rounds(1, with("r1", THREADS_STOPPED));

        assertThat(sim.stateOf("r1")).isEqualTo(REPLICATION_FAIL);
    }

    @Test
    void shouldMarkPassiveMasterReplicationFailWhenItsThreadsStop() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", o -> o.threads(false, true)));

        assertThat(sim.stateOf("db2")).isEqualTo(REPLICATION_FAIL);
        assertThat(sim.record("db2").reason()).startsWith("IO thread Connecting (2003");
    }

    @Test
    void shouldMarkReplicaReplicationDelayOnceLagStaysAboveMaxBacklogForTrapPeriod() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", LAGGING));

        assertThat(sim.stateOf("r2")).isEqualTo(REPLICATION_DELAY);
    }

    @Test
    void shouldPreferReplicationFailOverDelayWhenBothFail() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", o -> o.threads(false, false).lag(Duration.ofMinutes(5))));

        assertThat(sim.stateOf("r2")).isEqualTo(REPLICATION_FAIL);
    }

    @Test
    void shouldReturnReplicationFailToOnlineWhenThreadsRunAgain() {
        sim.round().rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED)).rounds(1);

        assertThat(sim.stateOf("r1")).isEqualTo(ONLINE);
        assertThat(sim.record("r1").falls()).hasSize(1);
    }

    @Test
    void shouldReturnReplicationDelayToOnlineWhenLagFalls() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", LAGGING)).rounds(1, with("r2", o -> o.lag(Duration.ofSeconds(2))));

        assertThat(sim.stateOf("r2")).isEqualTo(ONLINE);
    }

    @Test
    void shouldMoveFromReplicationDelayToReplicationFailWhenThreadsStop() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", LAGGING)).rounds(TRAP_ROUNDS, with("r2", THREADS_STOPPED));

        assertThat(sim.stateOf("r2")).isEqualTo(REPLICATION_FAIL);
        assertThat(sim.record("r2").falls()).as("one fall from ONLINE only").hasSize(1);
    }

    @Test
    void shouldExemptWriterFromReplicationChecks() {
        sim.round().rounds(10, with("db1", o -> o.threads(false, false).lag(Duration.ofHours(1))));

        assertThat(sim.stateOf("db1")).isEqualTo(ONLINE);
    }

    @Test
    void shouldExemptReplicaWhoseSourceIsDownInTheSameRound() {
        sim.round().rounds(TRAP_ROUNDS, with("db1", DOWN), with("r1", o -> o.threads(false, true)));

        assertThat(sim.stateOf("db1")).isEqualTo(HARD_OFFLINE);
        assertThat(sim.stateOf("r1")).isEqualTo(ONLINE);
    }

    @Test
    void shouldTakeTheRoleOfAReplicaWhosePassiveMasterIsDown() {
        // issue 9: r2 receives nothing from the writer db1 while db2 is down: it must not serve stale reads
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN), with("r2", o -> o.threads(false, true)));

        assertThat(sim.stateOf("db2")).isEqualTo(HARD_OFFLINE);
        assertThat(sim.stateOf("r2")).isEqualTo(REPLICATION_FAIL);
    }

    @Test
    void shouldExemptAReplicaWhoseSourceIsTheWriterThatIsDown() {
        sim.round().rounds(TRAP_ROUNDS, with("db1", DOWN), with("r1", o -> o.threads(false, true)));

        assertThat(sim.stateOf("r1")).as("nobody has more than r1: the writer is gone").isEqualTo(ONLINE);
    }

    @Test
    void shouldTakeDownAMasterWhosePortRefusesAtOnce() {
        sim.round().advance(java.time.Duration.ofMillis(100)).round(with("db2", o -> o.refused("refused")));

        assertThat(sim.stateOf("db2")).as("crashed: no trap period, so its ring closes at once")
                .isEqualTo(HARD_OFFLINE);
    }

    @Test
    void shouldCheckReplicaAgainOnceItsSourceIsOnline() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(1).setOnline("db2");
        sim.rounds(TRAP_ROUNDS, with("r2", THREADS_STOPPED));

        assertThat(sim.stateOf("r2")).isEqualTo(REPLICATION_FAIL);
    }

    @Test
    void shouldKeepReplicationFailWhenItsSourceGoesDown() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", THREADS_STOPPED))
                .rounds(TRAP_ROUNDS, with("db2", DOWN), with("r2", o -> o.threads(false, false)));

        assertThat(sim.stateOf("db2")).isEqualTo(HARD_OFFLINE);
        assertThat(sim.stateOf("r2")).as("broken before its source went down: stale, not exempt")
                .isEqualTo(REPLICATION_FAIL);
    }

    @Test
    void shouldClearReplicationDelayWhenItsSourceTheWriterGoesDownAsMmmDoes() {
        sim.round().rounds(TRAP_ROUNDS, with("r1", LAGGING)).rounds(1, with("db1", DOWN), with("r1", LAGGING));

        assertThat(sim.stateOf("r1")).as("what it lacks is in its relay log").isEqualTo(ONLINE);
    }

    @Test
    void shouldKeepReplicationDelayWhenItsSourceAPassiveMasterGoesDown() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", LAGGING)).rounds(1, with("db2", DOWN), with("r2", LAGGING));

        assertThat(sim.stateOf("r2")).as("cut off from the writer db1: it lacks its transactions")
                .isEqualTo(REPLICATION_DELAY);
    }

    @Test
    void shouldReturnReplicationFailToOnlineOnceItReallyReplicatesAgain() {
        sim.round().rounds(TRAP_ROUNDS, with("r2", THREADS_STOPPED)).rounds(2, with("db2", DOWN),
                with("r2", o -> o.threads(false, false))).rounds(1);

        assertThat(sim.stateOf("r2")).isEqualTo(ONLINE);
    }

    @Test
    void shouldNotAutoSetOnlineWhileOnlyExemptBecauseItsSourceIsDown() {
        ClusterSim auto = new ClusterSim(TestClusters.cluster(
                TestClusters.monitor(Duration.ofSeconds(3), Duration.ofSeconds(10), 3, Duration.ofHours(1)),
                2, List.of("db1", "db2"), Optional.empty())).writer("db1");
        auto.round().restart("r2").rounds(1);
        assertThat(auto.stateOf("r2")).isEqualTo(AWAITING_RECOVERY);

        auto.rounds(30, with("db2", DOWN), with("r2", o -> o.threads(false, false)));

        assertThat(auto.stateOf("r2")).isEqualTo(AWAITING_RECOVERY);
    }

    // ---- recovery ----------------------------------------------------------------------------------------

    @Test
    void shouldMoveHardOfflineHostToAwaitingRecoveryAsSoonAsItAnswers() {
        sim.round().rounds(5, with("db2", DOWN)).rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("db2").reason()).isEqualTo("back after failure: ping: connect timed out");
    }

    @Test
    void shouldKeepAwaitingRecoveryWithoutAutoSetOnline() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(3600);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
    }

    @Test
    void shouldSetAwaitingRecoveryOnlineOnceAutoSetOnlineHasElapsed() {
        ClusterSim auto = new ClusterSim(TestClusters.cluster(
                TestClusters.monitor(Duration.ofSeconds(3), Duration.ofSeconds(10), 3, Duration.ofHours(1)),
                2, List.of("db1"), Optional.empty())).writer("db1");
        auto.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(1);
        assertThat(auto.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);

        auto.rounds(9);
        assertThat(auto.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        auto.rounds(1);

        assertThat(auto.stateOf("db2")).isEqualTo(ONLINE);
        assertThat(auto.transitions()).singleElement()
                .satisfies(t -> assertThat(t.reason()).isEqualTo("checks pass"));
    }

    @Test
    void shouldNotAutoSetOnlineWhileReplicationFails() {
        ClusterSim auto = new ClusterSim(TestClusters.cluster(
                TestClusters.monitor(Duration.ofSeconds(3), Duration.ofSeconds(10), 3, Duration.ofHours(1)),
                2, List.of("db1"), Optional.empty())).writer("db1");
        auto.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(30, with("db2", THREADS_STOPPED));

        assertThat(auto.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
    }

    // ---- unsafe restarts and lost data -------------------------------------------------------------------

    @Test
    void shouldMoveOnlineHostToAwaitingRecoveryWhenUptimeGoesDown() {
        sim.round().advance(Duration.ofSeconds(1)).restart("db2").advance(Duration.ofSeconds(1)).round();

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("db2").reason()).isEqualTo("server restarted (Uptime 1000 s -> 1 s)");
        assertThat(sim.record("db2").falls()).hasSize(1);
    }

    @Test
    void shouldCatchRestartHiddenInsideTheTrapPeriod() {
        sim.round().rounds(2, with("db2", DOWN)).restart("db2").rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
    }

    @Test
    void shouldMoveReplicationFailHostToAwaitingRecoveryWhenItRestarted() {
        sim.round().rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED)).restart("r1").rounds(1);

        assertThat(sim.stateOf("r1")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("r1").reason()).startsWith("server restarted");
    }

    @Test
    void shouldSayHardOfflineHostRestartedWhenItReturns() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).restart("db2").rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("db2").reason()).startsWith("server restarted");
    }

    @Test
    void shouldMoveOnlineHostToAwaitingRecoveryWhenGtidPositionGoesBackwards() {
        sim.position("db2", "1-1-100,2-2-7").round().position("db2", "1-1-90,2-2-7").rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("db2").reason())
                .isEqualTo("GTID position went backwards (1-1-100,2-2-7 -> 1-1-90,2-2-7)");
    }

    @Test
    void shouldMoveOnlineHostToAwaitingRecoveryWhenADomainDisappears() {
        sim.position("db2", "1-1-100,2-2-7").round().position("db2", "1-1-100").rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
    }

    @Test
    void shouldStayOnlineWhileGtidPositionGrows() {
        sim.position("db2", "1-1-100").round().position("db2", "1-1-120,2-2-1").rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);
    }

    @Test
    void shouldStartAutoSetOnlineWaitAgainWhenHostRestartsWhileAwaiting() {
        ClusterSim auto = new ClusterSim(TestClusters.cluster(
                TestClusters.monitor(Duration.ofSeconds(3), Duration.ofSeconds(10), 3, Duration.ofHours(1)),
                2, List.of("db1"), Optional.empty())).writer("db1");
        auto.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(5);      // awaiting since t=5, due at t=15
        auto.restart("db2").rounds(10);                                     // restart seen at t=11, due at t=21
        assertThat(auto.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        assertThat(auto.record("db2").reason()).startsWith("server restarted");

        auto.rounds(1);

        assertThat(auto.stateOf("db2")).isEqualTo(ONLINE);
    }

    // ---- administrative state ----------------------------------------------------------------------------

    @Test
    void shouldNeverChangeAdminOfflineByItself() {
        sim.round().setOffline("db2");

        sim.rounds(5, with("db2", DOWN));
        assertThat(sim.stateOf("db2")).isEqualTo(ADMIN_OFFLINE);
        sim.restart("db2").rounds(5, with("db2", THREADS_STOPPED));
        assertThat(sim.stateOf("db2")).isEqualTo(ADMIN_OFFLINE);
        sim.rounds(5);

        assertThat(sim.stateOf("db2")).isEqualTo(ADMIN_OFFLINE);
        assertThat(sim.record("db2").reason()).isEqualTo("set offline by operator");
        assertThat(sim.record("db2").check(CheckName.PING).passing()).as("checks still run").isTrue();
    }

    @Test
    void shouldKeepRecordOfHostWithoutObservation() {
        sim.round();
        HostRecord before = sim.record("db2");

        sim.advance(Duration.ofSeconds(10)).round(Map.of("db1", sim.healthy("db1").build()));

        assertThat(sim.record("db2")).isSameAs(before);
    }

    // ---- flapping ----------------------------------------------------------------------------------------

    @Test
    void shouldMarkHostFlappingAfterMoreThanFlapCountFallsWithinFlapDuration() {
        sim.round();
        for (int fall = 1; fall <= 3; fall++) {
            fallAndRecover("r1");
            assertThat(sim.stateOf("r1")).as("after fall %d", fall).isEqualTo(ONLINE);
            assertThat(sim.record("r1").flapping()).isFalse();
        }

        sim.rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED));
        assertThat(sim.record("r1").flapping()).isTrue();
        sim.rounds(1);

        assertThat(sim.stateOf("r1")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("r1").reason()).isEqualTo("replication recovered, but the host is flapping");
        sim.rounds(600);
        assertThat(sim.stateOf("r1")).isEqualTo(AWAITING_RECOVERY);
    }

    @Test
    void shouldForgetFallsOlderThanFlapDuration() {
        ClusterSim s = new ClusterSim(TestClusters.cluster(
                TestClusters.monitor(Duration.ofSeconds(3), Duration.ZERO, 1, Duration.ofSeconds(30)),
                2, List.of("db1"), Optional.empty())).writer("db1");
        s.round().rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED)).rounds(1);  // first fall at t=4
        s.rounds(26);                                                           // t=31
        s.rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED)).rounds(1);  // second fall at t=35, the first forgotten

        assertThat(s.record("r1").flapping()).isFalse();
        assertThat(s.record("r1").falls()).hasSize(1);
        assertThat(s.stateOf("r1")).isEqualTo(ONLINE);

        s.rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED));            // third fall, 5 s after the second

        assertThat(s.record("r1").flapping()).isTrue();
    }

    @Test
    void shouldClearFlappingOnSetOnline() {
        sim.round();
        for (int fall = 1; fall <= 4; fall++) {
            fallAndRecover("r1");
        }
        assertThat(sim.stateOf("r1")).isEqualTo(AWAITING_RECOVERY);

        sim.setOnline("r1");

        assertThat(sim.stateOf("r1")).isEqualTo(ONLINE);
        assertThat(sim.record("r1").flapping()).isFalse();
        assertThat(sim.record("r1").falls()).isEmpty();
        sim.rounds(1);
        assertThat(sim.stateOf("r1")).isEqualTo(ONLINE);
    }

    @Test
    void shouldWaitFlapDurationBeforeAutoSetOnlineOfFlappingHost() {
        ClusterSim s = new ClusterSim(TestClusters.cluster(
                TestClusters.monitor(Duration.ofSeconds(3), Duration.ofSeconds(5), 1, Duration.ofSeconds(60)),
                2, List.of("db1"), Optional.empty())).writer("db1");
        s.round().rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED)).rounds(1);
        s.rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED)).rounds(1);           // second fall: flapping
        assertThat(s.stateOf("r1")).isEqualTo(AWAITING_RECOVERY);

        s.rounds(59);
        assertThat(s.stateOf("r1")).isEqualTo(AWAITING_RECOVERY);
        s.rounds(1);

        assertThat(s.stateOf("r1")).isEqualTo(ONLINE);
    }

    // ---- operator commands -------------------------------------------------------------------------------

    @Test
    void shouldSetAwaitingRecoveryHostOnline() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(1).setOnline("db2");

        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);
        assertThat(sim.record("db2").reason()).isEmpty();
        assertThat(sim.record("db2").since()).isEqualTo(sim.now());
    }

    @Test
    void shouldSetAdminOfflineHostOnline() {
        sim.round().setOffline("db2").setOnline("db2");

        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);
    }

    @Test
    void shouldNotCountARestartWhileAdminOfflineThatNoRoundSawBeforeSetOnline() {
        // set-offline, restart (an upgrade, a clone's swap), set-online before the next round looks
        sim.round().setOffline("db2").advance(Duration.ofSeconds(1)).restart("db2").advance(Duration.ofSeconds(1))
                .setOnlineSeen("db2", UnaryOperator.identity()).rounds(3);

        assertThat(sim.stateOf("db2")).isEqualTo(ONLINE);
        assertThat(sim.record("db2").uptimeSeconds()).isLessThan(10);
        // a restart after set-online still counts
        sim.restart("db2").rounds(1);
        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
        assertThat(sim.record("db2").reason()).startsWith("server restarted");
    }

    @Test
    void shouldCountTheSameRestartWithoutAFreshObservation() {
        sim.round().setOffline("db2").advance(Duration.ofSeconds(1)).restart("db2").advance(Duration.ofSeconds(1))
                .setOnline("db2").rounds(1);

        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);
    }

    @Test
    void shouldRefuseSetOnlineWhenTheFreshObservationFails() {
        sim.round().setOffline("db2");

        assertRefusal(() -> sim.setOnlineSeen("db2", DOWN), "host 'db2' fails its ping check: connect timed out");
        assertRefusal(() -> sim.setOnlineSeen("db1", UnaryOperator.identity()), "host 'db1' is ONLINE; set-online "
                + "only applies to ADMIN_OFFLINE or AWAITING_RECOVERY hosts");
    }

    @Test
    void shouldRefuseSetOnlineOfHostThatIsNotOfflineOrAwaiting() {
        sim.round().rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED));

        assertRefusal(() -> sim.setOnline("db1"), "host 'db1' is ONLINE; set-online only applies to "
                + "ADMIN_OFFLINE or AWAITING_RECOVERY hosts");
        assertRefusal(() -> sim.setOnline("r1"), "host 'r1' is REPLICATION_FAIL; set-online only applies to "
                + "ADMIN_OFFLINE or AWAITING_RECOVERY hosts");
    }

    @Test
    void shouldRefuseSetOnlineOfHardOfflineHost() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN));

        assertRefusal(() -> sim.setOnline("db2"), "host 'db2' is HARD_OFFLINE; set-online only applies to "
                + "ADMIN_OFFLINE or AWAITING_RECOVERY hosts");
    }

    @Test
    void shouldRefuseSetOnlineOfHostFailingPing() {
        sim.round().setOffline("db2").rounds(1, with("db2", DOWN));

        assertRefusal(() -> sim.setOnline("db2"), "host 'db2' fails its ping check: connect timed out");
    }

    @Test
    void shouldRefuseSetOnlineOfHostFailingMysql() {
        sim.round().setOffline("db2").rounds(1, with("db2", SQL_DOWN));

        assertRefusal(() -> sim.setOnline("db2"), "host 'db2' fails its mysql check: 1045: Access denied");
    }

    @Test
    void shouldRefuseCommandsForHostNeverChecked() {
        assertRefusal(() -> sim.setOnline("db2"), "host 'db2' has not been checked yet");
        assertRefusal(() -> sim.setOffline("db2"), "host 'db2' has not been checked yet");
    }

    @Test
    void shouldSetOfflineFromOnlineReplicationAndAwaitingStates() {
        sim.round().rounds(TRAP_ROUNDS, with("r1", THREADS_STOPPED), with("r2", LAGGING));
        assertThat(List.of(sim.stateOf("db1"), sim.stateOf("r1"), sim.stateOf("r2")))
                .containsExactly(ONLINE, REPLICATION_FAIL, REPLICATION_DELAY);
        for (String host : List.of("db1", "r1", "r2")) {
            sim.setOffline(host);
            assertThat(sim.stateOf(host)).isEqualTo(ADMIN_OFFLINE);
        }
        sim.rounds(TRAP_ROUNDS, with("db2", DOWN)).rounds(1);
        assertThat(sim.stateOf("db2")).isEqualTo(AWAITING_RECOVERY);

        sim.setOffline("db2");

        assertThat(sim.stateOf("db2")).isEqualTo(ADMIN_OFFLINE);
    }

    @Test
    void shouldRefuseSetOfflineOfHardOfflineOrAdminOfflineHost() {
        sim.round().rounds(TRAP_ROUNDS, with("db2", DOWN)).setOffline("r1");

        assertRefusal(() -> sim.setOffline("db2"), "host 'db2' is HARD_OFFLINE; set-offline only applies to "
                + "ONLINE, REPLICATION_FAIL, REPLICATION_DELAY or AWAITING_RECOVERY hosts");
        assertRefusal(() -> sim.setOffline("r1"), "host 'r1' is ADMIN_OFFLINE; set-offline only applies to "
                + "ONLINE, REPLICATION_FAIL, REPLICATION_DELAY or AWAITING_RECOVERY hosts");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** One fall from ONLINE to REPLICATION_FAIL (trap period of stopped threads), then one healthy round. */
    private void fallAndRecover(String host) {
        sim.rounds(TRAP_ROUNDS, with(host, THREADS_STOPPED)).rounds(1);
    }

    private Map<String, HostState> states() {
        Map<String, HostState> m = new java.util.LinkedHashMap<>();
        sim.state().hosts().forEach((h, r) -> m.put(h, r.state()));
        return m;
    }

    private static void assertRefusal(Runnable command, String reason) {
        assertThatThrownBy(command::run).isInstanceOf(IllegalStateException.class).hasMessage(reason)
                .extracting(Throwable::getMessage).asString().doesNotContain("\n");
    }
}
