package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.routing.RouteTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link RouteTable}s to routers: to in-process listeners (synchronously, so a router stops using an
 * old writer before the monitor fences it) and to long-polling HTTP clients.
 *
 * <p>Standalone routers name themselves when they poll ({@link Follower}): asking for tables after version V says
 * the router has applied V, and it says how long after asking it may still route writes on an answer. Before a
 * writer is fenced, {@link #awaitFollowers} waits until every router has applied the table without that writer, or
 * cannot be routing writes on an older one any more because its lease ran out, whichever comes first.
 *
 * <p>Thread-safe: {@link #publish} is called under the monitor's lock; readers may call the rest from any thread.
 * Waits use a {@link ReentrantLock}, not a monitor, so long-polls may run on virtual threads without pinning them.
 */
final class RoutePublisher {
    private static final Logger log = LoggerFactory.getLogger(RoutePublisher.class);
    /** Followers silent this much longer than their lease are forgotten, ms. */
    private static final long FORGET_AFTER_MS = 600_000;

    private final RingmasterConfig config;
    private final Clock clock;
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Follower> followers = new ConcurrentHashMap<>();
    private volatile RouteTable current;
    private volatile Supplier<Object> routerStats = () -> null;

    /**
     * A standalone router as the monitor last heard of it.
     *
     * @param applied      the newest table version it said it applied
     * @param askedAtNanos when its latest poll arrived (monotonic): it sent it no later
     * @param leaseNanos   how long after asking it may still route writes on the answer
     * @param stats        the counters it sent with its latest poll ({@code Router.stats()}'s shape), or null
     */
    record Follower(long applied, long askedAtNanos, long leaseNanos, Object stats) {
        boolean leaseRunOut(long nowNanos) {
            return nowNanos - askedAtNanos >= leaseNanos;
        }
    }

    RoutePublisher(RingmasterConfig config, Clock clock, long epoch) {
        this.config = config;
        this.clock = clock;
        this.current = new RouteTable(0, epoch, clock.instant(), false, Map.of());
    }

    /** Publishes the holders when they, the epoch or the changing flag differ from the last table. */
    void publish(Map<String, List<String>> holders, boolean changing, long epoch) {
        Map<String, List<RouteTable.Backend>> roles = new LinkedHashMap<>();
        holders.forEach((role, hosts) -> roles.put(role, hosts.stream().map(config::host)
                .map(h -> new RouteTable.Backend(h.name(), h.address(), h.port())).toList()));
        RouteTable old = current;
        if (old.version() > 0 && old.roles().equals(roles) && old.writerChanging() == changing
                && old.epoch() == epoch) {
            return;
        }
        RouteTable next = new RouteTable(old.version() + 1, epoch, clock.instant(), changing, roles);
        current = next;
        for (Consumer<RouteTable> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.error("route listener failed", e);
            }
        }
        wakeAll();
    }

    RouteTable current() {
        return current;
    }

    /** Waits until a table newer than {@code afterVersion}, at most {@code max} or until {@code closed}. */
    RouteTable await(long afterVersion, Duration max, BooleanSupplier closed) throws InterruptedException {
        long left = max.toNanos();
        lock.lock();
        try {
            while (current.version() <= afterVersion && !closed.getAsBoolean() && left > 0) {
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
        return current;
    }

    /**
     * A standalone router's poll: records that it applied {@code afterVersion} and may route writes for
     * {@code lease} after asking, then waits as {@link #await} does.
     *
     * @param router a name unique among the followers
     */
    RouteTable await(long afterVersion, Duration max, BooleanSupplier closed, String router, Duration lease)
            throws InterruptedException {
        return await(afterVersion, max, closed, router, lease, null);
    }

    /** As the other, with the counters the router sent (null: none). */
    RouteTable await(long afterVersion, Duration max, BooleanSupplier closed, String router, Duration lease,
                     Object stats) throws InterruptedException {
        long now = System.nanoTime();
        followers.merge(router, new Follower(afterVersion, now, lease.toNanos(), stats),
                (was, is) -> new Follower(Math.max(was.applied(), is.applied()), now, is.leaseNanos(),
                        is.stats() != null ? is.stats() : was.stats()));
        followers.values().removeIf(f -> now - f.askedAtNanos() - f.leaseNanos()
                > TimeUnit.MILLISECONDS.toNanos(FORGET_AFTER_MS));
        wakeAll();
        return await(afterVersion, max, closed);
    }

    /**
     * Waits until every standalone router has applied {@code version} (or a newer table), or has had its lease run
     * out since its last poll, so none can be routing writes on an older table. Bounded by the longest lease.
     *
     * @return one line per router still following (its lease not run out): who, and how it let go, with the time
     *         waited (ms)
     */
    List<String> awaitFollowers(long version) throws InterruptedException {
        long start = System.nanoTime();
        List<String> out = new ArrayList<>();
        Map<String, Follower> pending = new LinkedHashMap<>();
        followers.forEach((id, f) -> {
            if (!f.leaseRunOut(start)) {
                pending.put(id, f); // those that already applied it are reported at once
            }
        });
        lock.lock();
        try {
            while (!pending.isEmpty()) {
                long now = System.nanoTime();
                long nextExpiry = Long.MAX_VALUE;
                for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    Follower latest = followers.getOrDefault(e.getKey(), e.getValue());
                    long waited = (now - start) / 1_000_000;
                    if (latest.applied() >= version) {
                        out.add(e.getKey() + " applied table " + latest.applied() + " in " + waited + " ms");
                        it.remove();
                    } else if (e.getValue().leaseRunOut(now)) {
                        // the lease of an answer it may still hold with the old table; later answers were newer
                        out.add(e.getKey() + " did not answer; its writer lease ran out after " + waited + " ms");
                        it.remove();
                    } else {
                        nextExpiry = Math.min(nextExpiry, e.getValue().askedAtNanos() + e.getValue().leaseNanos()
                                - now);
                    }
                }
                if (!pending.isEmpty()) {
                    changed.awaitNanos(Math.max(1, nextExpiry));
                }
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    void addListener(Consumer<RouteTable> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The standalone routers following this monitor, by id (a snapshot). */
    Map<String, Follower> followers() {
        return Map.copyOf(followers);
    }

    /**
     * The standalone routers for {@code show --json}: {@code [{"id", "applied", "lastPollAgoMs", "leaseMs",
     * "listeners" (the counters it sent, absent when none)}]}, by id.
     */
    List<Map<String, Object>> followersView() {
        long now = System.nanoTime();
        List<Map<String, Object>> out = new ArrayList<>();
        new java.util.TreeMap<>(followers).forEach((id, f) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", id);
            e.put("applied", f.applied());
            e.put("lastPollAgoMs", (now - f.askedAtNanos()) / 1_000_000);
            e.put("leaseMs", f.leaseNanos() / 1_000_000);
            if (f.stats() != null) {
                e.put("listeners", f.stats());
            }
            out.add(e);
        });
        return out;
    }

    void setRouterStats(Supplier<Object> stats) {
        routerStats = stats == null ? () -> null : stats;
    }

    Object routerStats() {
        return routerStats.get();
    }
}
