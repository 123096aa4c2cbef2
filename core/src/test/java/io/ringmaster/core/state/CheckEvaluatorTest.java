package io.ringmaster.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.Obs;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.state.CheckEvaluator.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckEvaluatorTest {
    private static final Duration MAX_BACKLOG = Duration.ofSeconds(10);
    private final RingmasterConfig config = TestClusters.pair();
    private final HostConfig db1 = config.host("db1");
    private final HostConfig db2 = config.host("db2");

    @Test
    void shouldPassEveryCheckOfAHealthyReplica() {
        var r = eval(Obs.of("r1").replicatingFrom(db1).lag(Duration.ofSeconds(2)), Optional.of(db1));

        assertThat(r.values()).allMatch(Result::passing);
        assertThat(r.get(CheckName.REP_BACKLOG).message()).isEqualTo("lag 2.000 s");
    }

    @Test
    void shouldFailPingAndMysqlOfAnUnreachableHostAndCallReplicationUnknown() {
        var r = eval(Obs.of("r1").unreachable("connect timed out"), Optional.of(db1));

        assertThat(r.get(CheckName.PING)).isEqualTo(new Result(false, "connect timed out"));
        assertThat(r.get(CheckName.MYSQL)).isEqualTo(new Result(false, "not reachable"));
        assertThat(r.get(CheckName.REP_THREADS)).isEqualTo(new Result(false, "unknown: mysql check failed"));
        assertThat(r.get(CheckName.REP_BACKLOG).passing()).isFalse();
    }

    @Test
    void shouldPassPingButFailMysqlWhenOnlyTheQueryFails() {
        var r = eval(Obs.of("r1").sqlFails("1045: Access denied"), Optional.of(db1));

        assertThat(r.get(CheckName.PING).passing()).isTrue();
        assertThat(r.get(CheckName.MYSQL)).isEqualTo(new Result(false, "1045: Access denied"));
    }

    @Test
    void shouldPassReplicationChecksOfAHostNotExpectedToReplicate() {
        var r = eval(Obs.of("db1"), Optional.empty());

        assertThat(r.get(CheckName.REP_THREADS)).isEqualTo(new Result(true, "not replicating (none expected)"));
        assertThat(r.get(CheckName.REP_BACKLOG).passing()).isTrue();
    }

    @Test
    void shouldFailRepThreadsWhenNoReplicationIsConfigured() {
        var r = eval(Obs.of("r1"), Optional.of(db1));

        assertThat(r.get(CheckName.REP_THREADS))
                .isEqualTo(new Result(false, "no replication configured (expected from db1)"));
    }

    @Test
    void shouldFailRepThreadsWhenReplicatingFromTheWrongSource() {
        var r = eval(Obs.of("r1").replicatingFrom(db2), Optional.of(db1));

        assertThat(r.get(CheckName.REP_THREADS)).isEqualTo(new Result(false,
                "replicates from 10.0.0.2:3306, expected db1 (10.0.0.1:3306)"));
    }

    @Test
    void shouldDescribeBothStoppedThreadsWithTheirErrors() {
        var r = eval(Obs.of("r1").replicatingFrom(db1).threads(false, false), Optional.of(db1));

        assertThat(r.get(CheckName.REP_THREADS).message()).isEqualTo("IO thread Connecting (2003: Can't connect); "
                + "SQL thread stopped (1062: Duplicate entry '1' for key 'PRIMARY')");
    }

    @Test
    void shouldPassLagOfExactlyMaxBacklogAndFailAnythingAbove() {
        assertThat(eval(Obs.of("r1").replicatingFrom(db1).lag(MAX_BACKLOG), Optional.of(db1))
                .get(CheckName.REP_BACKLOG).passing()).isTrue();
        assertThat(eval(Obs.of("r1").replicatingFrom(db1).lag(MAX_BACKLOG.plusMillis(1)), Optional.of(db1))
                .get(CheckName.REP_BACKLOG)).isEqualTo(new Result(false, "lag 10.001 s > max_backlog 10.000 s"));
    }

    @Test
    void shouldPassBacklogWhileLagIsUnknown() {
        var r = eval(Obs.of("r1").replicatingFrom(db1), Optional.of(db1));

        assertThat(r.get(CheckName.REP_BACKLOG)).isEqualTo(new Result(true, "lag unknown (no heartbeat yet)"));
    }

    @Test
    void shouldRememberWhenAnUnbrokenRunOfFailuresStarted() {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        CheckStatus s = CheckStatus.first(true, "", t0);

        CheckStatus failing = s.next(false, "a", t0.plusSeconds(1)).next(false, "b", t0.plusSeconds(2));

        assertThat(failing.failingSince()).isEqualTo(t0.plusSeconds(1));
        assertThat(failing.lastChange()).isEqualTo(t0.plusSeconds(1));
        assertThat(failing.message()).isEqualTo("b");
        assertThat(failing.failedFor(Duration.ofSeconds(1), t0.plusSeconds(2))).isTrue();
        assertThat(failing.failedFor(Duration.ofSeconds(2), t0.plusSeconds(2))).isFalse();
        CheckStatus passing = failing.next(true, "", t0.plusSeconds(3));
        assertThat(passing.failingSince()).isNull();
        assertThat(passing.failedFor(Duration.ZERO, t0.plusSeconds(9))).isFalse();
    }

    private static Map<CheckName, Result> eval(Obs o, Optional<HostConfig> source) {
        return CheckEvaluator.evaluate(o.build(), source, MAX_BACKLOG);
    }
}
