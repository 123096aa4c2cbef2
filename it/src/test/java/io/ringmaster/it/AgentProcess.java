package io.ringmaster.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real agent ({@code ringmaster agent --config F --host NAME} from the shaded jar) in its own JVM, optionally
 * inside a network namespace ({@code ip netns exec} execs the JVM, so the process is the agent). SIGTERM on
 * {@link #close()}, SIGKILL after 10 s.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the agent of {@code host}.
     *
     * @param prefix command prefix, e.g. {@code ip netns exec NS}; empty for this namespace
     */
    static AgentProcess start(Path config, String host, List<String> prefix, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-jar", MonitorProcess.jar().toString(), "agent", "--config", config.toString(),
                "--host", host));
        return new AgentProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .start(), log);
    }

    long pid() {
        return process.pid();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
