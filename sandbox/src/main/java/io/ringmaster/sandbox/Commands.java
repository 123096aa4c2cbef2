package io.ringmaster.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short external commands with a time limit, and reads the tail of log files. Stateless, thread-safe. */
final class Commands {
    private Commands() {}

    /**
     * The outcome of one command.
     *
     * @param exitCode the exit code
     * @param output   what it printed on stdout and stderr together, never null
     */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank lines of the output joined with " | ", for one-line error messages. */
        String tail(int lines) {
            return joinTail(output.lines().filter(l -> !l.isBlank()).toList(), lines);
        }
    }

    /**
     * Runs a command to its end, output captured into {@code log} (created or replaced).
     *
     * @param command program and arguments
     * @param stdin   text for the command's standard input, may be null for none
     * @param log     file that receives stdout and stderr
     * @param timeout how long to wait; the command is killed (SIGKILL) when it runs longer
     * @return the exit code and output
     * @throws SandboxException when it cannot be started, runs out of time, or the wait is interrupted
     */
    static Result run(List<String> command, String stdin, Path log, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SandboxException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the command exited early; its exit code and output tell why
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new SandboxException(command.get(0) + " did not finish within " + seconds(timeout)
                        + "; output in " + log);
            }
            return new Result(p.exitValue(), readQuietly(log));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting for " + command.get(0), e);
        }
    }

    /** The file's text, or "" when it cannot be read. */
    static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The last lines of a server error log for a one-line message: its [ERROR] lines when it has any, else its
     * last lines. Returns "(empty)" when the file is missing or empty.
     */
    static String errorLogTail(Path file, int lines) {
        return errorLogTail(file, 0, lines);
    }

    /** Like {@link #errorLogTail(Path, int)}, reading only what was written from byte {@code fromOffset} on. */
    static String errorLogTail(Path file, long fromOffset, int lines) {
        String text = readQuietly(file);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (fromOffset > 0 && fromOffset <= bytes.length) {
            text = new String(bytes, (int) fromOffset, bytes.length - (int) fromOffset, StandardCharsets.UTF_8);
        }
        List<String> all = text.lines().filter(l -> !l.isBlank()).toList();
        List<String> errors = new ArrayList<>(all.stream().filter(l -> l.contains("[ERROR]")).toList());
        String tail = joinTail(errors.isEmpty() ? all : errors, lines);
        return tail.isEmpty() ? "(empty)" : tail;
    }

    private static String joinTail(List<String> lines, int n) {
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** The size of a file in bytes, 0 when it is missing. */
    static long sizeQuietly(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** "30 s" or "500 ms". */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
