package io.ringmaster.router;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.routing.RouteTable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ringmaster's router: one TCP listener per role address, each forwarding MySQL connections to the current holders
 * of its role as the latest {@link RouteTable} says. Fed either in process ({@code monitor.addRouteListener(
 * router::update)}) or by a {@link MonitorFollower} over HTTP.
 *
 * <ul>
 *   <li>The exclusive (writer) role goes to its single holder. While it has none (a failover or switchover is
 *       running, or a standalone router's writer lease ran out), new connections are held, then forwarded when a
 *       writer is published, or refused with a MySQL error packet once {@link RouterConfig#holdTimeout()} runs out.
 *       Open connections to a host that stops being the writer are cut at once, before {@link #update} returns.</li>
 *   <li>Balanced roles go to the holder with the fewest open connections (counted across every listener). A host
 *       that leaves the role takes no new connections; its open ones close after {@link RouterConfig#drainTime()}.
 *       </li>
 *   <li>A connection is never forwarded to a host that is not a current holder: the choice is checked again when
 *       the backend connection is established.</li>
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once (idempotent). Thread-safe: {@link #update} and
 * {@link #setWriterLease} are serialized; {@link #stats()} may be called from any thread.
 */
public final class Router implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    /** Bound on waiting for connections to a former writer to be cut, in milliseconds. */
    static final long CUT_WAIT_MS = 1000;

    private final RouterConfig config;
    private final String writerRole;
    private final List<RoleListener> listeners = new ArrayList<>();
    private final Map<String, AtomicInteger> hostLoad = new ConcurrentHashMap<>();
    private final Object updates = new Object();
    private EventLoopGroup group;
    private RouteTable table = new RouteTable(0, -1, Instant.EPOCH, false, Map.of());
    private boolean leaseValid = true;
    private long silentMs;
    private volatile Lifecycle lifecycle = Lifecycle.NEW;

    /** Lifecycle states. */
    public enum Lifecycle { NEW, RUNNING, CLOSED }

    /**
     * Creates a router; nothing listens until {@link #start()}.
     *
     * @param config     the router's settings
     * @param writerRole the name of the cluster's exclusive role; may be empty when the cluster has none
     */
    public Router(RouterConfig config, String writerRole) {
        this.config = Objects.requireNonNull(config, "config");
        this.writerRole = Objects.requireNonNull(writerRole, "writerRole");
        for (RouterConfig.Listener l : config.listeners()) {
            listeners.add(new RoleListener(l, config, l.role().equals(writerRole), hostLoad));
        }
    }

    /** A router for a cluster: the cluster's exclusive role is the one whose connections are held and cut. */
    public static Router forCluster(RouterConfig config, RingmasterConfig cluster) {
        return new Router(config, cluster.writerRole().map(RoleConfig::name).orElse(""));
    }

    /**
     * Binds every listener. Until the first {@link #update}, connections are held.
     *
     * @throws IOException when an address cannot be bound (then nothing stays bound); the message is one line
     *                     naming the listener and the address
     * @throws IllegalStateException when called twice
     */
    public synchronized void start() throws IOException {
        if (lifecycle != Lifecycle.NEW) {
            throw new IllegalStateException("router already " + lifecycle);
        }
        group = Transport.group(config.ioThreads(), "ringmaster-router-io");
        try {
            for (RoleListener l : listeners) {
                l.bind(group);
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(RoleListener::shutdown);
            shutdownGroup();
            lifecycle = Lifecycle.CLOSED;
            throw e;
        }
        lifecycle = Lifecycle.RUNNING;
        log.info("router started ({}, {} I/O thread(s)): {}", Transport.name(), config.ioThreads(),
                String.join(", ", listeners.stream().map(l -> l.name() + " " + l.config().endpoint()).toList()));
    }

    /**
     * Takes a new route table. A table with a lower epoch than the current one is stale and ignored. Returns once
     * connections to a host that stopped being the writer are cut (bounded by {@value #CUT_WAIT_MS} ms), so the
     * monitor may fence that host right after. Fast otherwise: no blocking I/O.
     *
     * @param next the table, never null
     * @return false when the table was ignored as stale
     */
    public boolean update(RouteTable next) {
        Objects.requireNonNull(next, "next");
        synchronized (updates) {
            if (next.epoch() < table.epoch()) {
                log.warn("ignoring a stale route table (epoch {} < {}, version {})", next.epoch(), table.epoch(),
                        next.version());
                return false;
            }
            table = next;
            recompute();
            return true;
        }
    }

    /**
     * Sets whether the writer lease is valid (a standalone router's; an in-process router keeps it valid). While
     * it is not, the exclusive role has no destination: open writer connections are cut and new ones are held.
     *
     * @param valid    whether the monitor answered recently enough
     * @param silentMs how long the monitor has been silent, for the refusal reason; negative before its first answer
     */
    public void setWriterLease(boolean valid, long silentMs) {
        synchronized (updates) {
            if (valid == leaseValid) {
                return;
            }
            leaseValid = valid;
            this.silentMs = silentMs;
            if (!valid && silentMs < 0) {
                log.info("waiting for the first answer from the monitor before routing writes");
            } else if (!valid) {
                log.warn("writer lease ran out: no answer from the monitor for {} ms; not routing writes", silentMs);
            } else {
                log.info("writer lease renewed: routing writes again");
            }
            recompute();
        }
    }

    /** The latest route table taken, never null (version 0 before the first). */
    public RouteTable table() {
        synchronized (updates) {
            return table;
        }
    }

    private void recompute() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        List<Future<?>> waits = new ArrayList<>();
        for (RoleListener l : listeners) {
            l.apply(Destinations.of(l.config(), table, l.exclusive(), leaseValid, silentMs), waits);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CUT_WAIT_MS);
        for (Future<?> f : waits) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                log.warn("connections to a former writer not all cut within {} ms", CUT_WAIT_MS);
                break;
            }
        }
    }

    /**
     * The counters, for {@code show --json} and the API: one entry per listener, {@code {"name", "role", "listen",
     * "state", "backends": [{"name", "address", "current", "open", "total", "bytesToBackend", "bytesFromBackend",
     * "connectFailures"}], "accepted", "held", "heldNow", "refused"}}. Never null.
     */
    public List<Map<String, Object>> stats() {
        return listeners.stream().map(RoleListener::view).toList();
    }

    /**
     * Publishes how long connections were held, per listener, as the histogram
     * {@code ringmaster_router_hold_seconds{router, listener, role}} in {@code registry}. The other counters are
     * sampled from {@link #stats()} ({@code io.ringmaster.metrics.RouterStatsMeters}). Call before {@link #start()}.
     *
     * @param router this router's id among the monitor's routers ({@code monitor} inside the monitor)
     */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry, String router) {
        for (RoleListener l : listeners) {
            io.micrometer.core.instrument.Timer t = io.ringmaster.metrics.Metrics.histogram("ringmaster_router_hold",
                    "how long a connection was held before it was forwarded or refused")
                    .tags("router", router, "listener", l.name(), "role", l.config().role()).register(registry);
            l.heldFor = ns -> t.record(ns, TimeUnit.NANOSECONDS);
        }
    }

    /** Open relayed connections to a host through the named listener (0 for an unknown listener). */
    public int openConnections(String listener, String host) {
        return listeners.stream().filter(l -> l.name().equals(listener)).mapToInt(l -> l.openTo(host)).sum();
    }

    /** The settings. */
    public RouterConfig config() {
        return config;
    }

    /** The current lifecycle state. */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * Stops listening, refuses held clients with a MySQL error, closes relayed connections and stops the event
     * loops, waiting a bounded time. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        boolean wasRunning = lifecycle == Lifecycle.RUNNING;
        lifecycle = Lifecycle.CLOSED;
        if (wasRunning) {
            listeners.forEach(RoleListener::shutdown);
            shutdownGroup();
            log.info("router stopped");
        }
    }

    private void shutdownGroup() {
        if (group == null) {
            return;
        }
        // a short quiet period lets the refusals of held clients go out
        if (!group.shutdownGracefully(100, 3000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            log.warn("router event loops still running 5 s after shutdown");
        }
    }
}
