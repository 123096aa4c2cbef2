package io.ringmaster.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.Obs;
import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.state.ClusterState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterAnalysisTest {
    private final RingmasterConfig pair = TestClusters.pair();
    private final ClusterState state = States.allOnline(pair).role("writer", "db1").build()
            .withSources(Planner.initialSources(pair));

    private Map<String, HostObservation> obs(HostObservation... o) {
        Map<String, HostObservation> m = new java.util.HashMap<>();
        for (HostObservation x : o) {
            m.put(x.host(), x);
        }
        return m;
    }

    @Test
    void shouldDeclareWriterDeadWhenEveryReplicaLostItToo() {
        var db1 = pair.host("db1");
        var v = WriterAnalysis.analyze(pair, state, obs(
                Obs.of("db1").unreachable("refused").build(),
                Obs.of("db2").replicatingFrom(db1).threads(false, true).build(),
                Obs.of("r1").replicatingFrom(db1).threads(false, true).build(),
                Obs.of("r2").replicatingFrom(pair.host("db2")).build()), "db1");

        assertThat(v).isInstanceOf(WriterAnalysis.Dead.class);
        assertThat(((WriterAnalysis.Dead) v).corroborating()).hasSize(2);
        assertThat(v.summary()).contains("db2 (IO thread").contains("r1 (IO thread");
    }

    @Test
    void shouldNotDeclareWriterDeadWhileAReplicaStillReadsFromIt() {
        var db1 = pair.host("db1");
        var v = WriterAnalysis.analyze(pair, state, obs(
                Obs.of("db1").unreachable("timeout").build(),
                Obs.of("db2").replicatingFrom(db1).build(),
                Obs.of("r1").replicatingFrom(db1).threads(false, true).build()), "db1");

        assertThat(v).isInstanceOf(WriterAnalysis.Unreachable.class);
        assertThat(((WriterAnalysis.Unreachable) v).stillConnected()).containsExactly("db2");
        assertThat(v.summary()).contains("not failing over");
    }

    @Test
    void shouldNotCountReplicasTheMonitorCannotReachAsWitnesses() {
        var v = WriterAnalysis.analyze(pair, state, obs(
                Obs.of("db1").unreachable("timeout").build(),
                Obs.of("db2").unreachable("timeout").build(),
                Obs.of("r1").sqlFails("1040: Too many connections").build()), "db1");

        assertThat(v).isInstanceOf(WriterAnalysis.Unconfirmed.class);
        assertThat(((WriterAnalysis.Unconfirmed) v).silent()).containsExactlyInAnyOrder("db2", "r1");
        assertThat(v.summary()).contains("cannot confirm").contains("not failing over");
    }

    @Test
    void shouldDeclareWriterDeadOnTheWitnessesThatAnswerWhenOthersAreSilent() {
        var db1 = pair.host("db1");
        var v = WriterAnalysis.analyze(pair, state, obs(
                Obs.of("db1").refused("refused").build(),
                Obs.of("db2").replicatingFrom(db1).threads(false, true).build(),
                Obs.of("r1").sqlFails("1040: Too many connections").build()), "db1");

        assertThat(v).isInstanceOf(WriterAnalysis.Dead.class);
        assertThat(((WriterAnalysis.Dead) v).corroborating()).hasSize(1);
        assertThat(((WriterAnalysis.Dead) v).silent()).containsExactly("r1");
        assertThat(v.summary()).contains("r1 do not answer either");
    }

    @Test
    void shouldDeclareALoneWriterDeadWithNobodyToAsk() {
        ClusterState alone = state.withSources(Map.of());

        var v = WriterAnalysis.analyze(pair, alone, obs(Obs.of("db1").unreachable("refused").build()), "db1");

        assertThat(v).isInstanceOf(WriterAnalysis.Dead.class);
        assertThat(v.summary()).contains("no host replicates from it");
    }
}
