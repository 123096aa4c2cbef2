package io.ringmaster.core.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.Obs;
import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NoWriter finding rule by rule: why, the most advanced host per GTID domain, the command. */
class NoWriterAnalysisTest {
    private final RingmasterConfig pair = TestClusters.pair();

    private Map<String, HostObservation> obs(String db1Pos, String db2Pos) {
        Map<String, HostObservation> m = new LinkedHashMap<>();
        m.put("db1", Obs.of("db1").readOnly(true).pos(db1Pos).build());
        m.put("db2", Obs.of("db2").readOnly(true).pos(db2Pos).build());
        m.put("r1", Obs.of("r1").readOnly(true).pos("1-1-5").build());
        m.put("r2", Obs.of("r2").readOnly(true).pos("1-1-5").build());
        return m;
    }

    private Finding.NoWriter analyze(ClusterState s, Map<String, HostObservation> o, Finding... causes) {
        return NoWriterAnalysis.analyze(pair, s, o, Map.of(), List.of(causes), "");
    }

    @Test
    void shouldNameTheMostAdvancedHostOfEachDomain() {
        ClusterState s = States.allOnline(pair).host("db1", HostState.AWAITING_RECOVERY)
                .host("db2", HostState.AWAITING_RECOVERY).build();
        Finding.NoWriter f = analyze(s, obs("1-1-9,2-2-3", "1-1-7,2-2-4"));
        assertThat(f.mostPerDomain()).containsEntry(1L, "db1 (1-1-9)").containsEntry(2L, "db2 (2-2-4)");
        assertThat(f.command()).isEqualTo("ringmaster set-online db1"); // tie on domains: db1 answers, first
        assertThat(f.summary()).contains("domain 1 db1 (1-1-9)").contains("domain 2 db2 (2-2-4)")
                .contains("db1 AWAITING_RECOVERY, db2 AWAITING_RECOVERY");
        Finding.NoWriter g = analyze(s, obs("1-1-7", "1-1-9"));
        assertThat(g.command()).isEqualTo("ringmaster set-online db2");
        assertThat(g.host()).isEqualTo("db2");
    }

    @Test
    void shouldGiveTheCommandThatFitsTheModeAndTheState() {
        Map<String, HostObservation> o = obs("1-1-9", "1-1-7");
        assertThat(analyze(States.allOnline(pair).mode(MonitorMode.PASSIVE).build(), o).command())
                .isEqualTo("ringmaster set-active");
        assertThat(analyze(States.allOnline(pair).mode(MonitorMode.MANUAL).build(), o).command())
                .isEqualTo("ringmaster move-role writer db1");
        assertThat(analyze(States.allOnline(pair).host("db1", HostState.REPLICATION_FAIL).build(), o).command())
                .isEqualTo("ringmaster move-role --force writer db1");
        assertThat(analyze(States.allOnline(pair).host("db1", HostState.ADMIN_OFFLINE).build(), o).command())
                .isEqualTo("ringmaster set-online db1");
        assertThat(analyze(States.allOnline(pair).build(), o,
                new Finding.FailoverBlocked("db1", "anti-flap")).command()).isEqualTo("ringmaster acknowledge");
        Map<String, HostObservation> dead = new LinkedHashMap<>(o);
        dead.put("db1", Obs.of("db1").refused("refused").build());
        ClusterState s = States.allOnline(pair).host("db1", HostState.HARD_OFFLINE)
                .host("db2", HostState.AWAITING_RECOVERY).build();
        assertThat(NoWriterAnalysis.analyze(pair, s, dead, Map.of("db1", o.get("db1")), List.of(), "").command())
                .as("the dead master holds the most: start it").isEqualTo("start db1's server, then ringmaster set-online db1");
    }
}
