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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostCommand.class);
    /** Output files are named {@code ringmaster-agent-PID-*.out}, PID the agent's, so leftovers can be found. */
    private static final String PREFIX = "ringmaster-agent-";
    private static final java.util.regex.Pattern LEFTOVER = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(PREFIX) + "(\\d+)-.*\\.out");

    private HostCommand() {}

    /**
     * Deletes the output files that agents which no longer run left in the temporary directory (an agent killed
     * while a command ran: the file is deleted when the command ends, which it never saw).
     *
     * @return how many were deleted
     */
    public static int removeLeftovers() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            for (Path f : files.toList()) {
                java.util.regex.Matcher m = LEFTOVER.matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true)
                        && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot clear earlier agents' command output files in {}: {}", tmp, e.getMessage());
        }
        if (removed > 0) {
            log.info("deleted {} command output file(s) that stopped agents left in {}", removed, tmp);
        }
        return removed;
    }

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
            out = Files.createTempFile(PREFIX + ProcessHandle.current().pid() + "-", ".out");
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
