package io.ringmaster.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short program of the host (ip, arping, a configured stop/start command) to its end within a time
 * limit, capturing what it prints. Stateless and thread-safe.
 */
public final class HostCommand {
    private HostCommand() {}

    /**
     * What a program did.
     *
     * @param exitCode its exit code; -1 when it could not be started
     * @param output   stdout and stderr together, never null
     */
    public record Result(int exitCode, String output) {
        /** True for exit code 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** The output on one line (blank lines dropped, joined with " | "), for messages. */
        public String oneLine() {
            return String.join(" | ", output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        }
    }

    /**
     * Runs {@code command} with no input.
     *
     * @param timeout how long to wait; a program that runs longer is killed and reported as exit code 124 (as
     *                coreutils' timeout does)
     * @return the result; a program that cannot be started (not installed) gives exit code -1 and the reason
     * @throws InterruptedException when the wait is interrupted (the program is killed first)
     */
    public static Result run(List<String> command, Duration timeout) throws InterruptedException {
        Path out;
        try {
            out = Files.createTempFile("ringmaster-agent-", ".out");
        } catch (IOException e) {
            return new Result(-1, "cannot create a temporary file for " + command.get(0) + ": " + e.getMessage());
        }
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(1, TimeUnit.SECONDS);
                    return new Result(124, command.get(0) + " ran longer than " + timeout.toMillis()
                            + " ms and was killed");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                throw e;
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "cannot read the output of " + command.get(0) + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
