package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxSpec;
import io.ringmaster.tools.checksum.Checksum;
import io.ringmaster.tools.checksum.ChecksumOptions;
import io.ringmaster.tools.checksum.ChecksumResult;
import io.ringmaster.tools.checksum.ChunkRow;
import io.ringmaster.tools.checksum.ExitStatus;
import io.ringmaster.tools.checksum.TableName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringmaster checksum} and {@code sync} on real servers: 2 masters (db1 writer, db2 passive) with a replica
 * each (db3 under db1, db4 under db2), MIXED binary logs. One sandbox for the class; each test works in its own
 * schema and checks only it.
 */
class ChecksumIT {
    static final int BASE_PORT = 26000;
    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static RingmasterConfig config;

    @BeforeAll
    static void up() {
        sandbox = Sandbox.up(SandboxSpec.of(dir.resolve("sb")).withBasePort(BASE_PORT).withTopology(2, 1));
        config = sandbox.config();
    }

    @AfterAll
    static void down() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldFindNoDifferenceOnIdenticalDataOfEveryColumnType() throws Exception {
        createTypesSchema(config, "same");
        Cli r = Cli.run("checksum", "--config", sandbox.configFile().toString(), "--databases", "same");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("same.types", "same.keyless", "same.composite")
                .contains("exit code 0: every chunk matches on every host");
    }

    @Test
    void shouldFindEveryKindOfDivergenceOnAReplicaAndOnThePassiveMaster() throws Exception {
        seedDivergenceTables(config, "diverge");
        injectDivergences(config, "diverge", "db3", 11);
        injectDivergences(config, "diverge", "db2", 21);
        Cli r = Cli.run("checksum", "--config", sandbox.configFile().toString(), "--databases", "diverge", "--json",
                "--chunk-size", "50");
        assertThat(r.exit()).as(r.err()).isEqualTo(16);
        JsonNode j = json(r.out());
        Set<String> found = new TreeSet<>();
        for (JsonNode d : j.path("differences")) {
            found.add(d.path("host").asText() + " " + d.path("table").asText());
            String table = d.path("table").asText();
            long w = d.path("writer_rows").asLong();
            long h = d.path("host_rows").asLong();
            switch (table) {
                case "diverge.missing" -> assertThat(h).isEqualTo(w - 1);
                case "diverge.extra" -> assertThat(h).isEqualTo(w + 1);
                default -> assertThat(h).isEqualTo(w);
            }
            assertThat(d.path("writer_checksum").asText()).isNotEqualTo(d.path("host_checksum").asText());
            assertThat(d.path("range").asText()).startsWith("id in ");
        }
        assertThat(found).containsExactly("db2 diverge.changed", "db2 diverge.extra", "db2 diverge.missing", "db2 diverge.nulls",
                "db3 diverge.changed", "db3 diverge.extra", "db3 diverge.missing", "db3 diverge.nulls");
        // the writer's values were replicated through db2 to db4 untouched: db4 is clean
        assertThat(j.path("exit_bits").toString()).isEqualTo("[\"differences\"]");
    }

    @Test
    void shouldMakeTheChecksumComeOutCleanAfterSync() throws Exception {
        seedDivergenceTables(config, "fix");
        injectDivergences(config, "fix", "db3", 31);
        injectDivergences(config, "fix", "db4", 41);
        String cfg = sandbox.configFile().toString();
        assertThat(Cli.run("checksum", "--config", cfg, "--databases", "fix").exit()).isEqualTo(16);

        Cli dry = Cli.run("sync", "--config", cfg, "--table", "fix.extra", "--to", "db3");
        assertThat(dry.exit()).as(dry.err()).isEqualTo(16);
        assertThat(dry.out()).contains("DELETE FROM `fix`.`extra` WHERE `id` = ").contains("dry run");
        for (String t : List.of("changed", "missing", "extra", "nulls")) {
            Cli viaWriter = Cli.run("sync", "--config", cfg, "--table", "fix." + t, "--to", "db3", "--execute");
            assertThat(viaWriter.exit()).as(viaWriter.out() + viaWriter.err()).isZero();
            assertThat(viaWriter.out()).contains("every chunk now matches");
            Cli direct = Cli.run("sync", "--config", cfg, "--table", "fix." + t, "--to", "db4", "--execute",
                    "--direct");
            assertThat(direct.exit()).as(direct.out() + direct.err()).isZero();
        }
        Cli again = Cli.run("checksum", "--config", cfg, "--databases", "fix");
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        Cli nothing = Cli.run("sync", "--config", cfg, "--table", "fix.changed", "--to", "db3", "--execute");
        assertThat(nothing.exit()).isZero();
        assertThat(nothing.out()).contains("nothing to change");
    }

