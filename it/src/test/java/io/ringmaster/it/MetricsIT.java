package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.monitor.StatusView;
import io.ringmaster.router.StandaloneRouter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the monitor and of a standalone router on real servers (ports 22000-22099), scraped and
 * parsed by Prometheus' own client library while the writer is SIGKILLed: the writer role moves from db1 to db2 in
 * the series, the failover counter goes up by one, lag is a number, the router's counters reach the monitor, and
 * the new writer's agent holds the writer lease in its own series.
 */
class MetricsIT {
    private static final String HOST_ROLE = "ringmaster_host_role";

    @Test
    void shouldShowTheFailoverInTheSeriesOfTheMonitorAndTheRouter(@TempDir Path dir) throws Exception {
        try (RouterCluster rc = RouterCluster.upWithAgents(dir, 22000, "  writer_lease: 1s\n  hold_timeout: 5s\n"
                + "  metrics: 127.0.0.1:22090\n")) {
            var c = rc.cluster;
            c.startMonitor();
            String monitor = "http://127.0.0.1:" + c.sandbox.spec().monitorPort() + "/metrics";
            try (StandaloneRouter router = new StandaloneRouter(rc.routerConfig, c.config, System::nanoTime)) {
                router.start();
                String routerUrl = "http://127.0.0.1:" + router.metricsPort() + "/metrics";
                await().atMost(Duration.ofSeconds(5)).until(() -> writerThroughRouter(rc).equals("db1"));
                try (Connection w = rc.connect(rc.writerPort, Duration.ofSeconds(5)); Statement st = w.createStatement()) {
                    st.execute("CREATE DATABASE app");
                    st.execute("CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
                    st.execute("INSERT INTO app.t (v) VALUES (1), (2), (3)");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.scrape(monitor)
                        .value("ringmaster_host_replication_lag_seconds", "host", "db3").isPresent());

                Prometheus.Scrape before = Prometheus.scrape(monitor);
                assertThat(before.contentType()).startsWith("text/plain; version=0.0.4");
                assertThat(before.value(HOST_ROLE, "host", "db1", "role", "writer")).hasValue(1);
                assertThat(before.value(HOST_ROLE, "host", "db2", "role", "writer")).hasValue(0);
                assertThat(before.value(HOST_ROLE, "host", "db3", "role", "reader")).hasValue(1);
                assertThat(before.value("ringmaster_host_state", "host", "db1", "state", "ONLINE")).hasValue(1);
                assertThat(before.value("ringmaster_host_read_only", "host", "db2")).hasValue(1);
                assertThat(before.value("ringmaster_host_read_only", "host", "db1")).hasValue(0);
                assertThat(before.value("ringmaster_host_replication_io_running", "host", "db3")).hasValue(1);
                double lag = before.value("ringmaster_host_replication_lag_seconds", "host", "db3").orElseThrow();
                assertThat(lag).isFinite().isBetween(0.0, 10.0);
                assertThat(before.value("ringmaster_monitor_mode", "mode", "ACTIVE")).hasValue(1);
                assertThat(before.value("ringmaster_monitor_round_duration_seconds_count").orElseThrow())
                        .isGreaterThan(0);
                assertThat(before.value("ringmaster_host_check_duration_seconds_count", "host", "db1").orElseThrow())
                        .isGreaterThan(0);
                assertThat(before.value("ringmaster_monitor_writer_changes_total", "kind", "failover")).isEmpty();
                assertThat(before.value("ringmaster_monitor_failover_blocked")).hasValue(0);
                assertThat(before.samples()).allSatisfy(s -> assertThat(s.labels()).containsEntry("cluster",
                        c.config.cluster()));
                double db1PingFailures = before.value("ringmaster_host_check_failures_total", "host", "db1", "check",
                        "ping").orElseThrow();

                // the standalone router's counters reached the monitor with its polls, and show --json lists it
                await().atMost(Duration.ofSeconds(5)).until(() -> Prometheus.scrape(monitor).value(
                        "ringmaster_router_connections_total", "router", router.id(), "listener", "writer")
                        .orElse(0) >= 2);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> routers = (List<Map<String, Object>>) StatusView.show(c.monitor)
                        .get("routers");
                assertThat(routers).anySatisfy(r -> {
                    assertThat(r.get("id")).isEqualTo(router.id());
                    assertThat(r.get("listeners")).asList().isNotEmpty();
                });
                // the agents: their own endpoint, and the monitor's view of them
                String agent2 = "http://127.0.0.1:" + c.config.agents().agent("db2").orElseThrow().port() + "/metrics";
                Prometheus.Scrape a2 = Prometheus.scrape(agent2);
                assertThat(a2.value("ringmaster_agent_lease_age_seconds", "host", "db2").orElseThrow())
                        .isBetween(0.0, 5.0);
                assertThat(a2.value("ringmaster_agent_writer_lease", "host", "db2")).hasValue(0);
                assertThat(a2.value("ringmaster_agent_addresses_held", "host", "db2")).isPresent();
                assertThat(before.value("ringmaster_agent_reachable", "host", "db1")).hasValue(1);
                assertThat(before.value("ringmaster_agent_lease_age_seconds", "host", "db3")).isPresent();
                Prometheus.Scrape own = Prometheus.scrape(routerUrl);
                assertThat(own.value("ringmaster_router_connections_total", "listener", "writer").orElseThrow())
                        .isGreaterThanOrEqualTo(2);
                assertThat(own.value("ringmaster_router_backend", "listener", "writer", "host", "db1")).hasValue(1);
                assertThat(own.value("ringmaster_router_bytes_total", "listener", "writer", "direction",
                        "to_backend").orElseThrow()).isGreaterThan(0);
                assertThat(own.value("ringmaster_router_hold_seconds_count", "listener", "writer")).isPresent();
                assertThat(own.value("ringmaster_router_writer_lease_valid")).hasValue(1);

                // SIGKILL the writer and scrape the monitor while it fails over
                c.sandbox.kill("db1");
                long killed = System.nanoTime();
                // a writer connection opened now finds db1 gone and is held until db2 is published
                java.util.concurrent.CompletableFuture<String> held = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> writerThroughRouter(rc));
                List<String> seen = new ArrayList<>();
                Prometheus.Scrape during;
                do {
                    during = Prometheus.scrape(monitor);
                    seen.add((System.nanoTime() - killed) / 1_000_000 + "ms:" + writerIn(during));
                    assertThat(System.nanoTime() - killed).as("writer moved in the series: " + seen)
                            .isLessThan(Duration.ofSeconds(15).toNanos());
                } while (!writerIn(during).equals("db2"));
                System.out.println("METRICS writer in the monitor's series after the SIGKILL: " + seen);
                assertThat(during.value(HOST_ROLE, "host", "db1", "role", "writer")).hasValue(0);
                await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.scrape(monitor).value(
                        "ringmaster_monitor_writer_changes_total", "kind", "failover", "outcome", "success")
                        .orElse(0) == 1);
                Prometheus.Scrape after = Prometheus.scrape(monitor);
                assertThat(after.value("ringmaster_host_state", "host", "db1", "state", "HARD_OFFLINE")).hasValue(1);
                assertThat(after.value("ringmaster_host_state", "host", "db1", "state", "ONLINE")).hasValue(0);
                assertThat(after.value("ringmaster_host_check_failures_total", "host", "db1", "check", "ping")
                        .orElseThrow()).isGreaterThan(db1PingFailures);
                assertThat(after.value("ringmaster_monitor_last_writer_change_age_seconds").orElseThrow())
                        .isBetween(0.0, 30.0);
                assertThat(after.value("ringmaster_monitor_failover_blocked")).hasValue(1); // anti-flap period
                assertThat(after.value("ringmaster_host_read_only", "host", "db2")).hasValue(0);
                // the router follows, in its own series and in the monitor's copy of its counters
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    Prometheus.Scrape r = Prometheus.scrape(routerUrl);
                    return r.value("ringmaster_router_backend", "listener", "writer", "host", "db2").orElse(0) == 1
                            && r.value("ringmaster_router_backend", "listener", "writer", "host", "db1").orElse(1) == 0;
                });
                await().atMost(Duration.ofSeconds(5)).until(() -> Prometheus.scrape(monitor).value(
                        "ringmaster_router_backend", "router", router.id(), "listener", "writer", "host", "db2")
                        .orElse(0) == 1);
                assertThat(held.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("db2");
                Prometheus.Scrape ownAfter = Prometheus.scrape(routerUrl);
                assertThat(ownAfter.value("ringmaster_router_connections_held_total", "listener", "writer")
                        .orElseThrow()).isGreaterThanOrEqualTo(1);
                assertThat(ownAfter.value("ringmaster_router_hold_seconds_count", "listener", "writer")
                        .orElseThrow()).isGreaterThanOrEqualTo(1);
                assertThat(ownAfter.value("ringmaster_router_hold_seconds_sum", "listener", "writer")
                        .orElseThrow()).isGreaterThan(0);
                assertThat(post(monitor)).isEqualTo(405);
                await().atMost(Duration.ofSeconds(5)).until(() -> Prometheus.scrape(agent2)
                        .value("ringmaster_agent_writer_lease", "host", "db2").orElse(0) == 1);
            }
        }
    }

    private static String writerIn(Prometheus.Scrape s) {
        return s.named(HOST_ROLE).stream().filter(x -> "writer".equals(x.labels().get("role")) && x.value() == 1)
                .map(x -> x.labels().get("host")).findFirst().orElse("none");
    }

    private static String writerThroughRouter(RouterCluster rc) {
        try (Connection w = rc.connect(rc.writerPort, Duration.ofSeconds(3))) {
            return rc.hostOf(w);
        } catch (SQLException e) {
            return "";
        }
    }

    private static int post(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        return c.getResponseCode();
    }
}
