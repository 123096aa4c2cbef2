package io.ringmaster.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operator hooks ({@code pre_failover}, {@code post_failover}, {@code post_switchover}) as {@code /bin/sh -c
 * COMMAND} with the change's details in {@code RINGMASTER_*} environment variables, bounded by a timeout.
 * Stateless; thread-safe.
 */
final class HookRunner {
    private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
    private static final int MAX_OUTPUT = 4000;

    /** A hook's outcome: exit code (-1 on timeout or failure to start) and its combined output, trimmed. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private HookRunner() {}

    /**
     * Runs a hook.
     *
     * @param name    hook name, for logs
     * @param command the shell command
     * @param env     extra environment variables (never secrets)
     * @param timeout bound on the hook; it is killed when it runs out
     */
    static Result run(String name, String command, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        log.info("hook {}: running `{}` with {}", name, command, env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(-1, "cannot start: " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
            byte[] out = readBounded(p, timeout);
            if (!p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout.toMillis() + " ms");
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            Result r = new Result(p.exitValue(), text);
            log.info("hook {}: exit {}{}", name, r.exitCode(), text.isEmpty() ? "" : ": " + text);
            return r;
        } catch (IOException e) {
            p.destroyForcibly();
            return new Result(-1, "failed: " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static byte[] readBounded(Process p, Duration timeout) throws IOException, InterruptedException {
        var in = p.getInputStream();
        var buf = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[1024];
        while (System.nanoTime() < deadline) {
            if (in.available() > 0) {
                int n = in.read(chunk);
                if (n < 0) {
                    break;
                }
                if (buf.size() < MAX_OUTPUT) {
                    buf.write(chunk, 0, Math.min(n, MAX_OUTPUT - buf.size()));
                }
            } else if (!p.isAlive()) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    if (buf.size() < MAX_OUTPUT) {
                        buf.write(chunk, 0, Math.min(n, MAX_OUTPUT - buf.size()));
                    }
                }
                break;
            } else {
                Thread.sleep(10);
            }
        }
        return buf.toByteArray();
    }
}
