package io.ringmaster.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What the sandbox needs from the operating system (Linux): user id, setsid, signals. Stateless, thread-safe. */
final class Platform {
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

    private Platform() {}

    /** True when this process runs with effective user id 0 (mariadbd then needs {@code --user=root}). */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length > 1 && f[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back on the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code setsid}, when installed: it detaches a server from the caller's session and terminal. */
    static Optional<Path> setsid() {
        return List.of("/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst();
    }

    /**
     * Sends a signal with the shell's {@code kill}, bounded in time.
     *
     * @param pid    the process
     * @param signal name without SIG: STOP, CONT, TERM, KILL
     * @throws SandboxException when the signal cannot be sent (no such process, no permission)
     */
    static void signal(long pid, String signal, Path workDir) {
        Commands.Result r = Commands.run(List.of("/bin/sh", "-c", "kill -s " + signal + " " + pid), null,
                workDir.resolve("kill.log"), SIGNAL_TIMEOUT);
        if (!r.ok()) {
            throw new SandboxException("cannot send SIG" + signal + " to process " + pid + ": " + r.tail(1));
        }
    }

    /**
     * True when the process exists and has not finished exiting. Reads {@code /proc} where there is one: a killed
     * server whose parent has not reaped it yet (a zombie) is dead for us once all its threads are gone (until then
     * it may still hold its port).
     */
    static boolean isAlive(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return true;
        }
        if (!isZombie(proc.resolve("stat"))) {
            return Files.exists(proc);
        }
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            return tasks.anyMatch(t -> !isZombie(t.resolve("stat")));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** True when the stat file shows state Z or X, or is gone. */
    private static boolean isZombie(Path stat) {
        char state = state(stat);
        return state == 'Z' || state == 'X' || state == '?';
    }

    /** The state letter of a /proc stat file, '?' when it cannot be read. */
    private static char state(Path stat) {
        try {
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')');
            return close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
        } catch (IOException e) {
            return '?';
        }
    }

    /** True when the process is stopped by a signal (state T in {@code /proc/PID/stat}). */
    static boolean isStopped(long pid) {
        return state(Path.of("/proc", Long.toString(pid), "stat")) == 'T';
    }

    /** The process's command line, or "" when it cannot be read. */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        }
    }

    /** True when nothing listens on 127.0.0.1:port (a bind succeeds). */
    static boolean isPortFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
