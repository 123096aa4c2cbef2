package io.ringmaster.sandbox;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.Secret;
import io.ringmaster.mysql.Connections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local {@code mariadbd} of a sandbox: its files ({@link ServerLayout}) and its process.
 *
 * <p>The process is started detached (its own session through {@code setsid}, output to files), so it outlives the
 * JVM that started it; every other JVM finds it again through its pid file, checking the command line so that a
 * stale pid file or a reused pid is never mistaken for the server. Every wait is bounded.
 *
 * <p>Thread-safe: the lifecycle methods are synchronized per server.
 */
public final class SandboxServer {
    /** The sandbox's administrator account: root from 127.0.0.1 without a password. */
    public static final Credentials ROOT = new Credentials("root", Secret.empty());
    /** Default bound on a start: until the server accepts a connection. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** Default bound on a clean shutdown before SIGKILL. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Bound on a process's disappearance after SIGKILL. */
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(120);
    /** How long freeze and thaw wait for the process state to change. */
    private static final Duration SIGNAL_EFFECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a start waits for its port to be released by a server that is still exiting. */
    private static final Duration PORT_RELEASE_TIMEOUT = Duration.ofSeconds(5);

    private final SandboxHost host;
    private final ServerLayout layout;
    private final MariaDbBinaries binaries;
    private volatile Process process;

    /**
     * @param host     what the server is in the topology, never null
     * @param layout   where its files are, never null
     * @param binaries the programs that run it, never null
     */
    public SandboxServer(SandboxHost host, ServerLayout layout, MariaDbBinaries binaries) {
        this.host = Objects.requireNonNull(host, "host");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.binaries = Objects.requireNonNull(binaries, "binaries");
    }

    /** The host name (db1, ...). */
    public String name() {
        return host.name();
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return host.port();
    }

    /** The server's place in the topology. */
    public SandboxHost host() {
        return host;
    }

    /** The server's files. */
    public ServerLayout layout() {
        return layout;
    }

