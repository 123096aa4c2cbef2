package io.ringmaster.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Gauges and counters whose values are read from a snapshot of a daemon's state right before each scrape: a
 * {@link #sample} pass sets every series that exists now, and series not set in a pass (a host that lost a role, a
 * router that stopped polling) are removed from the registry. Counters take the total as the snapshot knows it (a
 * router's {@code accepted} count), so they are published as Prometheus counters without being incremented here.
 *
 * <p>Thread-safe: passes are serialized.
 */
public final class SampledMeters {
    private final MeterRegistry registry;
    private final Map<String, Cell> cells = new HashMap<>();

    private static final class Cell {
        volatile double value;
        Meter meter;
        boolean seen;
    }

    /** One pass: what it sets exists until the next pass that does not set it. Not thread-safe; use in the pass. */
    public interface Sample {
        /**
         * A gauge's value now.
         *
         * @param name full Prometheus name, with the unit ({@code ringmaster_host_replication_lag_seconds})
         * @param tags key, value, key, value...
         */
        void gauge(String name, String help, double value, String... tags);

        /**
         * A counter's total now (never less than before, except after the counted thing restarted).
         *
         * @param name full Prometheus name without {@code _total} ({@code ringmaster_router_connections})
         */
        void counter(String name, String help, double total, String... tags);
    }

    public SampledMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Runs one pass: {@code fill} sets every series that exists now; the others are removed. */
    public synchronized void sample(Consumer<Sample> fill) {
        cells.values().forEach(c -> c.seen = false);
        fill.accept(new Sample() {
            public void gauge(String name, String help, double value, String... tags) {
                set(false, name, help, value, tags);
            }

            public void counter(String name, String help, double total, String... tags) {
                set(true, name, help, total, tags);
            }
        });
        for (Iterator<Cell> it = cells.values().iterator(); it.hasNext(); ) {
            Cell c = it.next();
            if (!c.seen) {
                registry.remove(c.meter);
                it.remove();
            }
        }
    }

    private void set(boolean counter, String name, String help, double value, String... tags) {
        String key = (counter ? "c " : "g ") + name + " " + String.join("\u0000", tags);
        Cell c = cells.get(key);
        if (c == null) {
            c = new Cell();
            Tags t = Tags.of(tags);
            c.meter = counter
                    ? FunctionCounter.builder(name, c, x -> x.value).description(help).tags(t).register(registry)
                    : Gauge.builder(name, c, x -> x.value).description(help).tags(t).register(registry);
            cells.put(key, c);
        }
        c.value = value;
        c.seen = true;
    }
}
