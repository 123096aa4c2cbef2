package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.plan.ChangeRecord;
import io.ringmaster.core.plan.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registered change in the state store: written, progressed, read back exactly, removed. */
class ChangeRegistrationTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** One step of every kind, so a step the store cannot read back fails here. */
    private static ChangeRecord everyStep() {
        return new ChangeRecord("F-1-1", "FAILOVER", "db1 is HARD_OFFLINE", T0, true, "db1", "db2",
                List.of(new Step.Fence("db1", true), new Step.ApproachSource("db2", "db1"),
                        new Step.CatchUpToSource("db2", "db1"), new Step.CatchUpRelayLog("db2"),
                        new Step.CatchUpFromPeers("db2", "db1"), new Step.StopApplier("db2", "db1"),
                        new Step.Promote("db2"), new Step.Detach("db2", "db1"), new Step.Repoint("db3", "db2")),
                List.of(new Step.Unfence("db1")), Map.of("db3", "db2", "db4", "db2"), 4, Set.of(), false);
    }

    @Test
    void shouldReadBackEveryStepAndTheStepsDone(@TempDir Path dir) throws Exception {
        StateStore store = new StateStore(dir.resolve("state.json"));
        assertThat(store.loadChange()).isEmpty();
        ChangeRecord r = everyStep();
        store.saveChange(r);
        assertThat(store.loadChange()).contains(r);
        ChangeRecord progressed = r.withDone(0).withDone(2).withRollbackStarted();
        store.saveChange(progressed);
        assertThat(store.loadChange()).contains(progressed);
        assertThat(store.loadChange().orElseThrow().done()).containsExactly(0, 2);
        assertThat(store.changeFile().getFileName().toString()).isEqualTo("state.json.change.json");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactly("state.json.change.json");
        }
        store.clearChange();
        assertThat(store.loadChange()).isEmpty();
        store.clearChange(); // idempotent
    }

    @Test
    void shouldRefuseATornOrUnknownRecordRatherThanForgetIt(@TempDir Path dir) throws Exception {
        StateStore store = new StateStore(dir.resolve("state.json"));
        Files.writeString(store.changeFile(), "{\"id\":\"F-1\",\"kind\":\"FAILOVER\"");
        assertThatThrownBy(store::loadChange).isInstanceOf(IOException.class).hasMessageContaining("unreadable");
        Files.writeString(store.changeFile(), "{\"id\":\"F-1\",\"kind\":\"FAILOVER\",\"to\":\"db2\",\"started\":"
                + "\"2026-01-01T00:00:00Z\",\"steps\":[{\"type\":\"Teleport\",\"host\":\"db2\"}]}");
        assertThatThrownBy(store::loadChange).isInstanceOf(IOException.class)
                .hasMessageContaining("unknown recorded step type 'Teleport'");
    }
}
