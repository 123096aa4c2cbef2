package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.gtid.GtidPosition;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringmaster backup / backups / restore / backup verify / backup delete} on real servers with real agent
 * processes: 2 masters (db1 writer, db2), a replica each (db3 of db1, db4 of db2). A full and an incremental
 * backup under write load, a second incremental once the load stopped; the chain restored onto db4 gives exactly
 * the writer's table at the backup's GTID; verify proves the full backup and catches a corrupted one; the
 * refusals change nothing; the monitor's schedule takes and verifies a backup by itself. The tests run in order on
 * one sandbox.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BackupIT {
    static final int BASE_PORT = 20100;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static CloneKit kit;
    static Path repo;
    static JsonNode full;
    static JsonNode incr1;
    static JsonNode incr2;

    @BeforeAll
    static void up() throws Exception {
        kit = CloneKit.up(dir, BASE_PORT);
        kit.seed("app", 5_000);
        repo = dir.resolve("repo");
        kit.cluster.editConfig(y -> y + "backup:\n  repository: " + repo + "\n");
    }

    @AfterAll
    static void down() {
        if (kit != null) {
            kit.close();
        }
    }

    static String cfg() {
        return kit.configFile().toString();
    }

    static JsonNode json(Cli r) throws Exception {
        assertThat(r.exit()).as("exit of the CLI; stderr: " + r.err()).isZero();
        // the test's logback writes log lines to stdout too: the JSON starts at the first line opening it
        String out = r.out();
        int at = out.startsWith("{") || out.startsWith("[") ? 0
                : Math.min(out.indexOf("\n{") < 0 ? Integer.MAX_VALUE : out.indexOf("\n{"),
                out.indexOf("\n[") < 0 ? Integer.MAX_VALUE : out.indexOf("\n["));
        return JSON.readTree(at == Integer.MAX_VALUE ? out : out.substring(at).strip());
    }

    String q(String host, String sql) throws Exception {
        return kit.cluster.sql.queryString(kit.cluster.host(host), sql);
    }

    @Test
    void a_fullAndIncrementalUnderWriteLoad() throws Exception {
        try (CloneKit.WriteLoad load = kit.new WriteLoad("app")) {
            Thread.sleep(500);
            full = json(Cli.run("backup", "--config", cfg(), "--json"));
            Thread.sleep(500);
            incr1 = json(Cli.run("backup", "--config", cfg(), "--incremental", "--json"));
            assertThat(load.commits.get()).as("commits during the backups").isGreaterThan(20);
        }
        assertThat(full.path("kind").asText()).isEqualTo("full");
        assertThat(full.path("host").asText()).as("a replica by default, never the writer").isEqualTo("db3");
        assertThat(full.path("gtid_position").asText()).matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
        assertThat(full.path("to_lsn").asLong()).isPositive();
        assertThat(full.path("files").get(0).path("sha256").asText()).hasSize(64);
        assertThat(incr1.path("kind").asText()).isEqualTo("incremental");
        assertThat(incr1.path("parent").asText()).isEqualTo(full.path("id").asText());
        assertThat(incr1.path("from_lsn").asLong()).as("built on the full backup's to_lsn")
                .isEqualTo(full.path("to_lsn").asLong());
        assertThat(incr1.path("stream_bytes").asLong()).as("an incremental copies less")
                .isLessThan(full.path("stream_bytes").asLong());
        assertThat(Files.list(repo.resolve("backups")).filter(p -> p.getFileName().toString().startsWith("."))
                .count()).as("no partial folder left").isZero();
    }

    @Test
    void b_restoreOntoAReplicaEqualsTheWriterAtTheBackupsGtid() throws Exception {
        var writer = kit.cluster.host("db1");
        // quiet writer: the second incremental's position is the writer's, so the writer's table now is the table
        // at the backup's GTID
        GtidPosition pos = kit.cluster.sql.binlogPosition(writer);
        assertThat(kit.cluster.sql.waitForGtid(kit.cluster.host("db3"), pos, Duration.ofSeconds(60), "test"))
                .isTrue();
        incr2 = json(Cli.run("backup", "--config", cfg(), "--incremental", "--json"));
        assertThat(incr2.path("parent").asText()).isEqualTo(incr1.path("id").asText());
        String writerSum = checksum("db1");
        String rows = q("db1", "SELECT COUNT(*) FROM app.t");

        JsonNode listed = json(Cli.run("backups", "--config", cfg(), "--json"));
        assertThat(listed.size()).isEqualTo(3);

        JsonNode r = json(Cli.run("restore", incr2.path("id").asText(), "--to", "db4", "--config", cfg(),
                "--json"));
        assertThat(r.path("chain").size()).as("full + 2 incrementals").isEqualTo(3);
        assertThat(r.path("gtid").asText()).isEqualTo(incr2.path("gtid_position").asText());
        assertThat(Files.isDirectory(Path.of(r.path("old_dir").asText()))).as("old data kept aside").isTrue();
        assertThat(checksum("db4")).as("CHECKSUM TABLE app.t on db4 = on the writer").isEqualTo(writerSum);
        assertThat(q("db4", "SELECT COUNT(*) FROM app.t")).isEqualTo(rows);
        assertThat(q("db4", "SELECT @@global.read_only")).as("standalone read_only").isEqualTo("1");
        assertThat(kit.cluster.sql.replicaLink(kit.cluster.host("db4"))).as("no replication").isEmpty();
        assertThat(q("db4", "SELECT @@global.gtid_binlog_pos")).isEqualTo(incr2.path("gtid_position").asText());
    }

    private String checksum(String host) throws Exception {
        try (var c = kit.cluster.sql.open(kit.cluster.host(host)); var st = c.createStatement();
             var rs = st.executeQuery("CHECKSUM TABLE app.t EXTENDED")) {
            rs.next();
            return rs.getString(2);
        }
    }

    @Test
    void c_refusalsChangeNothing() throws Exception {
        String before = q("db1", "SELECT @@global.gtid_binlog_pos");
        Cli w = Cli.run("restore", full.path("id").asText(), "--to", "db1", "--config", cfg());
        assertThat(w.exit()).isEqualTo(1);
        assertThat(w.err()).contains("db1").contains("writ");
        Cli u = Cli.run("restore", "no-such-backup", "--to", "db4", "--config", cfg());
        assertThat(u.exit()).isEqualTo(3);
        assertThat(u.err().strip().lines().count()).as("one line: " + u.err()).isEqualTo(1);
        Cli d = Cli.run("backup", "delete", full.path("id").asText(), "--config", cfg());
        assertThat(d.exit()).isEqualTo(1);
        assertThat(d.err()).contains("parent of " + incr1.path("id").asText());
        assertThat(Files.isDirectory(repo.resolve("backups").resolve(full.path("id").asText()))).isTrue();
        assertThat(q("db1", "SELECT @@global.gtid_binlog_pos")).isEqualTo(before);
    }

    @Test
    void d_verifyProvesTheFullBackup() throws Exception {
        Cli v = Cli.run("backup", "verify", full.path("id").asText(), "--port", Integer.toString(BASE_PORT + 90),
                "--work-dir", dir.resolve("verify-1").toString(), "--config", cfg(), "--json");
        JsonNode m = json(v);
        assertThat(m.path("verification").path("status").asText()).as(v.err()).isEqualTo("ok");
        assertThat(m.path("verification").path("at").asText()).isNotEmpty();
        assertThat(m.path("verification").path("message").asText()).as("compared chunk by chunk")
                .containsPattern("[1-9]\\d* table\\(s\\), [1-9]\\d* chunk\\(s\\) equal to the writer db1");
        System.out.println("verify: " + m.path("verification").path("message").asText());
        assertThat(Files.exists(dir.resolve("verify-1"))).as("throwaway removed").isFalse();
    }

    @Test
    void e_verifyAndRestoreCatchACorruptedFile() throws Exception {
        String id = incr2.path("id").asText();
        Path f = repo.resolve("backups").resolve(id).resolve("backup.mbstream.zst");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5a);
        }
        String db4Before = q("db4", "SELECT @@global.gtid_binlog_pos");
        Cli r = Cli.run("restore", id, "--to", "db4", "--config", cfg());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("SHA-256").contains("nothing was changed");
        assertThat(q("db4", "SELECT @@global.gtid_binlog_pos")).isEqualTo(db4Before);
        Cli v = Cli.run("backup", "verify", id, "--port", Integer.toString(BASE_PORT + 91), "--config", cfg());
        assertThat(v.exit()).isEqualTo(1);
        JsonNode listed = json(Cli.run("backups", "--config", cfg(), "--json"));
        JsonNode m = null;
        for (JsonNode n : listed) {
            if (n.path("id").asText().equals(id)) {
                m = n;
            }
        }
        assertThat(m).isNotNull();
        assertThat(m.path("verification").path("status").asText()).isEqualTo("failed");
        assertThat(m.path("verification").path("message").asText()).contains("SHA-256");
    }

    /**
     * A backup whose files are intact (SHA-256, page checksums) but whose data is not the writer's: taken from a
     * replica that drifted silently (a row changed there with the binary log off). Only the comparison with the
     * writer can see it.
     */
    @Test
    void f_verifyCatchesDataThatDiffersFromTheWriter() throws Exception {
        var db3 = kit.cluster.host("db3");
        String original = q("db3", "SELECT v FROM app.t WHERE id = 7");
        kit.cluster.sql.exec(db3, "SET SESSION sql_log_bin = 0",
                "SET GLOBAL read_only = OFF", "UPDATE app.t SET v = 'drifted' WHERE id = 7",
                "SET GLOBAL read_only = ON");
        try {
            JsonNode drifted = json(Cli.run("backup", "--host", "db3", "--config", cfg(), "--json"));
            Cli v = Cli.run("backup", "verify", drifted.path("id").asText(), "--port",
                    Integer.toString(BASE_PORT + 92), "--config", cfg());
            assertThat(v.exit()).as(v.out() + v.err()).isEqualTo(1);
            assertThat(v.out()).contains("failed").contains("differing chunk");
        } finally {
            kit.cluster.sql.exec(db3, "SET SESSION sql_log_bin = 0", "SET GLOBAL read_only = OFF",
                    "UPDATE app.t SET v = '" + original + "' WHERE id = 7", "SET GLOBAL read_only = ON");
        }
    }

    @Test
    void g_logicalBackupHasTheDumpsGtidPosition() throws Exception {
        GtidPosition pos = kit.cluster.sql.binlogPosition(kit.cluster.host("db1"));
        assertThat(kit.cluster.sql.waitForGtid(kit.cluster.host("db3"), pos, Duration.ofSeconds(60), "test"))
                .isTrue();
        JsonNode m = json(Cli.run("backup", "--logical", "--config", cfg(), "--json"));
        assertThat(m.path("kind").asText()).isEqualTo("logical");
        assertThat(m.path("host").asText()).isEqualTo("db3");
        assertThat(GtidPosition.parse(m.path("gtid_position").asText()).contains(pos))
                .as("the dump's position " + m.path("gtid_position").asText() + " holds the quiet writer's " + pos)
                .isTrue();
        Path dump = repo.resolve("backups").resolve(m.path("id").asText()).resolve("dump.sql.zst");
        assertThat(Files.size(dump)).isEqualTo(m.path("stored_bytes").asLong());
        Cli r = Cli.run("restore", m.path("id").asText(), "--to", "db4", "--config", cfg());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("logical backup");
    }

    @Test
    void h_restoreWithRejoinReplicatesFromTheConfiguredSource() throws Exception {
        JsonNode r = json(Cli.run("restore", incr1.path("id").asText(), "--to", "db4", "--rejoin", "--config", cfg(),
                "--json"));
        assertThat(r.path("rejoined").asBoolean()).isTrue();
        var link = kit.cluster.sql.replicaLink(kit.cluster.host("db4")).orElseThrow();
        assertThat(link.readsFrom("127.0.0.1", kit.cluster.host("db2").port())).as("db4 replicates from db2").isTrue();
        GtidPosition writer = kit.cluster.sql.binlogPosition(kit.cluster.host("db1"));
        assertThat(kit.cluster.sql.waitForGtid(kit.cluster.host("db4"), writer, Duration.ofSeconds(60), "test"))
                .as("db4 catches up from the backup's position").isTrue();
        assertThat(checksum("db4")).isEqualTo(checksum("db1"));
    }

    @Test
    void i_theMonitorsScheduleTakesAndVerifiesABackup() throws Exception {
        Path scheduled = dir.resolve("scheduled-repo");
        String plain = "backup:\n  repository: " + repo + "\n";
        String withSchedule = "backup:\n  repository: " + scheduled + "\n  schedule: { full: 1m, verify: 1m }\n";
        kit.cluster.editConfig(y -> y.replace(plain, withSchedule));
        try {
            kit.cluster.startMonitor();
            // the first look comes once the monitor is ready (a full backup: none yet), the verify one look later
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> verified(scheduled).isPresent());
            JsonNode m = verified(scheduled).orElseThrow();
            assertThat(m.path("kind").asText()).isEqualTo("full");
            assertThat(m.path("host").asText()).as("never the writer").isNotEqualTo(kit.cluster.writer().orElseThrow());
            assertThat(kit.cluster.monitor.currentFindings()).as("no backup problem")
                    .noneMatch(f -> f instanceof Finding.BackupProblem);
        } finally {
            kit.cluster.stopMonitor();
            kit.cluster.editConfig(y -> y.replace(withSchedule, plain));
        }
    }

    /** The first backup in {@code repository} whose manifest says it was verified ok. */
    static Optional<JsonNode> verified(Path repository) throws Exception {
        Path backups = repository.resolve("backups");
        if (!Files.isDirectory(backups)) {
            return Optional.empty();
        }
        try (Stream<Path> ids = Files.list(backups)) {
            for (Path id : ids.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                Path manifest = id.resolve("manifest.json");
                if (Files.exists(manifest)) {
                    JsonNode m = JSON.readTree(manifest.toFile());
                    if ("ok".equals(m.path("verification").path("status").asText())) {
                        return Optional.of(m);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
