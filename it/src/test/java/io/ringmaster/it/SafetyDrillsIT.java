package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.model.HostState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault drills on real servers: frozen writer, broken replication, restarted replica, errant transaction. */
class SafetyDrillsIT {

    @Test
    void shouldFailOverFrozenWriterAndKeepItFencedAfterThaw(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25410, 1).startMonitor()) {
            c.sandbox.freeze("db1");
            // the replicas notice after slave_net_timeout (4 s, as bootstrap sets it); then the monitor fails over
            await().atMost(Duration.ofSeconds(40)).until(() -> c.writer().filter("db2"::equals).isPresent());
            assertThat(c.readOnly("db2")).isFalse();
            c.sandbox.thaw("db1");
            // the old writer comes back read_only, with no role, and stays out until an operator says so
            await().atMost(Duration.ofSeconds(15)).until(() -> c.readOnly("db1"));
            await().atMost(Duration.ofSeconds(15)).until(() -> c.monitor.state().host("db1").state()
                    == HostState.AWAITING_RECOVERY);
            assertThat(c.monitor.state().rolesOf("db1")).isEmpty();
            assertThat(c.writableHosts()).containsExactly("db2");
            Thread.sleep(2000);
            assertThat(c.monitor.state().rolesOf("db1")).isEmpty();
            assertThat(c.writer()).contains("db2");
        }
    }

    @Test
    void shouldTakeReaderRoleFromReplicaWhoseReplicationBrokeOnDuplicateKey(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25430, 1).startMonitor()) {
            c.sql.exec(c.host("db1"), "CREATE DATABASE dk", "CREATE TABLE dk.t (id INT PRIMARY KEY)");
            await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(
                    c.sql.queryString(c.host("db3"), "SELECT COUNT(*) FROM dk.t")));
            // a row written behind replication's back on db3, then the same key on the writer
            c.sql.exec(c.host("db3"), "SET SESSION sql_log_bin = 0", "INSERT INTO dk.t VALUES (7)");
            c.sql.exec(c.host("db1"), "INSERT INTO dk.t VALUES (7)");
            await().atMost(Duration.ofSeconds(15)).until(() -> c.monitor.state().host("db3").state()
                    == HostState.REPLICATION_FAIL);
            assertThat(c.monitor.state().host("db3").reason()).contains("1062");
            assertThat(c.monitor.state().rolesOf("db3")).isEmpty();
            assertThat(c.monitor.state().holders("reader")).doesNotContain("db3").contains("db1", "db2", "db4");
        }
    }

    @Test
    void shouldHoldRestartedReplicaInAwaitingRecovery(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25450, 1).startMonitor()) {
            Thread.sleep(2000); // let Uptime grow past what a fresh start shows
            c.sandbox.stop("db4");
            c.sandbox.start("db4");
            await().atMost(Duration.ofSeconds(20)).until(() -> c.monitor.state().host("db4").state()
                    == HostState.AWAITING_RECOVERY);
            assertThat(c.monitor.state().rolesOf("db4")).isEmpty();
            Thread.sleep(2000);
            assertThat(c.monitor.state().host("db4").state()).isEqualTo(HostState.AWAITING_RECOVERY);
            assertThat(Cli.run("set-online", "db4", "--config", c.sandbox.configFile().toString()).exit()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> c.monitor.state().rolesOf("db4").contains("reader"));
        }
    }

    @Test
    void shouldKeepHostWithErrantTransactionOutOfEveryRole(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25470, 1).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            // a write made directly on a replica (root may write through read_only): db1 will never have it
            c.sql.exec(c.host("db3"), "CREATE DATABASE errant_on_db3");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.monitor.state().host("db3").state()
                    == HostState.AWAITING_RECOVERY);
            assertThat(c.monitor.state().host("db3").reason()).contains("errant transactions").contains("3-3-1");
            assertThat(c.monitor.state().rolesOf("db3")).isEmpty();
            Cli errant = Cli.run("errant", "db3", "--config", cfg);
            assertThat(errant.exit()).isZero();
            assertThat(errant.out()).contains("1 errant transaction").contains("3-3-1");
            Cli online = Cli.run("set-online", "db3", "--config", cfg);
            assertThat(online.exit()).isEqualTo(1);
            assertThat(online.err()).contains("errant transactions");
            assertThat(Cli.run("show", "--config", cfg).out()).contains("db3: errant transactions");
            assertThat(Cli.run("errant", "db4", "--config", cfg).out()).contains("no errant transactions");
        }
    }
}
