package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.cli.WriteLoad;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.HostState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planned moves of the writer through the CLI, on real servers under a write load. */
class SwitchoverIT {

    @Test
    void shouldSwitchOverUnderWriteLoadWithoutLosingRows(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25210, 1).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            Cli show = Cli.run("show", "--config", cfg);
            assertThat(show.exit()).isZero();
            assertThat(show.out()).contains("db1(127.0.0.1:25211) master/ONLINE. Roles: reader, writer")
                    .contains("db3(127.0.0.1:25213) replica/ONLINE. Roles: reader");

            WriteLoad.prepare(c.host("db1"), c.config.monitorUser(), Duration.ofSeconds(5));
            List<Long> acked;
            try (WriteLoad load = new WriteLoad(() -> c.writer().map(c::host), c.config.monitorUser(),
                    Duration.ofSeconds(1)).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged().size() > 300);
                Cli move = Cli.run("move_role", "writer", "db2", "--config", cfg);
                assertThat(move.err()).isEmpty();
                assertThat(move.exit()).isZero();
                assertThat(move.out()).contains("Role 'writer' has been moved from 'db1' to 'db2'");
                long movedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.lastSuccessNanos() > movedAt);
                Thread.sleep(500);
                load.close();
                acked = load.acknowledged();
            }
            assertThat(c.writer()).contains("db2");
            assertThat(c.readOnly("db1")).isTrue();
            assertThat(c.writableHosts()).containsExactly("db2");
            assertThat(c.monitor.state().sources()).containsEntry("db3", "db2");
            Cli recoveries = Cli.run("recoveries", "--config", cfg);
            assertThat(recoveries.out()).contains("SWITCHOVER db1 -> db2").contains("transactions lost: 0")
                    .containsPattern("GTID after  db1: [0-9-,]+").containsPattern("GTID after  db2: [0-9-,]+");
            GtidPosition target = c.sql.binlogPosition(c.host("db2"));
            for (var h : c.config.hosts()) {
                assertThat(c.sql.waitForGtid(h, target, Duration.ofSeconds(30), "test")).isTrue();
                assertThat(WriteLoad.missingOn(h, c.config.monitorUser(), Duration.ofSeconds(10), acked))
                        .as("rows missing on " + h.name()).isEmpty();
            }

            JsonNode json = new ObjectMapper().readTree(Cli.run("show", "--json", "--config", cfg).out());
            assertThat(json.path("mode").asText()).isEqualTo("ACTIVE");
            JsonNode db2 = json.path("hosts").get(1);
            assertThat(db2.path("name").asText()).isEqualTo("db2");
            assertThat(db2.path("state").asText()).isEqualTo("ONLINE");
            assertThat(db2.path("readOnly").asBoolean()).isFalse();
            assertThat(db2.path("roles").toString()).contains("writer");
            assertThat(db2.has("lagSeconds")).isTrue();
        }
    }

    @Test
    void shouldRefuseMoveToHostThatIsNotOnlineWithOneLineReason(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25230, 0).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            assertThat(Cli.run("set-offline", "db2", "--config", cfg).exit()).isZero();
            Cli move = Cli.run("move-role", "writer", "db2", "--config", cfg);
            assertThat(move.exit()).isEqualTo(1);
            assertThat(move.err().strip()).doesNotContain("\n").contains("ADMIN_OFFLINE").startsWith("ringmaster:");
            Cli unknown = Cli.run("move-role", "writer", "db9", "--config", cfg);
            assertThat(unknown.exit()).isEqualTo(3);
            assertThat(unknown.err()).contains("unknown host 'db9'");
            assertThat(c.writer()).contains("db1");
            assertThat(Cli.run("set-online", "db2", "--config", cfg).exit()).isZero();
            assertThat(c.monitor.state().host("db2").state()).isEqualTo(HostState.ONLINE);
        }
    }

    @Test
    void shouldUndoFenceWhenNewWriterCannotCatchUpInTime(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25250, 0)
                .editConfig(y -> y.replace("trap_period: 2s", "trap_period: 30s")
                        .replace("\nmonitor:\n", "\nmonitor:\n  catchup_timeout: 1s\n"))
                .startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            // db2 stops applying, then db1 takes writes db2 cannot apply in time
            c.sql.exec(c.host("db2"), "STOP SLAVE SQL_THREAD");
            c.sql.exec(c.host("db1"), "CREATE DATABASE lag", "CREATE TABLE lag.t (id INT PRIMARY KEY)",
                    "INSERT INTO lag.t VALUES (1)");
            Cli move = Cli.run("move-role", "writer", "db2", "--config", cfg);
            assertThat(move.exit()).isEqualTo(1);
            assertThat(move.err()).contains("switchover refused").contains("db1").contains("stays the writer")
                    .contains("did not apply");
            assertThat(c.writer()).contains("db1");
            assertThat(c.readOnly("db1")).as("old writer writable again").isFalse();
            assertThat(c.readOnly("db2")).isTrue();
            c.sql.exec(c.host("db2"), "START SLAVE SQL_THREAD");
        }
    }
}
