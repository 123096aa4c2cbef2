package io.ringmaster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterStatsMetersTest {
    private static Map<String, Object> listener(long accepted, boolean db1Current) {
        return Map.of("name", "writer", "role", "writer", "accepted", accepted, "held", 2, "heldNow", 1,
                "refused", 1, "backends", List.of(
                        Map.of("name", "db1", "current", db1Current, "open", 3, "total", 9, "bytesToBackend", 100,
                                "bytesFromBackend", 250, "connectFailures", 0),
                        Map.of("name", "db2", "current", !db1Current, "open", 0, "total", 1, "bytesToBackend", 5,
                                "bytesFromBackend", 7, "connectFailures", 2)));
    }

    @Test
    void shouldPublishARoutersCountersWithPrometheusNamesAndUnits() {
        PrometheusMeterRegistry r = Metrics.registry("prod");
        SampledMeters m = new SampledMeters(r);
        m.sample(s -> RouterStatsMeters.sample(s, "app1", List.of(listener(12, true))));
        String text = r.scrape();
        String t = "cluster=\"prod\",listener=\"writer\",role=\"writer\",router=\"app1\"";
        assertThat(text).contains("# TYPE ringmaster_router_connections_total counter")
                .contains("ringmaster_router_connections_total{" + t + "} 12.0")
                .contains("ringmaster_router_connections_open{" + t + "} 3.0")
                .contains("ringmaster_router_connections_waiting{" + t + "} 1.0")
                .contains("ringmaster_router_connections_refused_total{" + t + "} 1.0")
                .contains("ringmaster_router_connections_held_total{" + t + "} 2.0")
                .contains("ringmaster_router_bytes_total{cluster=\"prod\",direction=\"from_backend\",listener=\"writer\","
                        + "role=\"writer\",router=\"app1\"} 257.0")
                .contains("ringmaster_router_backend{cluster=\"prod\",host=\"db1\",listener=\"writer\",role=\"writer\","
                        + "router=\"app1\"} 1.0")
                .contains("ringmaster_router_backend{cluster=\"prod\",host=\"db2\",listener=\"writer\",role=\"writer\","
                        + "router=\"app1\"} 0.0");
    }

    @Test
    void shouldMoveValuesAndDropSeriesNotSampledAgain() {
        PrometheusMeterRegistry r = Metrics.registry("prod");
        SampledMeters m = new SampledMeters(r);
        m.sample(s -> RouterStatsMeters.sample(s, "app1", List.of(listener(12, true))));
        m.sample(s -> {
            RouterStatsMeters.sample(s, "app2", List.of(listener(20, false)));
            s.gauge("ringmaster_host_replication_lag_seconds", "lag", 0.25, "host", "db3");
        });
        String text = r.scrape();
        assertThat(text).doesNotContain("router=\"app1\"")
                .contains("ringmaster_router_connections_total{cluster=\"prod\",listener=\"writer\",role=\"writer\","
                        + "router=\"app2\"} 20.0")
                .contains("ringmaster_router_backend{cluster=\"prod\",host=\"db2\",listener=\"writer\",role=\"writer\","
                        + "router=\"app2\"} 1.0")
                .contains("ringmaster_host_replication_lag_seconds{cluster=\"prod\",host=\"db3\"} 0.25");
    }

    @Test
    void shouldPublishHistogramsInSecondsWithBuckets() {
        PrometheusMeterRegistry r = Metrics.registry("prod");
        Metrics.histogram("ringmaster_router_hold", "hold").tags("listener", "writer").register(r)
                .record(Duration.ofMillis(40));
        assertThat(r.scrape()).contains("# TYPE ringmaster_router_hold_seconds histogram")
                .contains("ringmaster_router_hold_seconds_bucket{cluster=\"prod\",listener=\"writer\",le=\"0.05\"} 1")
                .contains("ringmaster_router_hold_seconds_bucket{cluster=\"prod\",listener=\"writer\",le=\"0.025\"} 0")
                .contains("ringmaster_router_hold_seconds_count{cluster=\"prod\",listener=\"writer\"} 1");
    }
}
