package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookRunnerTest {

    @Test
    void shouldPassTheDetailsAsEnvironmentAndReturnTheOutput() {
        var r = HookRunner.run("test", "echo \"$RINGMASTER_NEW_WRITER from $RINGMASTER_OLD_WRITER\"",
                Map.of("RINGMASTER_NEW_WRITER", "db2", "RINGMASTER_OLD_WRITER", "db1"), Duration.ofSeconds(5));

        assertThat(r.ok()).isTrue();
        assertThat(r.output()).isEqualTo("db2 from db1");
    }

    @Test
    void shouldReportANonZeroExitWithItsOutput() {
        var r = HookRunner.run("test", "echo no way; exit 3", Map.of(), Duration.ofSeconds(5));

        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).isEqualTo("no way");
    }

    @Test
    void shouldKillAHookThatRunsOutOfTime() {
        long t0 = System.nanoTime();
        var r = HookRunner.run("test", "sleep 30", Map.of(), Duration.ofMillis(300));

        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("timed out");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }
}
