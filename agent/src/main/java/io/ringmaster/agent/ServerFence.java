package io.ringmaster.agent;

import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.SqlActions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's fence of its own server, as {@link AddressKeeper.Fencer}: {@link #fence} blocks client access to
 * the server's port ({@link PortBlock}) and returns at once; a background thread then sets read_only=ON and kills
 * client sessions (sessions killed first, then {@link SqlActions#fence(Connection, HostConfig, String)}: read_only
 * waits for statements in flight) through the server's unix socket
 * (when none is configured, the one the server reports as {@code @@socket}; TCP only when it has none here, and
 * then a fence cannot pass the block), retrying with bounded timeouts until it works (a frozen server answers only
 * once thawed), and lifts the block after it. {@link #standDown} (the host holds the writer role again) cancels a
 * pending fence and lifts the block; {@link #close} leaves the block of a pending fence in place for the next
 * agent to finish. Thread-safe.
 */
public final class ServerFence implements AddressKeeper.Fencer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerFence.class);
    /** Bound on connecting and on each statement of one fence attempt. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(1500);
    private static final long RETRY_PAUSE_MS = 200;
    /** Pause between two attempts to find the server's socket. */
    static final long DISCOVERY_PAUSE_MS = 10_000;

    private final HostConfig host;
    private final Optional<Path> socket;
    private final Credentials account;
    private final SqlActions sql;
    private final PortBlock block;
    private Thread worker;
    private long generation;
    private boolean pending;
    private boolean fenced;
    private String problem = "";
    private volatile Path discovered;
    private volatile long nextDiscovery = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean discovering = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean warnedNoSocket;

    /**
     * @param host    the local server
     * @param agent   its agent's section (socket)
     * @param account the monitor's account ({@code credentials.monitor})
     * @param sql     the actions, with the replication account (its sessions are not killed)
     * @param block   the port block
     */
    public ServerFence(HostConfig host, AgentConfig agent, Credentials account, SqlActions sql, PortBlock block) {
        this.host = host;
        this.socket = agent.socket();
        this.account = account;
        this.sql = sql;
        this.block = block;
    }

    /** Blocks the port, then fences in the background; returns without waiting for the server. */
    @Override
    public synchronized void fence(String reason) throws InterruptedException {
        block.block(reason);
        if (pending) {
            return;
        }
        pending = true;
        fenced = false;
        long gen = ++generation;
        worker = new Thread(() -> run(gen, reason), "agent-fence-" + host.name());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * The host holds the writer role again (or the agent releases everything): a pending fence is cancelled and the
     * block lifted.
     */
    public void standDown(String reason) throws InterruptedException {
        Thread w;
        boolean wasPending;
        synchronized (this) {
            wasPending = pending;
            generation++;
            if (pending) {
                log.info("{}: pending fence cancelled ({})", host.name(), reason);
            }
            pending = false;
            w = worker;
            worker = null;
        }
        if (w != null) {
            w.interrupt();
        }
        if (wasPending || block.blocked()) {
            block.unblock(reason);
        }
    }

    /** True while a fence is being retried. */
    public synchronized boolean pending() {
        return pending;
    }

    /** True when the last fence landed (read_only=ON, sessions killed) and no new role came since. */
    public synchronized boolean fenced() {
        return fenced;
    }

    /** The last failed attempt (one line), or empty. */
    public synchronized String problem() {
        return problem;
    }

    /** The port block. */
    public PortBlock block() {
        return block;
    }

    private void run(long gen, String reason) {
        int attempts = 0;
        long begin = System.nanoTime();
        while (current(gen)) {
            attempts++;
            try (Connection c = open()) {
                if (!current(gen)) {
                    return;
                }
                // sessions first: SET GLOBAL read_only waits for a client's statement in flight, and a thawed
                // server's clients are stuck behind the block; no new client reaches the port meanwhile
                int killed = sql.killClientSessions(c, host, reason);
                killed += sql.fence(c, host, reason);
                long ms = (System.nanoTime() - begin) / 1_000_000;
                log.warn("{}: fenced through {} after {} attempt(s) in {} ms: read_only=ON, {} client session(s) "
                        + "killed ({})", host.name(), path(), attempts, ms,
                        killed, reason);
                synchronized (this) {
                    if (gen != generation) {
                        return;
                    }
                    pending = false;
                    fenced = true;
                    problem = "";
                    worker = null;
                }
                try {
                    block.unblock("the server is fenced");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            } catch (SQLException e) {
                String line = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                synchronized (this) {
                    problem = "fence attempt " + attempts + ": " + line;
                }
                if (attempts == 1 || attempts % 25 == 0) {
                    log.warn("{}: fence not done yet, retrying: {}", host.name(), line);
                }
            }
            try {
                Thread.sleep(RETRY_PAUSE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized boolean current(long gen) {
        return gen == generation && pending;
    }

    /**
     * Opens and closes one connection (agent start), so that the driver and its native socket code are loaded
     * before the first fence needs them, and finds the server's socket when none is configured
     * ({@link #discoverSocket}); a failure is only logged.
     */
    void warmUp() {
        try (Connection c = open()) {
            if (fenceSocket().isEmpty()) {
                discover(c);
            }
            log.debug("{}: fence path checked: {}", host.name(), path());
        } catch (SQLException | RuntimeException e) {
            log.info("{}: the local server does not answer the agent yet ({}); fencing retries when needed",
                    host.name(), e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * With no socket configured or found yet and no block in place, asks the server over TCP for its unix socket
     * (at most every {@link #DISCOVERY_PAUSE_MS} ms): a fence over TCP cannot pass the block, whose reset also meets
     * the agent's own connection to the port. Called by the agent's tick thread; cheap when nothing is to do.
     */
    public void discoverSocket() {
        long now = System.nanoTime();
        if (fenceSocket().isPresent() || block.blocked() || now - nextDiscovery < 0
                || !discovering.compareAndSet(false, true)) {
            return;
        }
        nextDiscovery = now + DISCOVERY_PAUSE_MS * 1_000_000L;
        // on a thread of its own: a frozen server holds the connection for up to two attempt timeouts, and the
        // caller's lease tick must not wait for that
        Thread t = new Thread(() -> {
            try (Connection c = open()) {
                discover(c);
            } catch (SQLException | RuntimeException e) {
                log.debug("{}: socket discovery: {}", host.name(), e.getMessage());
            } finally {
                discovering.set(false);
            }
        }, "agent-socket-discovery-" + host.name());
        t.setDaemon(true);
        t.start();
    }

    /** The socket fences go through: the configured one, else the one the server reported; empty: TCP. */
    public Optional<Path> fenceSocket() {
        return socket.isPresent() ? socket : Optional.ofNullable(discovered);
    }

    private String path() {
        return fenceSocket().map(p -> "socket " + p).orElse("TCP");
    }

    /**
     * Reads {@code @@socket} over {@code tcp} and keeps it when a connection through it reaches this same server
     * (same {@code @@port} and {@code @@server_id}): another server's socket is never taken.
     */
    private void discover(Connection tcp) throws SQLException {
        String path;
        long serverId;
        try (Statement st = tcp.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@global.socket, @@global.server_id")) {
            rs.next();
            path = rs.getString(1);
            serverId = rs.getLong(2);
        }
        if (path == null || path.isBlank() || !Files.exists(Path.of(path))) {
            if (!warnedNoSocket) {
                warnedNoSocket = true;
                log.warn("{}: no unix socket of the server on this host ({}): a fence goes through TCP, which the "
                        + "client block also cuts; set agents.hosts[].socket", host.name(),
                        path == null || path.isBlank() ? "@@socket is empty" : "@@socket " + path + " is not here");
            }
            return;
        }
        try (Connection c = openSocket(Path.of(path)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@global.port, @@global.server_id")) {
            rs.next();
            if (rs.getInt(1) != host.port() || rs.getLong(2) != serverId) {
                log.warn("{}: @@socket {} leads to another server (port {}, server_id {}): not used for fencing",
                        host.name(), path, rs.getInt(1), rs.getLong(2));
                return;
            }
        }
        discovered = Path.of(path);
        log.info("{}: no socket configured: fences go through the server's own {} (its @@socket)", host.name(), path);
    }

    /** A connection to the local server through its socket (or TCP), bounded by {@link #ATTEMPT_TIMEOUT}. */
    Connection open() throws SQLException {
        Optional<Path> through = fenceSocket();
        if (through.isEmpty()) {
            return Connections.open(host.address(), host.port(), account, ATTEMPT_TIMEOUT);
        }
        return openSocket(through.get());
    }

    private Connection openSocket(Path path) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", account.user());
        if (!account.password().isEmpty()) {
            props.setProperty("password", account.password().reveal());
        }
        String ms = Long.toString(ATTEMPT_TIMEOUT.toMillis());
        props.setProperty("connectTimeout", ms);
        props.setProperty("socketTimeout", ms);
        props.setProperty("localSocket", path.toString());
        return DriverManager.getConnection("jdbc:mariadb://localhost/", props);
    }

    /**
     * The agent stops: with no fence pending, the block (if any) is lifted. With one pending the block stays: the
     * server has not been fenced and lifting it would let it take writes (e.g. once thawed); the next agent start on
     * this host finds the block ({@link PortBlock#leftBehind()}) and finishes the fence. With {@code kill_host}
     * the operator lifts it ({@code kill_host unblock}) once read_only is ON.
     */
    @Override
    public void close() throws InterruptedException {
        Thread w = null;
        boolean keep;
        synchronized (this) {
            keep = pending;
            if (keep) {
                generation++;
                pending = false;
                w = worker;
                worker = null;
            }
        }
        if (!keep) {
            standDown("the agent stops");
            block.unblock("the agent stops");
            return;
        }
        if (w != null) {
            w.interrupt();
        }
        log.warn("{}: the agent stops before its fence landed: the client block of port {} stays ({}); {}",
                host.name(), host.port(), block.describe(), block.describe().equals("kill_host")
                        ? "lift it with `kill_host unblock` once read_only is ON (the next agent cannot see it)"
                        : "the next agent start fences the server and lifts it");
    }
}
