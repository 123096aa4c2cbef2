package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.routing.RouteTable;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link RouteTable}s to routers: to in-process listeners (synchronously, so a router stops using an
 * old writer before the monitor fences it) and to long-polling HTTP clients.
 *
 * <p>Thread-safe: {@link #publish} is called under the monitor's lock; readers may call the rest from any thread.
 */
final class RoutePublisher {
    private static final Logger log = LoggerFactory.getLogger(RoutePublisher.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private final Object signal = new Object();
    private volatile RouteTable current;
    private volatile Supplier<Object> routerStats = () -> null;

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
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (signal) {
            while (current.version() <= afterVersion && !closed.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
        }
        return current;
    }

    void addListener(Consumer<RouteTable> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    void wakeAll() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    void setRouterStats(Supplier<Object> stats) {
        routerStats = stats == null ? () -> null : stats;
    }

    Object routerStats() {
        return routerStats.get();
    }
}
