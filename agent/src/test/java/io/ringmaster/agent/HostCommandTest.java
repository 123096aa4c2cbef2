package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostCommandTest {

    @Test
    void shouldCaptureOutputAndExitCodeAndKillWhatRunsTooLong() throws Exception {
        HostCommand.Result ok = HostCommand.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                Duration.ofSeconds(10));
        assertThat(ok.exitCode()).isEqualTo(3);
        assertThat(ok.oneLine()).isEqualTo("out | err");

        HostCommand.Result slow = HostCommand.run(List.of("sleep", "30"), Duration.ofMillis(200));
        assertThat(slow.exitCode()).isEqualTo(124);

        assertThat(HostCommand.run(List.of("/nonexistent/program"), Duration.ofSeconds(1)).exitCode()).isEqualTo(-1);
    }

    @Test
    void shouldDeleteOnlyTheOutputFilesOfAgentsThatNoLongerRun() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path leftover = Files.createTempFile(tmp, "ringmaster-agent-" + gone.pid() + "-", ".out");
        Path mine = Files.createTempFile(tmp, "ringmaster-agent-" + ProcessHandle.current().pid() + "-", ".out");
        Path other = Files.createTempFile(tmp, "ringmaster-agent-" + gone.pid() + "-", ".txt");
        try {
            assertThat(HostCommand.removeLeftovers()).isGreaterThanOrEqualTo(1);
            assertThat(leftover).doesNotExist();
            assertThat(mine).as("a running agent's file stays").exists();
            assertThat(other).as("not an output file").exists();
        } finally {
            Files.deleteIfExists(leftover);
            Files.deleteIfExists(mine);
            Files.deleteIfExists(other);
        }
    }
}
