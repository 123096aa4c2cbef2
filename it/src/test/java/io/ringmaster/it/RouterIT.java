package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traffic through the in-process router's writer, reader and pool addresses, on real servers (ports 27000-27099). */
class RouterIT {

    @Test
    void shouldSendWritesToTheWriterAndSpreadReadsOverEveryReader(@TempDir Path dir) throws Exception {
        try (RouterCluster rc = RouterCluster.up(dir, 27000, "").start()) {
            Duration t = Duration.ofSeconds(5);
            try (Connection w = rc.connect(rc.writerPort, t); Statement st = w.createStatement()) {
                assertThat(rc.hostOf(w)).isEqualTo("db1");
                st.execute("CREATE DATABASE routed");
                st.execute("CREATE TABLE routed.t (id INT PRIMARY KEY)");
                st.execute("INSERT INTO routed.t VALUES (1)");
            }
            // least connections over the four readers: one connection each
            List<Connection> readers = new ArrayList<>();
            List<String> reached = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Connection r = rc.connect(rc.readerPort, t);
                    readers.add(r);
                    reached.add(rc.hostOf(r));
                }
                assertThat(reached).containsExactlyInAnyOrder("db1", "db2", "db3", "db4");
                // the reporting pool stays on the replicas
                for (int i = 0; i < 4; i++) {
                    Connection r = rc.connect(rc.reportingPort, t);
                    readers.add(r);
                    assertThat(rc.hostOf(r)).isIn("db3", "db4");
                }
                assertThat(rc.router.openConnections("reporting", "db3"))
                        .isEqualTo(rc.router.openConnections("reporting", "db4")).isEqualTo(2);
            } finally {
                for (Connection r : readers) {
                    r.close();
                }
            }

            String cfg = rc.cluster.sandbox.configFile().toString();
            Cli show = Cli.run("show", "--json", "--config", cfg);
            assertThat(show.exit()).isZero();
            JsonNode routes = new ObjectMapper().readTree(show.out()).path("routes");
            assertThat(routes.size()).isEqualTo(3);
            JsonNode writer = routes.get(0);
            assertThat(writer.path("role").asText()).isEqualTo("writer");
            assertThat(writer.path("listen").asText()).isEqualTo("127.0.0.1:" + rc.writerPort);
            assertThat(writer.path("backends").get(0).path("name").asText()).isEqualTo("db1");
            assertThat(writer.path("backends").get(0).path("total").asLong()).isEqualTo(1);
            assertThat(writer.path("backends").get(0).path("bytesFromBackend").asLong()).isPositive();
            assertThat(writer.path("held").asLong()).isZero();
            assertThat(writer.path("refused").asLong()).isZero();
            assertThat(routes.get(2).path("name").asText()).isEqualTo("reporting");
            assertThat(routes.get(2).path("backends").size()).isEqualTo(2);
        }
    }

    @Test
    void shouldRefuseWithAMySqlErrorWhenNoWriterAppearsInTime(@TempDir Path dir) throws Exception {
        try (RouterCluster rc = RouterCluster.up(dir, 27010, "  hold_timeout: 2s\n").start()) {
            String cfg = rc.cluster.sandbox.configFile().toString();
            assertThat(Cli.run("set-offline", "db2", "--config", cfg).exit()).isZero();
            rc.cluster.sandbox.kill("db1");
            await().atMost(Duration.ofSeconds(30)).until(() -> rc.cluster.writer().isEmpty());

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> rc.connect(rc.writerPort, Duration.ofSeconds(10)).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ringmaster router: no writer available")
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getErrorCode()).isEqualTo(1040);
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("08004");
                    });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("held for the hold time, then refused").isBetween(1900L, 6000L);

            // reads go on, on the replicas that are still ONLINE
            try (Connection r = rc.connect(rc.readerPort, Duration.ofSeconds(5))) {
                assertThat(rc.hostOf(r)).isIn("db3", "db4");
            }
            JsonNode writer = new ObjectMapper().readTree(Cli.run("show", "--json", "--config", cfg).out())
                    .path("routes").get(0);
            assertThat(writer.path("refused").asLong()).isEqualTo(1);
            assertThat(writer.path("held").asLong()).isEqualTo(1);
        }
    }
}
