package io.ringmaster.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A monitor running in its own JVM (the real {@code ringmaster monitor} command from the shaded jar), so a test
 * can SIGKILL it or run it inside a network namespace. Always destroyed by {@link #close()}.
 */
final class MonitorProcess implements AutoCloseable {
    private final Process process;
    final Path log;

    private MonitorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The runnable jar the build made before the integration tests. */
    static Path jar() {
        Path jar = Path.of("..", "cli", "target", "ringmaster.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the cli module first");
        }
        return jar;
    }

    /**
     * Starts {@code ringmaster monitor --config CONFIG}, optionally inside a network namespace.
     *
     * @param netns namespace name, or null for this one
     */
    static MonitorProcess start(Path config, String netns, Path log) throws IOException {
        return start(config, netns, log, java.util.Map.of(), List.of());
    }

    /**
     * Like {@link #start(Path, String, Path)}, with extra environment variables (for {@code ${VAR}} in the config).
     */
    static MonitorProcess start(Path config, String netns, Path log, java.util.Map<String, String> env)
            throws IOException {
        return start(config, netns, log, env, List.of());
    }

    /**
     * As {@link #start(Path, String, Path)}, with extra JVM options before {@code -jar}, e.g. the fault-injection
     * property {@code -Dringmaster.fault.haltAfterStep=N} (see the monitor's {@code FaultInjection}).
     */
    static MonitorProcess start(Path config, String netns, Path log, List<String> jvmOptions) throws IOException {
        return start(config, netns, log, java.util.Map.of(), jvmOptions);
    }

    /** With extra environment variables and extra JVM options. */
    static MonitorProcess start(Path config, String netns, Path log, java.util.Map<String, String> env,
                                List<String> jvmOptions) throws IOException {
        return start(config, netns, log, env, jvmOptions, List.of());
    }

    /** With extra environment variables, JVM options and options of the command after {@code --config}. */
    static MonitorProcess start(Path config, String netns, Path log, java.util.Map<String, String> env,
                                List<String> jvmOptions, List<String> options) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar().toString(), "monitor", "--config", config.toString()));
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        return new MonitorProcess(p, log);
    }

    /** Sends a signal (STOP, CONT, TERM...) to the monitor's JVM. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Waits at most {@code max} for the JVM to exit by itself.
     *
     * @return its exit status, or -1 when it still runs
     */
    int awaitExit(java.time.Duration max) throws InterruptedException {
        return process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
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