    /**
     * Initialises a data directory with {@code mariadb-install-db} (root without a password from 127.0.0.1, no test
     * database, nothing written to a binary log), to be copied to each server by {@link #createDataDir(Path)}.
     *
     * @param binaries the programs
     * @param dataDir  the folder to create, must not exist; its parent (created when missing) receives
     *                 {@code install-db.log}
     * @throws SandboxException when the script fails or runs longer than 120 s
     */
    public static void createTemplate(MariaDbBinaries binaries, Path dataDir) {
        long start = System.nanoTime();
        Path log = dataDir.resolveSibling("install-db.log");
        List<String> options = ServerLayout.INNODB_OPTIONS.stream().map(o -> "--" + o).toList();
        LOG.info("Initialising a data directory template in {} with {} (new sandbox)", dataDir, binaries);
        try {
            Files.createDirectories(dataDir.getParent());
        } catch (IOException e) {
            throw new SandboxException("cannot create " + dataDir.getParent() + ": " + e.getMessage(), e);
        }
        Commands.Result r = Commands.run(binaries.installDbCommand(dataDir, options), null, log, INSTALL_TIMEOUT);
        if (!r.ok()) {
            throw new SandboxException("mariadb-install-db failed (exit " + r.exitCode() + "): " + r.tail(3)
                    + "; full output in " + log);
        }
        LOG.info("Data directory template ready in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Creates this server's folder and data directory as a copy of a template made by
     * {@link #createTemplate(MariaDbBinaries, Path)} (much faster than one install per server).
     *
     * @throws SandboxException when the data directory exists already or cannot be copied
     */
    public void createDataDir(Path template) {
        if (Files.exists(layout.dataDir())) {
            throw new SandboxException(name() + ": data directory " + layout.dataDir() + " exists already");
        }
        try {
            Files.createDirectories(layout.dir());
            FileTrees.copy(template, layout.dataDir());
        } catch (IOException e) {
            throw new SandboxException(name() + ": cannot copy the data directory template to " + layout.dataDir()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the server's {@code my.cnf} (see {@link ServerLayout#render}).
     *
     * @param masterCount number of masters in the topology
     * @param tls         certificate for the server, may be empty (MariaDB 11.4+ then makes its own at each start)
     * @param extra       extra option lines, may be empty
     * @throws SandboxException when the file cannot be written
     */
    public void writeConfig(int masterCount, Optional<ServerTls> tls, List<String> extra) {
        try {
            Files.createDirectories(layout.dir());
            Files.writeString(layout.configFile(), layout.render(host, masterCount, binaries, tls, extra),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SandboxException(name() + ": cannot write " + layout.configFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the server with {@link #DEFAULT_START_TIMEOUT}.
     *
     * @see #start(Duration, String)
     */
    public long start(String reason) {
        return start(DEFAULT_START_TIMEOUT, reason);
    }

    /**
     * Starts the server detached and waits until root can log in from 127.0.0.1. A server that is already
     * running is left alone.
     *
     * @param timeout bound on the wait; a server not ready by then is killed
     * @param reason  why, for the log
     * @return the server's pid
     * @throws SandboxException when the port is taken, the process exits, or it is not ready in time; the message
     *                          carries the last lines of the error log
     */
    public synchronized long start(Duration timeout, String reason) {
        OptionalLong running = pid();
        if (running.isPresent()) {
            LOG.info("{} is already running (pid {}); not starting it ({})", name(), running.getAsLong(), reason);
            return running.getAsLong();
        }
        if (!awaitPortFree(PORT_RELEASE_TIMEOUT)) {
            throw new SandboxException(name() + ": port " + port() + " on 127.0.0.1 is in use by another process");
        }
        try {
            Files.deleteIfExists(layout.pidFile());
            Files.deleteIfExists(layout.socket());
        } catch (IOException e) {
            throw new SandboxException(name() + ": cannot remove a stale pid or socket file: " + e.getMessage(), e);
        }
        long logOffset = Commands.sizeQuietly(layout.errorLog());
        long begin = System.nanoTime();
        LOG.info("Starting {} on 127.0.0.1:{} ({})", name(), port(), reason);
        Process p = launch();
        process = p;
        long deadline = begin + timeout.toNanos();
        while (true) {
            // exit code 0 is setsid having forked (when the caller leads its process group): the pid file tells
            if (!p.isAlive() && p.exitValue() != 0) {
                throw new SandboxException(name() + ": mariadbd exited with code " + p.exitValue()
                        + " while starting: " + Commands.errorLogTail(layout.errorLog(), logOffset, 3)
                        + " (see " + layout.errorLog() + ")");
            }
            if (acceptsLogin()) {
                long pid = pid().orElse(p.pid());
                LOG.info("{} is ready on 127.0.0.1:{} (pid {}) after {} ms", name(), port(), pid,
                        (System.nanoTime() - begin) / 1_000_000);
                return pid;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("{} did not accept connections within {}; killing it", name(), Commands.seconds(timeout));
                p.destroyForcibly();
                pid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                throw new SandboxException(name() + ": mariadbd did not accept connections on 127.0.0.1:" + port()
                        + " within " + Commands.seconds(timeout) + ": "
                        + Commands.errorLogTail(layout.errorLog(), logOffset, 3) + " (see " + layout.errorLog() + ")");
            }
            sleep(POLL);
        }
    }

    /**
     * Shuts the server down cleanly with {@link #DEFAULT_STOP_TIMEOUT}.
     *
     * @see #stop(Duration, String)
     */
    public boolean stop(String reason) {
        return stop(DEFAULT_STOP_TIMEOUT, reason);
    }

    /**
     * Shuts the server down cleanly: SIGTERM (and SIGCONT, so that a frozen server can obey), then SIGKILL when it
     * is still running after {@code timeout}. A server that is not running is left alone.
     *
     * @param timeout bound on the clean shutdown
     * @param reason  why, for the log
     * @return true when the server was running, false when there was nothing to stop
     * @throws SandboxException when the process survives even SIGKILL for 10 s
     */
    public synchronized boolean stop(Duration timeout, String reason) {
        OptionalLong running = pid();
        if (running.isEmpty()) {
            LOG.info("{} is not running; nothing to stop ({})", name(), reason);
            return false;
        }
        long pid = running.getAsLong();
        long begin = System.nanoTime();
        LOG.info("Stopping {} (pid {}) with SIGTERM ({})", name(), pid, reason);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (Platform.isStopped(pid)) {
            Platform.signal(pid, "CONT", layout.dir());
        }
        if (awaitExit(pid, timeout)) {
            LOG.info("{} stopped cleanly in {} ms", name(), (System.nanoTime() - begin) / 1_000_000);
            return true;
        }
        LOG.warn("{} (pid {}) did not stop within {}; sending SIGKILL", name(), pid, Commands.seconds(timeout));
        forceKill(pid);
        return true;
    }

    /**
     * Kills the server with SIGKILL (a crash: no clean shutdown) and waits until the process is gone.
     * A server that is not running is left alone.
     *
     * @param reason why, for the log
     * @return true when the server was running, false when there was nothing to kill
     * @throws SandboxException when the process is still there after 10 s
     */
    public synchronized boolean kill(String reason) {
        OptionalLong running = pid();
        if (running.isEmpty()) {
            LOG.info("{} is not running; nothing to kill ({})", name(), reason);
            return false;
        }
        LOG.info("Killing {} (pid {}) with SIGKILL ({})", name(), running.getAsLong(), reason);
        forceKill(running.getAsLong());
        return true;
    }

    /**
     * Freezes the server with SIGSTOP and waits (up to 5 s) until it is stopped: the process stays, its port accepts
     * TCP connections, nothing answers (a hung server).
     *
     * @param reason why, for the log
     * @throws SandboxException when the server is not running or the signal cannot be sent
     */
    public synchronized void freeze(String reason) {
        long pid = requireRunning("freeze");
        LOG.info("Freezing {} (pid {}) with SIGSTOP ({})", name(), pid, reason);
        Platform.signal(pid, "STOP", layout.dir());
        awaitStopped(pid, true);
    }

    /**
     * Thaws a frozen server with SIGCONT and waits (up to 5 s) until it runs again.
     *
     * @param reason why, for the log
     * @throws SandboxException when the server is not running or the signal cannot be sent
     */
    public synchronized void thaw(String reason) {
        long pid = requireRunning("thaw");
        LOG.info("Thawing {} (pid {}) with SIGCONT ({})", name(), pid, reason);
        Platform.signal(pid, "CONT", layout.dir());
        awaitStopped(pid, false);
    }

    /** Waits until the signal took effect: the process shows as stopped (or no longer stopped). */
    private void awaitStopped(long pid, boolean stopped) {
        long deadline = System.nanoTime() + SIGNAL_EFFECT_TIMEOUT.toNanos();
        while (Platform.isStopped(pid) != stopped) {
            if (!Platform.isAlive(pid)) {
                throw new SandboxException(name() + ": process " + pid + " exited");
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException(name() + ": process " + pid + " is " + (stopped ? "not" : "still")
                        + " stopped " + Commands.seconds(SIGNAL_EFFECT_TIMEOUT) + " after the signal");
            }
            sleep(Duration.ofMillis(10));
        }
    }

    /** True when the server's process exists (it may be frozen or still starting). */
    public boolean isRunning() {
        return pid().isPresent();
    }

    /** True when the server's process is stopped by SIGSTOP. */
    public boolean isFrozen() {
        OptionalLong pid = pid();
        return pid.isPresent() && Platform.isStopped(pid.getAsLong());
    }

    /**
     * The pid of the running server: from its pid file, or from the process this JVM started while it has not
     * written the file yet. Empty when it is not running. A pid whose command line does not name this server's
     * {@code my.cnf} is ignored (stale pid file, reused pid).
     */
    public OptionalLong pid() {
        OptionalLong fromFile = pidFromFile();
        if (fromFile.isPresent()) {
            return fromFile;
        }
        Process p = process;
        return p != null && Platform.isAlive(p.pid()) && isOurs(p.pid()) ? OptionalLong.of(p.pid())
                : OptionalLong.empty();
    }

    /**
     * Opens a connection as root.
     *
     * @param timeout bound on connecting and on each read afterwards
     * @return an open connection; the caller closes it
     * @throws SQLException when the server cannot be reached in time
     */
    public Connection connect(Duration timeout) throws SQLException {
        return Connections.open("127.0.0.1", port(), ROOT, timeout);
    }

    /**
     * The shell command line (POSIX {@code sh}) that stops this server as {@link #stop(String)} does, without a JVM:
     * SIGTERM (and SIGCONT) to the pid of its pid file when that process is this server, then waits until the
     * server removed its pid file or exited, SIGKILL after 30 s. Nothing running: exit 0. For the agents' {@code stop}
     * (a clone's swap; a {@code ringmaster sandbox stop} JVM took 1.3-2.3 s of it).
     */
    public String stopCommand() {
        String pidFile = SandboxConfigFile.shellQuote(layout.pidFile().toString());
        return "pid=$(cat " + pidFile + " 2>/dev/null) || exit 0; " + ours() + " || exit 0; "
                + "kill -TERM \"$pid\" 2>/dev/null || exit 0; kill -CONT \"$pid\" 2>/dev/null; i=0; "
                + "while [ -e " + pidFile + " ] && kill -0 \"$pid\" 2>/dev/null; do i=$((i+1)); "
                + "if [ $i -ge 600 ]; then kill -KILL \"$pid\"; echo \"" + name()
                + " did not stop within 30 s: SIGKILL\" >&2; exit 0; fi; sleep 0.05; done";
    }

    /**
     * The shell command line that starts this server detached as {@link #start(String)} does (its pid and socket
     * files removed first, {@code setsid} when installed, output to the console log), without a JVM and without
     * waiting for it to accept connections: the caller waits (the agent does, bounded). Already running: exit 0.
     */
    public String startCommand() {
        String pidFile = SandboxConfigFile.shellQuote(layout.pidFile().toString());
        List<String> cmd = new ArrayList<>();
        Platform.setsid().ifPresent(s -> cmd.add(s.toString()));
        cmd.add(binaries.mariadbd().toString());
        cmd.add("--defaults-file=" + layout.configFile());
        if (Platform.isRoot()) {
            cmd.add("--user=root");
        }
        return "if pid=$(cat " + pidFile + " 2>/dev/null) && kill -0 \"$pid\" 2>/dev/null && " + ours()
                + "; then exit 0; fi; cd " + SandboxConfigFile.shellQuote(layout.dir().toString()) + " && rm -f "
                + pidFile + " " + SandboxConfigFile.shellQuote(layout.socket().toString()) + " && { "
                + cmd.stream().map(SandboxConfigFile::shellQuote).collect(java.util.stream.Collectors.joining(" "))
                + " </dev/null >>" + SandboxConfigFile.shellQuote(layout.consoleLog().toString()) + " 2>&1 & }";
    }

    /** sh: true when process $pid runs this server's configuration (where /proc tells; else assumed). */
    private String ours() {
        return "{ [ ! -d /proc/self ] || grep -qa -- "
                + SandboxConfigFile.shellQuote("--defaults-file=" + layout.configFile()) + " /proc/\"$pid\"/cmdline; }";
    }

    @Override
    public String toString() {
        return name() + "@127.0.0.1:" + port();
    }

    private Process launch() {
        List<String> cmd = new ArrayList<>();
        Platform.setsid().ifPresent(s -> cmd.add(s.toString()));
        cmd.add(binaries.mariadbd().toString());
        cmd.add("--defaults-file=" + layout.configFile());
        if (Platform.isRoot()) {
            cmd.add("--user=root");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(layout.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.consoleLog().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(layout.consoleLog().toFile()));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new SandboxException(name() + ": cannot run " + binaries.mariadbd() + ": " + e.getMessage(), e);
        }
    }

    private boolean acceptsLogin() {
        try (Connection c = connect(PROBE_TIMEOUT)) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private OptionalLong pidFromFile() {
        String text;
        try {
            text = Files.readString(layout.pidFile()).trim();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        try {
            long pid = Long.parseLong(text);
            return Platform.isAlive(pid) && isOurs(pid) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private boolean isOurs(long pid) {
        return Platform.commandLine(pid).contains("--defaults-file=" + layout.configFile());
    }

    private long requireRunning(String action) {
        return pid().orElseThrow(() -> new SandboxException("cannot " + action + " " + name() + ": it is not running"));
    }

    private void forceKill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (!awaitExit(pid, KILL_TIMEOUT)) {
            throw new SandboxException(name() + ": process " + pid + " is still there " + Commands.seconds(KILL_TIMEOUT)
                    + " after SIGKILL");
        }
        LOG.info("{} (pid {}) is gone", name(), pid);
    }

    private boolean awaitPortFree(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Platform.isPortFree(port())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(POLL);
        }
        return true;
    }

    /** Waits until the process is gone (or a zombie); true when it went within the timeout. */
    private static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Platform.isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(Duration.ofMillis(50));
        }
        return true;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting for a sandbox server", e);
        }
    }
}