    @Test
    void shouldRefuseToSyncTablesWithoutUniqueKeyOrWithCascadingForeignKeys() throws Exception {
        exec(config, "db1", "CREATE DATABASE refuse", "CREATE TABLE refuse.bag (a INT, b VARCHAR(10))",
                "CREATE TABLE refuse.parent (id INT PRIMARY KEY)",
                "CREATE TABLE refuse.child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES refuse.parent (id)"
                        + " ON DELETE CASCADE)");
        String cfg = sandbox.configFile().toString();
        Cli bag = Cli.run("sync", "--config", cfg, "--table", "refuse.bag", "--to", "db3");
        assertThat(bag.exit()).isEqualTo(1);
        assertThat(bag.err()).contains("refuse.bag has no unique key").contains("refused");
        Cli parent = Cli.run("sync", "--config", cfg, "--table", "refuse.parent", "--to", "db3");
        assertThat(parent.exit()).isEqualTo(1);
        assertThat(parent.err()).contains("cascading foreign keys").contains("refuse.child").contains("--allow-cascades");
        Cli writer = Cli.run("sync", "--config", cfg, "--table", "refuse.parent", "--to", "db1");
        assertThat(writer.exit()).isEqualTo(2);
        assertThat(writer.err()).contains("--to: db1 is the writer");
        Cli unknown = Cli.run("checksum", "--config", cfg, "--hosts", "db9");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--hosts: unknown host 'db9'");
        Cli bad = Cli.run("checksum", "--config", cfg, "--chunk-time", "soon");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--chunk-time");
    }

    @Test
    void shouldResumeAfterAnInterruptionWhereItStopped() throws Exception {
        exec(config, "db1", "CREATE DATABASE res", "CREATE TABLE res.t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO res.t SELECT seq, CONCAT('v', seq) FROM seq_1_to_4000");
        awaitReplication(config);
        exec(config, "db3", "SET SESSION sql_log_bin = 0", "UPDATE res.t SET v = 'early' WHERE id = 150",
                "UPDATE res.t SET v = 'late' WHERE id = 3950");
        ChecksumOptions options = ChecksumOptions.defaults().withTables(Set.of("res"), Set.of())
                .withChunking(Duration.ofMillis(500), 200, 200);
        List<Integer> firstRun = Collections.synchronizedList(new ArrayList<>());
        Checksum[] holder = new Checksum[1];
        holder[0] = new Checksum(config, options, line -> { }, (chunk, rows) -> {
            firstRun.add(chunk.number());
            if (chunk.number() == 5) {
                holder[0].requestStop();
            }
        }, Clock.systemUTC());
        ChecksumResult interrupted = holder[0].run();
        assertThat(interrupted.outcomes()).contains(ExitStatus.INTERRUPTED, ExitStatus.DIFFERENCES);
        assertThat(firstRun).hasSizeLessThan(20).contains(1, 5);

        List<Integer> secondRun = Collections.synchronizedList(new ArrayList<>());
        ChecksumResult resumed = new Checksum(config, options.withResume(true), line -> { },
                (chunk, rows) -> secondRun.add(chunk.number()), Clock.systemUTC()).run();
        assertThat(resumed.runId()).isEqualTo(interrupted.runId());
        assertThat(secondRun.get(0)).isEqualTo(firstRun.get(firstRun.size() - 1) + 1);
        // chunks of 200 rows: the one that reaches the largest id is the last, with no upper bound
        assertThat(secondRun.get(secondRun.size() - 1)).isEqualTo(20);
        assertThat(resumed.exitCode()).isEqualTo(16);
        assertThat(resumed.differences()).extracting(ChunkRow::chunk).containsExactly(1, 20);
        assertThat(resumed.tables()).singleElement().satisfies(t -> {
            assertThat(t.table()).isEqualTo(new TableName("res", "t"));
            assertThat(t.status()).isEqualTo("done");
            assertThat(t.rows()).isEqualTo(4000);
        });
    }

