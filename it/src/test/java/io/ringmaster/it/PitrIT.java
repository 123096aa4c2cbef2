package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.sandbox.MariaDbBinaries;
import io.ringmaster.sandbox.SandboxHost;
import io.ringmaster.sandbox.SandboxServer;
import io.ringmaster.sandbox.ServerLayout;
import io.ringmaster.tools.archive.ArchiveChain;
import io.ringmaster.tools.archive.ArchiveIndex;
import io.ringmaster.tools.archive.ArchiveStatus;
import io.ringmaster.tools.archive.BinlogReplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binlog archive across a failover, and point-in-time recovery from it, on real servers: the monitor archives
 * db1's binary logs, db1 is SIGKILLed in the middle of the archive's range, the archive follows db2 without a gap,
 * and a server left at a position before the failover is brought to a time, then to a GTID, after it: its table
 * equals the writer's at that GTID.
 */
class PitrIT {
    private static final String CHECKSUM = "SELECT CONCAT(COUNT(*), '/', COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', id, v))), 0))"
            + " FROM pitr.t";

    @Test
    void shouldArchiveAcrossFailoverAndReplayToTimeAndGtid(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        try (Cluster c = Cluster.up(dir, 21100, 1)) {
            c.editConfig(y -> y + "backup:\n  repository: " + repo + "\n");
            c.startMonitor();
            ArchiveIndex archive = new ArchiveIndex(repo);
            HostConfig db1 = c.host("db1");
            c.sql.exec(db1, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
            insert(c, db1, 1, 200);
            GtidPosition p0 = c.sql.binlogPosition(db1);

            // a server at p0, out of the topology: a replica of db1 stopped exactly there, then detached
            try (Target tgt = Target.start(dir.resolve("tgt"), 21109)) {
                tgt.exec("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + db1.port()
                        + ", MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos",
                        "START SLAVE UNTIL master_gtid_pos='" + p0 + "'");
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> GtidPosition.parse(tgt.query(
                            "SELECT @@gtid_slave_pos")).contains(p0) && "No".equals(tgt.slaveSql()));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("target did not stop at " + p0 + ": " + tgt.slaveStatus(), e);
                }
                tgt.exec("STOP SLAVE", "RESET SLAVE ALL");
                GtidPosition from = BinlogReplay.position(tgt.host, SandboxServer.ROOT);
                assertThat(from).isEqualTo(p0);

                insert(c, db1, 201, 300);
                GtidPosition reached1 = c.sql.binlogPosition(db1); // the monitor's heartbeat moves it on: a fixed mark
                await().atMost(Duration.ofSeconds(10)).until(() -> caughtUp(archive, reached1));
                c.sandbox.kill("db1");
                await().atMost(Duration.ofSeconds(30)).until(() -> c.writer().filter("db2"::equals).isPresent());
                HostConfig db2 = c.host("db2");
                insert(c, db2, 301, 450);
                String atG = c.sql.queryString(db2, CHECKSUM);
                GtidPosition.Gtid g = c.sql.binlogPosition(db2).gtids().stream().filter(x -> x.domain() == 2)
                        .findFirst().orElseThrow();
                Instant gTime = Instant.now();
                // a whole second with no write to pitr.t after G: until-time lands on G (or a heartbeat after it)
                Thread.sleep(2100 - gTime.toEpochMilli() % 1000);
                Instant t = gTime.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
                insert(c, db2, 451, 600);
                String atEnd = c.sql.queryString(db2, CHECKSUM);
                GtidPosition.Gtid g2 = c.sql.binlogPosition(db2).gtids().stream().filter(x -> x.domain() == 2)
                        .findFirst().orElseThrow();
                GtidPosition reached2 = c.sql.binlogPosition(db2); // the monitor's heartbeat moves it on: a fixed mark
                await().atMost(Duration.ofSeconds(20)).until(() -> caughtUp(archive, reached2));

                ArchiveChain chain = archive.chain();
                assertThat(chain.gaps()).as("no gap across the failover").isEmpty();
                assertThat(chain.files()).extracting(f -> f.host()).contains("db1", "db2");
                assertThat(chain.files().stream().filter(f -> f.complete()).map(f -> f.file()))
                        .allMatch(f -> f.startsWith("S") && f.contains(".."));
                assertThat(c.monitor.findings()).noneMatch(f -> f.startsWith("binlog archive"));
                Cli status = Cli.run("archive", "status", "--json", "-c", c.sandbox.configFile().toString());
                assertThat(status.exit()).as(status.err()).isZero();
                assertThat(status.out()).contains("\"gaps\" : [ ]");

                BinlogReplay replay = new BinlogReplay(archive, Duration.ofSeconds(60));
                // refused: a GTID the archive does not have, and a time after it
                assertThatThrownBy(() -> replay.replay(tgt.host, SandboxServer.ROOT, from,
                        BinlogReplay.Until.gtid(new GtidPosition.Gtid(2, 2, g2.seq() + 1000)), l -> { }))
                        .hasMessageContaining("not in the archive").hasMessageContaining("covered: domain");
                assertThatThrownBy(() -> replay.replay(tgt.host, SandboxServer.ROOT, from,
                        BinlogReplay.Until.time(Instant.now().plusSeconds(3600)), l -> { }))
                        .hasMessageContaining("after what the archive is known to hold");
                assertThat(BinlogReplay.position(tgt.host, SandboxServer.ROOT)).as("nothing applied").isEqualTo(p0);

                long t0 = System.nanoTime();
                BinlogReplay.Result byTime = replay.replay(tgt.host, SandboxServer.ROOT, from,
                        BinlogReplay.Until.time(t), l -> { });
                System.out.printf("PITR-TIMING until-time: %d transactions in %d ms%n", byTime.transactions(),
                        (System.nanoTime() - t0) / 1_000_000);
                assertThat(tgt.query(CHECKSUM)).as("data at the time = data at G").isEqualTo(atG);
                assertThat(byTime.reached().seq(2)).isGreaterThanOrEqualTo(g.seq()).isLessThan(g2.seq());
                assertThat(byTime.last().time()).isBeforeOrEqualTo(t);

                BinlogReplay.Result byGtid = replay.replay(tgt.host, SandboxServer.ROOT, byTime.reached(),
                        BinlogReplay.Until.gtid(g2), l -> { });
                assertThat(tgt.query(CHECKSUM)).as("data at G2 = the writer's").isEqualTo(atEnd);
                assertThat(byGtid.reached().seq(2)).isEqualTo(g2.seq());
                assertThat(GtidPosition.parse(tgt.query("SELECT @@gtid_binlog_pos")).seq(2)).isEqualTo(g2.seq());

                // "someone ran DELETE without WHERE": binlog find names it and the GTID to stop at before it
                c.sql.exec(db2, "DELETE FROM pitr.t");
                GtidPosition reached3 = c.sql.binlogPosition(db2); // the monitor's heartbeat moves it on: a fixed mark
                await().atMost(Duration.ofSeconds(20)).until(() -> caughtUp(archive, reached3));
                Cli find = Cli.run("binlog", "find", "--table", "pitr.t", "--json", "-c",
                        c.sandbox.configFile().toString());
                assertThat(find.exit()).as(find.err()).isZero();
                var hits = new com.fasterxml.jackson.databind.ObjectMapper().readTree(find.out());
                var delete = hits.get(hits.size() - 1);
                assertThat(delete.get("changes").get(0).get("kind").asText()).isEqualTo("DELETE");
                // binlog_format=MIXED logs this DELETE as a statement (no row count); ROW would give 600 rows
                assertThat(delete.get("changes").get(0).get("statement").asText()).isEqualTo("DELETE FROM pitr.t");
                assertThat(hits.size()).isEqualTo(602); // CREATE TABLE, 600 inserts, the DELETE
                GtidPosition.Gtid before = GtidPosition.parse(delete.get("before").asText()).gtids().get(0);
                if (before.seq() > g2.seq()) { // heartbeats came between: replay them, not the DELETE
                    replay.replay(tgt.host, SandboxServer.ROOT, byGtid.reached(), BinlogReplay.Until.gtid(before),
                            l -> { });
                }
                assertThat(tgt.query(CHECKSUM)).as("the rows as they were before the DELETE").isEqualTo(atEnd);
            }
        }
    }

    private static boolean caughtUp(ArchiveIndex archive, GtidPosition writer) throws Exception {
        Optional<ArchiveStatus> st = archive.status();
        return st.isPresent() && archive.chain().end().contains(writer);
    }

    private static void insert(Cluster c, HostConfig host, int fromId, int toId) throws Exception {
        for (int i = fromId; i <= toId; i++) {
            c.sql.exec(host, "INSERT INTO pitr.t VALUES (" + i + ", " + (i * 7 % 1000) + ")");
        }
    }

    /** A plain server with the binary log on, out of every topology. */
    static final class Target implements AutoCloseable {
        final SandboxServer server;
        final HostConfig host;

        private Target(SandboxServer server, HostConfig host) {
            this.server = server;
            this.host = host;
        }

        static Target start(Path dir, int port) throws Exception {
            MariaDbBinaries binaries = MariaDbBinaries.locate();
            SandboxServer.createTemplate(binaries, dir.resolve("template"));
            SandboxHost h = new SandboxHost("tgt", 9, port, HostMode.REPLICA, Optional.empty(), 0);
            SandboxServer s = new SandboxServer(h, new ServerLayout(dir.resolve("tgt")), binaries);
            s.createDataDir(dir.resolve("template"));
            ServerLayout l = s.layout();
            Files.writeString(l.configFile(), String.join("\n", "[mariadbd]", "port=" + port,
                    "bind_address=127.0.0.1", "socket=" + l.socket(), "pid_file=" + l.pidFile(),
                    "datadir=" + l.dataDir(), "log_error=" + l.errorLog(), "skip_name_resolve=ON", "server_id=9",
                    "gtid_domain_id=9", "log_bin=tgt-bin", "log_slave_updates=ON", "binlog_format=MIXED",
                    "gtid_strict_mode=ON", "innodb_buffer_pool_size=32M", "performance_schema=OFF") + "\n");
            Target t = new Target(s, new HostConfig("tgt", "127.0.0.1", port, HostMode.REPLICA, Optional.empty()));
            try {
                s.start("PITR target");
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
            return t;
        }

        void exec(String... sql) throws Exception {
            new io.ringmaster.mysql.SqlActions(io.ringmaster.mysql.MariaDbDialect.INSTANCE, SandboxServer.ROOT,
                    SandboxServer.ROOT, Duration.ofSeconds(10)).exec(host, sql);
        }

        String query(String sql) throws Exception {
            return new io.ringmaster.mysql.SqlActions(io.ringmaster.mysql.MariaDbDialect.INSTANCE, SandboxServer.ROOT,
                    SandboxServer.ROOT, Duration.ofSeconds(10)).queryString(host, sql);
        }

        String slaveSql() throws Exception {
            try (var conn = io.ringmaster.mysql.Connections.open("127.0.0.1", host.port(), SandboxServer.ROOT,
                    Duration.ofSeconds(5)); var st = conn.createStatement();
                 var rs = st.executeQuery("SHOW SLAVE STATUS")) {
                return rs.next() ? rs.getString("Slave_SQL_Running") : "";
            }
        }

        String slaveStatus() throws Exception {
            try (var conn = io.ringmaster.mysql.Connections.open("127.0.0.1", host.port(), SandboxServer.ROOT,
                    Duration.ofSeconds(5)); var st = conn.createStatement();
                 var rs = st.executeQuery("SHOW SLAVE STATUS")) {
                return rs.next() ? rs.getString("Slave_IO_Running") + "/" + rs.getString("Slave_SQL_Running") + " "
                        + rs.getString("Last_IO_Error") + " " + rs.getString("Last_SQL_Error") + " at "
                        + rs.getString("Gtid_IO_Pos") : "no replication";
            }
        }

        @Override
        public void close() {
            server.kill("end of PitrIT");
        }
    }
}
