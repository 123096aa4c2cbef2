package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.cli.ApiClient;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.monitor.HttpApi;
import io.ringmaster.monitor.Monitor;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Monitor features beyond MMM on real servers: scheduled checksum, network check, careful start, forced move, pause. */
class MonitorFeaturesIT {

    @Test
    void shouldReportDriftFoundByTheScheduledChecksum(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25710, 1)) {
            c.sql.exec(c.host("db1"), "CREATE DATABASE drift", "CREATE TABLE drift.t (id INT PRIMARY KEY, v VARCHAR(10))",
                    "INSERT INTO drift.t VALUES (1, 'a'), (2, 'b')");
            assertThat(c.sql.waitForGtid(c.host("db3"), c.sql.binlogPosition(c.host("db1")), Duration.ofSeconds(10),
                    "test")).isTrue();
            c.sql.exec(c.host("db3"), "SET SESSION sql_log_bin = 0", "UPDATE drift.t SET v = 'x' WHERE id = 1");
            c.editConfig(y -> y + "checksum:\n  every: 2s\n  databases: [drift]\n").startMonitor();
            await().atMost(Duration.ofSeconds(40)).until(() -> c.monitor.findings().stream()
                    .anyMatch(f -> f.startsWith("checksum drift") && f.contains("db3") && f.contains("drift.t")));
            assertThat(Cli.run("show", "--config", c.sandbox.configFile().toString()).out())
                    .contains("# Finding: checksum drift");
        }
    }

    @Test
    void shouldFreezeStatesWhileItsOwnNetworkCheckFails(@TempDir Path dir) throws Exception {
        try (ServerSocket target = new ServerSocket()) {
            target.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = target.getLocalPort();
            try (Cluster c = Cluster.up(dir, 25730, 0)) {
                c.editConfig(y -> y.replace("\nmonitor:\n", "\nmonitor:\n  ping_ips: [127.0.0.1:" + port + "]\n"))
                        .startMonitor();
                target.close();
                c.sandbox.kill("db1");
                Thread.sleep(6000);
                assertThat(c.writer()).contains("db1");
                assertThat(c.monitor.state().host("db1").state()).isEqualTo(HostState.ONLINE);
                assertThat(c.monitor.findings()).anyMatch(f -> f.contains("network check failed"));
                assertThat(c.monitor.recoveries()).isEmpty();
                try (ServerSocket back = new ServerSocket()) {
                    back.setReuseAddress(true);
                    back.bind(new InetSocketAddress("127.0.0.1", port));
                    await().atMost(Duration.ofSeconds(20)).until(() -> c.writer().filter("db2"::equals).isPresent());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} writable besides db1")
    @ValueSource(strings = {"db2", "db3"}) // the other master; a replica
    void shouldStartPassiveWhenSeveralHostsAreWritable(String alsoWritable, @TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, alsoWritable.equals("db2") ? 25750 : 25850, 1)) {
            c.sql.exec(c.host(alsoWritable), "SET GLOBAL read_only = OFF");
            try (Monitor m = new Monitor(c.config, Clock.systemUTC()); HttpApi api = new HttpApi(m)) {
                api.start();
                m.start();
                await().atMost(Duration.ofSeconds(15)).until(m::ready);
                assertThat(m.state().mode()).isEqualTo(MonitorMode.PASSIVE);
                Thread.sleep(2000);
                assertThat(c.writableHosts()).containsExactlyInAnyOrder("db1", alsoWritable); // PASSIVE changes nothing
                Cli active = Cli.run("set-active", "--config", c.sandbox.configFile().toString());
                assertThat(active.exit()).isZero();
                await().atMost(Duration.ofSeconds(20)).until(() -> c.writableHosts().size() == 1
                        && m.state().holder("writer").isPresent());
                assertThat(c.writableHosts()).containsExactly(m.state().holder("writer").get());
            }
        }
    }

    @Test
    void shouldForceTheWriterOntoABrokenHostAndReportTheLoss(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25770, 0)
                .editConfig(y -> y.replace("\nmonitor:\n", "\nmonitor:\n  catchup_timeout: 2s\n")).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            c.sql.exec(c.host("db2"), "STOP SLAVE SQL_THREAD");
            c.sql.exec(c.host("db1"), "CREATE DATABASE forced", "CREATE TABLE forced.t (id INT PRIMARY KEY)",
                    "INSERT INTO forced.t VALUES (1)");
            await().atMost(Duration.ofSeconds(15)).until(() -> c.monitor.state().host("db2").state()
                    == HostState.REPLICATION_FAIL);
            Cli refused = Cli.run("move-role", "writer", "db2", "--config", cfg);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("REPLICATION_FAIL").contains("--force");

            Cli forced = Cli.run("move-role", "--force", "writer", "db2", "--config", cfg);
            assertThat(forced.exit()).as(forced.err()).isZero();
            assertThat(forced.out()).containsPattern("estimated loss: [1-9][0-9]* transaction\\(s\\) of 'db1' not applied on 'db2'")
                    .contains("has been moved from 'db1' to 'db2'").contains("Forced:");
            assertThat(c.writer()).contains("db2");
            assertThat(c.writableHosts()).containsExactly("db2");
        }
    }

    @Test
    void shouldRecheckBeforeActingAfterTheMonitorWasPaused(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25790, 0)) {
            Path cfg = c.sandbox.configFile();
            var api = new ApiClient(ConfigLoader.load(cfg));
            try (MonitorProcess m = MonitorProcess.start(cfg, null, dir.resolve("monitor.log"))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        "db1".equals(api.get("status").path("writer").asText()));
                m.signal("STOP");
                Thread.sleep(5000);
                m.signal("CONT");
                await().atMost(Duration.ofSeconds(10)).until(() -> m.output().contains("paused or starved"));
                assertThat(m.output()).contains("re-checking every host before acting");
                assertThat(api.get("status").path("writer").asText()).isEqualTo("db1");
                assertThat(api.get("recoveries").path("recoveries")).isEmpty();
            }
        }
    }
}