    @Test
    void shouldPauseWhileAHostLagsByTheHeartbeat() throws Exception {
        exec(config, "db1", "CREATE DATABASE lag", "CREATE TABLE lag.t (id INT PRIMARY KEY)",
                "INSERT INTO lag.t SELECT seq FROM seq_1_to_100");
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                Duration.ofSeconds(5));
        HostConfig db1 = config.host("db1");
        sql.ensureHeartbeatTable(db1, "ringmaster");
        AtomicBoolean beating = new AtomicBoolean(true);
        // own threads: the common pool has a single worker on 2 cores
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Void> monitor = CompletableFuture.runAsync(() -> {
            while (beating.get()) {
                try {
                    sql.writeHeartbeat(db1, "ringmaster", 1, System.currentTimeMillis() * 1000);
                    Thread.sleep(200);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, threads);
        try {
            awaitReplication(config);
            // a replica that applies everything 3 s late: replication runs, the heartbeat shows the lag
            exec(config, "db3", "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 3", "START SLAVE");
            Thread.sleep(3500);
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            ChecksumOptions options = ChecksumOptions.defaults().withTables(Set.of("lag"), Set.of());
            CompletableFuture<ChecksumResult> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Checksum(config, options, log::add, (c, rows) -> { }, Clock.systemUTC()).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            Thread.sleep(2500);
            assertThat(run).isNotDone();
            assertThat(String.join("\n", log)).contains("throttle: pausing: db3 lags");
            exec(config, "db3", "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
            ChecksumResult r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(String.join("\n", log)).isZero();
            assertThat(r.pausedMillis()).isGreaterThan(1000);
            assertThat(String.join("\n", log)).contains("throttle: resumed after");
        } finally {
            beating.set(false);
            monitor.get(10, TimeUnit.SECONDS);
            threads.shutdownNow();
            exec(config, "db3", "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
        }
    }

    @Test
    void shouldStillCompareTheOtherHostsWhenOneIsDown() throws Exception {
        exec(config, "db1", "CREATE DATABASE down", "CREATE TABLE down.t (id INT PRIMARY KEY, v INT)",
                "INSERT INTO down.t SELECT seq, seq FROM seq_1_to_500");
        awaitReplication(config);
        exec(config, "db3", "SET SESSION sql_log_bin = 0", "UPDATE down.t SET v = 0 WHERE id = 7");
        sandbox.kill("db4");
        try {
            Cli r = Cli.run("checksum", "--config", sandbox.configFile().toString(), "--databases", "down");
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1 | 16);
            assertThat(r.out()).contains("error: db4: unreachable").contains("db3 down.t chunk 1")
                    .contains("compared with db2, db3 in");
        } finally {
            sandbox.start("db4");
            awaitReplication(config);
        }
    }

    @Test
    void shouldNameTheTableAndPrivilegeWhenTheUserCannotReadIt() throws Exception {
        exec(config, "db1", "CREATE DATABASE priv", "CREATE TABLE priv.granted (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE priv.hidden (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE priv.partly (id INT PRIMARY KEY, v INT)",
                "INSERT INTO priv.partly VALUES (1, 1), (2, 2)",
                "CREATE USER 'ck'@'127.0.0.1' IDENTIFIED BY 'ck-pw'",
                "GRANT SLAVE MONITOR, BINLOG MONITOR, BINLOG ADMIN, PROCESS ON *.* TO 'ck'@'127.0.0.1'",
                "GRANT ALL ON ringmaster.* TO 'ck'@'127.0.0.1'",
                "GRANT SELECT ON priv.granted TO 'ck'@'127.0.0.1'",
                "GRANT SELECT (id) ON priv.partly TO 'ck'@'127.0.0.1'");
        awaitReplication(config);
        Path limited = dir.resolve("ck.yml");
        Files.writeString(limited, Files.readString(sandbox.configFile())
                .replace("monitor: {user: root, password: \"\"}", "monitor: {user: ck, password: \"ck-pw\"}"));
        assertThat(Files.readString(limited)).contains("user: ck");
        Cli r = Cli.run("checksum", "--config", limited.toString(), "--tables",
                "priv.granted,priv.hidden,priv.partly");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(64);
        assertThat(r.out()).contains("priv.granted")
                .contains("user ck cannot SELECT every column of priv.partly on db1")
                .contains("priv.hidden: no such table on db1, or user ck cannot see it there");
        assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContain("ck-pw")
                .doesNotContain("every chunk matches");
        // the writer's own error reaches the output (once), not only "the writer could not compute this chunk"
        exec(config, "db1", "REVOKE BINLOG MONITOR ON *.* FROM 'ck'@'127.0.0.1'");
        Cli r2 = Cli.run("checksum", "--config", limited.toString(), "--tables", "priv.granted");
        assertThat(r2.exit()).as(r2.out() + r2.err()).isEqualTo(32);
        assertThat(r2.out()).containsOnlyOnce("error: db1: priv.granted chunk 1: skipped on the writer: privilege error")
                .contains("BINLOG MONITOR");
    }

    // ---- helpers shared with the other checksum ITs

    /** A schema with a table of every column type, a keyless table and a composite-key table, on the writer. */
    static void createTypesSchema(RingmasterConfig config, String db) throws Exception {
        exec(config, "db1", "CREATE DATABASE " + db,
                "CREATE TABLE " + db + ".types (id INT PRIMARY KEY AUTO_INCREMENT, ti TINYINT, bi BIGINT UNSIGNED,"
                        + " de DECIMAL(20,6), fl FLOAT, db DOUBLE, bt BIT(10), ch CHAR(5) CHARACTER SET latin1,"
                        + " vc VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci, tx TEXT CHARACTER SET"
                        + " cp1251, en ENUM('a','b'), st SET('x','y'), js JSON, bn BINARY(4), vb VARBINARY(16), bl BLOB,"
                        + " dt DATE, dtt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(2), yr YEAR, pt POINT NULL,"
                        + " gen INT AS (id * 2) VIRTUAL)",
                "INSERT INTO " + db + ".types (ti, bi, de, fl, db, bt, ch, vc, tx, en, st, js, bn, vb, bl, dt, dtt, ts,"
                        + " tm, yr, pt) SELECT seq % 128, seq * 1000003, seq / 7, seq / 3, seq / 7, seq % 1024,"
                        + " IF(seq % 4 = 0, NULL, IF(seq % 4 = 1, '', 'abc')), CONCAT('ünï', seq), 'Привет',"
                        + " IF(seq % 2, 'a', 'b'), 'x,y', JSON_OBJECT('n', seq), UNHEX('00ff00ff'), UNHEX(MD5(seq)),"
                        + " REPEAT(UNHEX('00'), seq % 5), '2024-02-29', '2024-02-29 23:59:59.999999' - INTERVAL seq"
                        + " SECOND, FROM_UNIXTIME(1700000000 + seq), '838:59:58.99', 2000 + seq % 100,"
                        + " POINT(seq, -seq) FROM seq_1_to_3000",
                "CREATE TABLE " + db + ".keyless (a INT, b VARCHAR(10))",
                "INSERT INTO " + db + ".keyless VALUES (1, 'x'), (1, 'x'), (2, NULL), (3, '')",
                "CREATE TABLE " + db + ".composite (a INT NOT NULL, b VARCHAR(20) CHARACTER SET latin1 NOT NULL,"
                        + " v INT, PRIMARY KEY (a, b))",
                "INSERT INTO " + db + ".composite SELECT seq % 7, CONCAT('k', seq), seq FROM seq_1_to_2000");
        awaitReplication(config);
    }

    /** Four tables of 300 rows on the writer, named for the divergence each will get. */
    static void seedDivergenceTables(RingmasterConfig config, String db) throws Exception {
        List<String> sql = new ArrayList<>();
        sql.add("CREATE DATABASE " + db);
        for (String t : List.of("changed", "missing", "extra", "nulls")) {
            sql.add("CREATE TABLE " + db + "." + t + " (id INT PRIMARY KEY, v VARCHAR(20) NULL)");
            sql.add("INSERT INTO " + db + "." + t + " SELECT seq, IF(seq % 2, CONCAT('v', seq), '') FROM"
                    + " seq_1_to_300");
        }
        exec(config, "db1", sql.toArray(String[]::new));
        awaitReplication(config);
    }

    /** On {@code host}, binlog off: a changed row, a missing row, an extra row, NULL instead of '' (id even). */
    static void injectDivergences(RingmasterConfig config, String db, String host, int id) throws Exception {
        exec(config, host, "SET SESSION sql_log_bin = 0",
                "UPDATE " + db + ".changed SET v = 'changed' WHERE id = " + id,
                "DELETE FROM " + db + ".missing WHERE id = " + id,
                "INSERT INTO " + db + ".extra VALUES (" + (1000 + id) + ", 'extra')",
                "UPDATE " + db + ".nulls SET v = NULL WHERE id = " + (id + 1));
    }

    static void exec(RingmasterConfig config, String host, String... statements) throws Exception {
        HostConfig h = config.host(host);
        try (Connection c = Connections.open(h.address(), h.port(), config.monitorUser(), Duration.ofSeconds(30));
             Statement st = c.createStatement()) {
            st.execute("USE mysql");
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Waits until every host applied the writer's whole binary log. */
    static void awaitReplication(RingmasterConfig config) throws Exception {
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                Duration.ofSeconds(5));
        var pos = sql.binlogPosition(config.host("db1"));
        for (HostConfig h : config.hosts()) {
            assertThat(sql.waitForGtid(h, pos, Duration.ofSeconds(30), "test")).as(h.name()).isTrue();
        }
    }

    static JsonNode json(String out) throws Exception {
        int start = out.startsWith("{") ? 0 : out.indexOf("\n{") + 1;
        return new ObjectMapper().readTree(out.substring(start));
    }
}
