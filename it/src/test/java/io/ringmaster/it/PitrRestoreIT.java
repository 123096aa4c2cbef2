package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.tools.archive.ArchiveIndex;
import io.ringmaster.tools.archive.ArchiveRetention;
import io.ringmaster.tools.archive.ArchivedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time recovery through {@code ringmaster restore ID --to HOST --until-gtid G}, on real servers with real
 * agents: a backup, writes archived by the monitor, then the backup restored onto a replica and the archive replayed
 * up to G: its table equals the writer's at G; a G the archive does not have is refused before anything changes.
 * Then the archive's retention: deleting the first backup removes the archived files the second one does not need.
 */
class PitrRestoreIT {
    private static final String SUM = "SELECT CONCAT(COUNT(*), '/', COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', id, v))), 0))"
            + " FROM app.p";

    @Test
    void shouldRestoreABackupAndReplayTheArchiveToAGtid(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        try (CloneKit kit = CloneKit.up(dir, 21300)) {
            kit.seed("app", 500);
            kit.cluster.editConfig(y -> y + "backup:\n  repository: " + repo + "\n");
            kit.cluster.startMonitor();
            String cfg = kit.configFile().toString();
            HostConfig db1 = kit.cluster.host("db1");
            kit.cluster.sql.exec(db1, "CREATE TABLE app.p (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
            JsonNode backup = json(Cli.run("backup", "--config", cfg, "--json"));
            for (int i = 1; i <= 120; i++) {
                kit.cluster.sql.exec(db1, "INSERT INTO app.p VALUES (" + i + ", " + (i * 13 % 997) + ")");
            }
            String atG = kit.cluster.sql.queryString(db1, SUM);
            GtidPosition.Gtid g = kit.cluster.sql.binlogPosition(db1).gtids().stream().filter(x -> x.domain() == 1)
                    .findFirst().orElseThrow();
            for (int i = 121; i <= 200; i++) {
                kit.cluster.sql.exec(db1, "INSERT INTO app.p VALUES (" + i + ", " + (i * 13 % 997) + ")");
            }
            ArchiveIndex archive = new ArchiveIndex(repo);
            GtidPosition end = kit.cluster.sql.binlogPosition(db1);
            await().atMost(Duration.ofSeconds(20)).until(() -> archive.chain().end().contains(end));

            Cli refused = Cli.run("restore", backup.path("id").asText(), "--to", "db4", "--until-gtid",
                    "1-1-" + (end.seq(1) + 100_000), "--config", cfg);
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("not in the archive").contains("covered: domain").contains("nothing was "
                    + "changed");
            assertThat(kit.cluster.sql.replicaLink(kit.cluster.host("db4"))).as("db4 untouched").isPresent();

            Cli r = Cli.run("restore", backup.path("id").asText(), "--to", "db4", "--until-gtid", g.toString(),
                    "--config", cfg);
            assertThat(r.exit()).as(r.err()).isZero();
            HostConfig db4 = kit.cluster.host("db4");
            assertThat(kit.cluster.sql.queryString(db4, SUM)).as("db4 = the writer at G").isEqualTo(atG);
            assertThat(kit.cluster.sql.binlogPosition(db4).seq(1)).isEqualTo(g.seq());
            assertThat(kit.cluster.sql.queryString(db4, "SELECT @@global.read_only")).isEqualTo("1");

            // ---- the archive follows the backups' retention: once the first backup is deleted, the files every
            // remaining backup is past go; what is left still takes the remaining backup to the writer's position
            for (int i = 201; i <= 260; i++) {
                kit.cluster.sql.exec(db1, "INSERT INTO app.p VALUES (" + i + ", " + (i * 13 % 997) + ")");
                if (i % 20 == 0) {
                    kit.cluster.sql.exec(db1, "FLUSH BINARY LOGS");
                }
            }
            JsonNode second = json(Cli.run("backup", "--config", cfg, "--json"));
            GtidPosition secondAt = GtidPosition.parse(second.path("gtid_position").asText());
            kit.cluster.sql.exec(db1, "INSERT INTO app.p VALUES (261, 0)");
            GtidPosition end2 = kit.cluster.sql.binlogPosition(db1);
            await().atMost(Duration.ofSeconds(20)).until(() -> archive.chain().end().contains(end2));
            int filesBefore = archive.load().size();
            assertThat(ArchiveRetention.prunable(archive.load(), List.of(GtidPosition.parse(
                    backup.path("gtid_position").asText()), secondAt))).as("the first backup keeps them").isEmpty();
            Cli del = Cli.run("backup", "delete", backup.path("id").asText(), "--config", cfg);
            assertThat(del.exit()).as(del.err()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.load().size() < filesBefore
                    && ArchiveRetention.prunable(archive.load(), List.of(secondAt)).isEmpty());
            List<ArchivedFile> left = archive.load();
            System.out.printf("PitrRestoreIT: archive retention kept %d of %d files%n", left.size(), filesBefore);
            assertThat(left).allSatisfy(f -> assertThat(archive.dir().resolve(f.file())).exists());
            assertThat(archive.chain().gaps()).isEmpty();
            assertThat(archive.chain().plan(secondAt, end2)).isNotEmpty();
            try (var listed = Files.list(archive.dir())) {
                assertThat(listed.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".binlog")).toList())
                        .as("no file outside the index").allSatisfy(n -> assertThat(left).anySatisfy(f ->
                                assertThat(f.file()).isEqualTo(n)));
            }
        }
    }

    private static JsonNode json(Cli r) throws Exception {
        assertThat(r.exit()).as("exit of the CLI; stderr: " + r.err()).isZero();
        String out = r.out();
        int at = out.startsWith("{") ? 0 : out.indexOf("\n{");
        return new ObjectMapper().readTree(at < 0 ? out : out.substring(at).strip());
    }
}
