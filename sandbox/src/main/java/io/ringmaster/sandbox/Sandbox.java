package io.ringmaster.sandbox;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.bootstrap.Bootstrap;
import io.ringmaster.tools.bootstrap.BootstrapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local replication topology of real {@code mariadbd} servers: the masters in a ring (a pair by default), each
 * with its replicas, all on 127.0.0.1, each server with its own folder under {@link #dir()}. Used by the demo, the
 * integration tests and users who want to try Ringmaster.
 *
 * <p>{@link #up(SandboxSpec)} builds and starts one, writes {@code DIR/sandbox.json} and {@code DIR/ringmaster.yml},
 * sets up replication and returns once every replication thread runs. {@link #open(Path)} finds an existing one
 * again (the drill commands: kill, stop, start, freeze, thaw). Servers outlive the JVM that started them, except
 * that a JVM kills, on exit, the servers of the sandboxes it brought {@code up} and did not {@link #close()} or
 * {@link #detach()}: a failed or aborted test leaves no process behind.
 *
 * <p>Thread-safe: each server's lifecycle is synchronized on that server; the state file is written under this
 * object's lock.
 */
public final class Sandbox implements AutoCloseable {
    /** Bound on the replication set-up of {@link #up(SandboxSpec)}: until every replication thread runs. */
    public static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    private static final String TEMPLATE_DIR = ".template";
    private static final String TLS_DIR = "tls";
    private static final Duration TLS_TIMEOUT = Duration.ofSeconds(90);
    private static final Set<Sandbox> OWNED = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    private final Path dir;
    private final SandboxSpec spec;
    private final MariaDbBinaries binaries;
    private final Map<String, SandboxServer> servers;
    private SandboxState state;
    private volatile RingmasterConfig config;

    private Sandbox(Path dir, SandboxSpec spec, MariaDbBinaries binaries, SandboxState state) {
        this.dir = dir;
        this.spec = spec;
        this.binaries = binaries;
        this.state = state;
        Map<String, SandboxServer> byName = new LinkedHashMap<>();
        for (SandboxHost h : spec.hosts()) {
            byName.put(h.name(), new SandboxServer(h, new ServerLayout(dir.resolve(h.name())), binaries));
        }
        this.servers = Map.copyOf(byName);
    }

    /**
     * Builds and starts a sandbox with the binaries of {@link MariaDbBinaries#locate()}.
     *
     * @see #up(SandboxSpec, MariaDbBinaries)
     */
    public static Sandbox up(SandboxSpec spec) {
        return up(spec, MariaDbBinaries.locate());
    }

    /**
     * Builds and starts a sandbox: one data directory template, copied to every server; my.cnf per server; all
     * servers started (in parallel); {@code sandbox.json} and {@code ringmaster.yml} written; replication set up by
     * the bootstrap tool. Returns once every replication thread runs. On failure the servers started so far are
     * killed and the files are kept for diagnosis ({@code ringmaster sandbox down --dir DIR} removes them).
     *
     * @param spec     the topology, never null
     * @param binaries the programs to run, never null
     * @return the running sandbox; close it (or {@link #detach()} it) when done
     * @throws SandboxException when the folder is not empty, a port is taken, or a step fails; one line
     */
    public static Sandbox up(SandboxSpec spec, MariaDbBinaries binaries) {
        return up(spec, binaries, null);
    }

    /**
     * As {@link #up(SandboxSpec, MariaDbBinaries)}, and with {@code agentCli} also an {@code agents:} section in
     * {@code ringmaster.yml} (run as root: {@code interface: lo} and role addresses, writer
     * 127.(bp&gt;&gt;8).(bp&amp;255).1, reader .2 and .3) and one agent process per host, started with
     * {@code agentCli agent --config DIR/ringmaster.yml --host NAME} once replication runs. Without it (the
     * in-process users such as the integration kit) the file and the sandbox are as before: no agents.
     *
     * @param agentCli the command that runs the Ringmaster CLI, e.g. {@code [java, -jar, ringmaster.jar]}; null
     *                 for no agents
     */
    public static Sandbox up(SandboxSpec spec, MariaDbBinaries binaries, List<String> agentCli) {
        long begin = System.nanoTime();
        Path dir = spec.dir().toAbsolutePath().normalize();
        SandboxSpec absolute = new SandboxSpec(dir, spec.masters(), spec.replicasPerMaster(), spec.basePort(),
                spec.extraConfig());
        checkNew(absolute);
        LOG.info("Creating a sandbox of {} master(s) with {} replica(s) each in {} on ports {}+ with {} ({})",
                spec.masters(), spec.replicasPerMaster(), dir, spec.basePort() + 1, binaries,
                firstLine(binaries.version()));
        List<SandboxState.Host> hosts = absolute.hosts().stream().map(h -> new SandboxState.Host(h.name(), h.index(),
                h.mode().label(), h.master().orElse(null), h.port(), dir.resolve(h.name()).toString(), 0)).toList();
        SandboxState state = new SandboxState(SandboxState.FORMAT, spec.masters(), spec.replicasPerMaster(),
                spec.basePort(), spec.extraConfig(), SandboxState.Binaries.of(binaries), SandboxConfigFile.FILE,
                hosts);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        state.write(dir);
        Sandbox sandbox = new Sandbox(dir, absolute, binaries, state);
        sandbox.own();
        try {
            sandbox.writeConfigFile(agentCli);
            sandbox.createServers();
            sandbox.forEachServer("start", s -> sandbox.recordPid(s, s.start("new sandbox")));
            sandbox.bootstrap();
            sandbox.awaitReplication(REPLICATION_TIMEOUT);
            if (agentCli != null) {
                SandboxAgents.startAll(dir, sandbox.config(), agentCli);
            }
        } catch (RuntimeException e) {
            LOG.warn("Sandbox in {} failed to come up; killing its servers: {}", dir, e.getMessage());
            sandbox.killAllQuietly("failed sandbox up");
            OWNED.remove(sandbox);
            throw new SandboxException(e.getMessage() + " (files kept in " + dir
                    + "; `ringmaster sandbox down --dir " + dir + "` removes them)", e);
        }
        LOG.info("Sandbox in {} is up with {} servers in {} ms", dir, sandbox.servers.size(),
                (System.nanoTime() - begin) / 1_000_000);
        return sandbox;
    }

    /**
     * Finds an existing sandbox again from {@code DIR/sandbox.json}. Its servers are not killed when this JVM exits.
     *
     * @param dir the sandbox folder
     * @throws SandboxException when the folder holds no readable sandbox
     */
    public static Sandbox open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        SandboxState state = SandboxState.read(abs);
        return new Sandbox(abs, state.spec(abs), state.binaries().toBinaries(), state);
    }

    /** The sandbox folder, absolute. */
    public Path dir() {
        return dir;
    }

    /** The topology it was built from (with an absolute folder). */
    public SandboxSpec spec() {
        return spec;
    }

    /** The programs its servers run. */
    public MariaDbBinaries binaries() {
        return binaries;
    }

    /** {@code DIR/ringmaster.yml}. */
    public Path configFile() {
        return dir.resolve(SandboxConfigFile.FILE);
    }

    /**
     * The Ringmaster configuration of this sandbox, loaded once from {@link #configFile()} with
     * {@link ConfigLoader#load(Path)}.
     *
     * @throws io.ringmaster.core.config.ConfigException when the file is missing or invalid
     */
    public RingmasterConfig config() {
        RingmasterConfig c = config;
        if (c == null) {
            c = ConfigLoader.load(configFile());
            config = c;
        }
        return c;
    }

    /**
     * One server.
     *
     * @param name host name (db1, ...)
     * @throws SandboxException when the sandbox has no such host
     */
    public SandboxServer server(String name) {
        SandboxServer s = servers.get(name);
        if (s == null) {
            throw new SandboxException("no host '" + name + "' in the sandbox in " + dir + " (hosts: "
                    + String.join(", ", hostNames()) + ")");
        }
        return s;
    }

    /** Every server, in host order (masters first). */
    public List<SandboxServer> servers() {
        return spec.hosts().stream().map(h -> servers.get(h.name())).toList();
    }

    /** Host names in order. */
    public List<String> hostNames() {
        return spec.hosts().stream().map(SandboxHost::name).toList();
    }

    /**
     * Drill: kills a server with SIGKILL (a crash).
     *
     * @return true when it was running, false when there was nothing to kill
     * @throws SandboxException for an unknown host or a process that does not die
     */
    public boolean kill(String host) {
        SandboxServer s = server(host);
        boolean killed = s.kill("sandbox drill");
        recordPid(s, 0);
        return killed;
    }

    /**
     * Drill: shuts a server down cleanly (SIGKILL after {@link SandboxServer#DEFAULT_STOP_TIMEOUT}).
     *
     * @return true when it was running, false when there was nothing to stop
     * @throws SandboxException for an unknown host
     */
    public boolean stop(String host) {
        SandboxServer s = server(host);
        boolean stopped = s.stop("sandbox drill");
        recordPid(s, 0);
        return stopped;
    }

    /**
     * Drill: starts a stopped or killed server again (a running one is left alone); a replica resumes replication
     * by itself.
     *
     * @return the server's pid
     * @throws SandboxException for an unknown host or a server that does not become ready in
     *                          {@link SandboxServer#DEFAULT_START_TIMEOUT}
     */
    public long start(String host) {
        SandboxServer s = server(host);
        long pid = s.start("sandbox drill");
        recordPid(s, pid);
        return pid;
    }

    /**
     * Drill: freezes a server with SIGSTOP (a hung server).
     *
     * @throws SandboxException for an unknown or stopped host
     */
    public void freeze(String host) {
        server(host).freeze("sandbox drill");
    }

    /**
     * Drill: thaws a frozen server with SIGCONT.
     *
     * @throws SandboxException for an unknown or stopped host
     */
    public void thaw(String host) {
        server(host).thaw("sandbox drill");
    }

    /**
     * Stops every server (in parallel, clean shutdown, SIGKILL after the bound) and keeps the files.
     *
     * @throws SandboxException when a server cannot be stopped
     */
    public void down() {
        down(false);
    }

    /**
     * Stops every server; with {@code removeData}, then deletes the whole sandbox folder (it held nothing else:
     * {@link #up} requires a new or empty folder). The folder is not deleted when a server could not be stopped.
     *
     * @throws SandboxException when a server cannot be stopped or the folder cannot be deleted
     */
    public void down(boolean removeData) {
        try {
            if (SandboxAgents.present(dir)) {
                SandboxAgents.stopAll(dir, config(), "sandbox down");
            }
            forEachServer("stop", s -> {
                s.stop("sandbox down");
                recordPid(s, 0);
            });
        } finally {
            OWNED.remove(this);
        }
        if (removeData) {
            LOG.info("Removing sandbox folder {} (sandbox down)", dir);
            try {
                FileTrees.deleteRecursively(dir);
            } catch (IOException e) {
                throw new SandboxException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Leaves the servers running when this JVM exits (the CLI's {@code sandbox up} does this). */
    public void detach() {
        OWNED.remove(this);
    }

    /** Stops every server and deletes the sandbox folder: {@code down(true)}. */
    @Override
    public void close() {
        down(true);
    }

    /**
     * Waits until every expected replication link runs: on each master of a ring its link from the previous
     * master, on each replica its link from its master, both threads (IO and SQL) running.
     *
     * @param timeout bound on the wait
     * @throws SandboxException naming the first host whose link does not run, with its last error
     */
    public void awaitReplication(Duration timeout) {
        ReplicationCheck.await(this, timeout);
    }

    @Override
    public String toString() {
        return "sandbox " + dir;
    }

    // ---- building

    private static void checkNew(SandboxSpec spec) {
        Path dir = spec.dir();
        if (Files.isRegularFile(dir.resolve(SandboxState.FILE))) {
            throw new SandboxException(dir + " already holds a sandbox (" + SandboxState.FILE
                    + "); run `ringmaster sandbox down --dir " + dir + "` first or choose another --dir");
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new SandboxException(dir + " is not a folder");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new SandboxException(dir + " is not empty; a sandbox needs a new or empty folder");
                }
            } catch (IOException e) {
                throw new SandboxException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        for (SandboxHost h : spec.hosts()) {
            ServerLayout layout = new ServerLayout(dir.resolve(h.name()));
            if (layout.socket().toString().length() > ServerLayout.MAX_SOCKET_PATH) {
                throw new SandboxException("--dir " + dir + " is too long for a Unix socket path ("
                        + layout.socket() + " exceeds " + ServerLayout.MAX_SOCKET_PATH + " characters)");
            }
            if (!Platform.isPortFree(h.port())) {
                throw new SandboxException("port " + h.port() + " (for " + h.name() + ") on 127.0.0.1 is in use;"
                        + " is another sandbox running? choose another --base-port");
            }
        }
    }

    private void writeConfigFile(List<String> agentCli) {
        try {
            Files.writeString(configFile(), SandboxConfigFile.render(spec, SandboxConfigFile.randomToken(), agentCli, Platform.isRoot(), servers));
        } catch (IOException e) {
            throw new SandboxException("cannot write " + configFile() + ": " + e.getMessage(), e);
        }
        config();  // fail now, not in the monitor, when the file is not valid
    }

    private void createServers() {
        Path template = dir.resolve(TEMPLATE_DIR).resolve("data");
        try {
            // the certificate (keytool: about a second of CPU) is made while mariadb-install-db runs
            CompletableFuture<Optional<ServerTls>> tlsFuture = new CompletableFuture<>();
            Thread tlsThread = new Thread(() -> tlsFuture.complete(ServerTls.create(dir.resolve(TLS_DIR))),
                    "sandbox-tls");
            tlsThread.setDaemon(true);
            tlsThread.start();
            SandboxServer.createTemplate(binaries, template);
            Optional<ServerTls> tls = awaitTls(tlsFuture);
            long begin = System.nanoTime();
            for (SandboxServer s : servers()) {
                s.createDataDir(template);
                s.writeConfig(spec.masters(), tls, spec.extraConfig());
            }
            LOG.info("Copied the data directory to {} servers in {} ms", servers.size(),
                    (System.nanoTime() - begin) / 1_000_000);
        } finally {
            FileTrees.deleteQuietly(template.getParent());
        }
    }

    private static Optional<ServerTls> awaitTls(CompletableFuture<Optional<ServerTls>> future) {
        try {
            return future.get(TLS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("No TLS certificate for the sandbox servers ({}); they will make their own", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while making the TLS certificate", e);
        }
    }

    /**
     * Sets up replication with Ringmaster's own bootstrap tool, from the written configuration: the same code path
     * as {@code ringmaster bootstrap} on real servers. The only place the sandbox uses io.ringmaster.tools.
     */
    private void bootstrap() {
        long begin = System.nanoTime();
        LOG.info("Bootstrapping replication in {} (new sandbox)", dir);
        Bootstrap bootstrap = new Bootstrap(config(), line -> LOG.info("bootstrap: {}", line.strip()));
        try {
            bootstrap.apply(bootstrap.plan(), REPLICATION_TIMEOUT);
        } catch (BootstrapException e) {
            throw new SandboxException("bootstrap failed: " + e.getMessage(), e);
        }
        LOG.info("Bootstrap done in {} ms", (System.nanoTime() - begin) / 1_000_000);
    }

    // ---- helpers

    private void own() {
        OWNED.add(this);
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(Sandbox::killOwned, "ringmaster-sandbox-reaper"));
        }
    }

    /** Shutdown hook: kills the servers of sandboxes brought up in this JVM and neither closed nor detached. */
    private static void killOwned() {
        for (Sandbox s : List.copyOf(OWNED)) {
            s.killAllQuietly("JVM exit without sandbox close");
        }
    }

    private void killAllQuietly(String reason) {
        if (SandboxAgents.present(dir)) {
            try {
                SandboxAgents.killAll(dir, config(), reason);
            } catch (RuntimeException e) {
                LOG.warn("Could not kill the agents: {}", e.getMessage());
            }
        }
        for (SandboxServer s : servers()) {
            try {
                s.kill(reason);
            } catch (RuntimeException e) {
                LOG.warn("Could not kill {}: {}", s.name(), e.getMessage());
            }
        }
    }

    private synchronized void recordPid(SandboxServer server, long pid) {
        state = state.withPid(server.name(), pid);
        state.write(dir);
    }

    /** Runs an action on every server in parallel (at most 4 at once), bounded; throws the first failure. */
    private void forEachServer(String action, java.util.function.Consumer<SandboxServer> task) {
        Parallel.run("sandbox-" + action, servers(), task, Duration.ofMinutes(2));
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse(text);
    }
}
