package io.ringmaster.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Where the Prometheus registries of Ringmaster's daemons come from (with the JVM's memory, threads, CPU and uptime
 * bound), and the buckets their histograms share.
 * Names follow Prometheus' conventions with the unit in the name ({@code ringmaster_host_replication_lag_seconds});
 * every series carries the {@code cluster} tag. Thread-safe.
 */
public final class Metrics {
    /** Histogram buckets for check, round and hold times: 1 ms to 30 s. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private Metrics() {}

    /** A new Prometheus registry whose every series has {@code cluster="NAME"}. */
    public static PrometheusMeterRegistry registry(String cluster) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().commonTags("cluster", cluster);
        // the daemon's own health: heap, threads, CPU, uptime (jvm_*, process_*, system_*)
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(r);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(r);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(r);
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(r);
        return r;
    }

    /**
     * A timer published as a Prometheus histogram with the shared buckets ({@code NAME_seconds_bucket},
     * {@code _count}, {@code _sum}).
     *
     * @param name without the unit, e.g. {@code ringmaster_monitor_round_duration}
     */
    public static Timer.Builder histogram(String name, String help) {
        return Timer.builder(name).description(help).serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1]);
    }
}
