package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.Ring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void shouldKeepTheRingAndWhoIsOutOfItAcrossARestart(@TempDir Path dir) throws Exception {
        StateStore store = new StateStore(dir.resolve("state.json"));
        ClusterState state = new ClusterState(MonitorMode.ACTIVE, T0, Map.of(), Map.of("writer", List.of("db1")),
                Map.of("db2", "db1"), 3, T0, new Ring(List.of("db1", "db2"), List.of("db2")));

        store.save(state);
        ClusterState loaded = store.load().orElseThrow();

        assertThat(loaded).isEqualTo(state);
        ClusterState current = StateStore.withCurrentHosts(TestConfigs.twoMasters(""), loaded);
        assertThat(current.ring()).isEqualTo(state.ring());
    }

    @Test
    void shouldReadAStateSavedBeforeRingsWereKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"mode": "ACTIVE", "modeSince": "2026-12-01T00:00:00Z", "hosts": {}, "roles": {"writer": ["db1"]},
                 "sources": {"db2": "db1"}, "epoch": 2, "updated": "2026-12-01T00:00:00Z"}
                """);

        ClusterState loaded = new StateStore(file).load().orElseThrow();

        assertThat(loaded.ring()).isEqualTo(Ring.NONE);
        assertThat(loaded.holders("writer")).containsExactly("db1");
    }
}
