package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringmaster clone} on real servers with real agent processes: 2 masters (db1 writer, db2) with a replica
 * each (db3 of db1, db4 of db2), mariadb-backup 10.11 matching the servers. One sandbox for the class; every test
 * leaves db4 replicating with its data equal to the writer's (each one checks that first).
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class CloneIT {
    static final int BASE_PORT = 31200;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static CloneKit kit;

    @BeforeAll
    static void up() throws Exception {
        kit = CloneKit.up(dir, BASE_PORT);
        kit.seed("app", 20_000);
    }

    @AfterAll
    static void down() {
        if (kit != null) {
            kit.close();
        }
    }

    String cfg() {
        return kit.configFile().toString();
    }

    /** A row only db4 has (binary log off): it survives exactly as long as db4's old data does. */
    void markOldData(String tag) throws Exception {
        kit.cluster.sql.exec(kit.cluster.host("db4"), "SET SESSION sql_log_bin=0",
                "CREATE DATABASE IF NOT EXISTS only_db4", "CREATE TABLE IF NOT EXISTS only_db4.m (tag VARCHAR(64))",
                "INSERT INTO only_db4.m VALUES ('" + tag + "')");
    }

    boolean hasMark(String tag) throws Exception {
        return "1".equals(kit.cluster.sql.queryString(kit.cluster.host("db4"),
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='only_db4' AND table_name='m'"))
                && "1".equals(kit.cluster.sql.queryString(kit.cluster.host("db4"),
                "SELECT COUNT(*) FROM only_db4.m WHERE tag='" + tag + "'"));
    }

    void assertReplicatingAndCaughtUp(String host) throws Exception {
        var sql = kit.cluster.sql;
        // a server just started connects within a few seconds
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> sql.replicaLink(kit.cluster.host(host))
                .map(ReplicaLink::threadsRunning).orElse(false));
        ReplicaLink link = sql.replicaLink(kit.cluster.host(host)).orElseThrow();
        assertThat(link.ioRunning()).as("Slave_IO_Running on " + host).isTrue();
        assertThat(link.sqlRunning()).as("Slave_SQL_Running on " + host).isTrue();
        GtidPosition writer = sql.binlogPosition(kit.cluster.host("db1"));
        assertThat(sql.waitForGtid(kit.cluster.host(host), writer, Duration.ofSeconds(60), "test: caught up"))
                .as(host + " reaches the writer's " + writer).isTrue();
    }

    List<Path> leftovers(String host) throws Exception {
        Path data = kit.cluster.sandbox.server(host).layout().dataDir();
        try (Stream<Path> s = Files.list(data.getParent())) {
            return s.filter(p -> p.getFileName().toString().contains(".ringmaster-")).toList();
        }
    }

    @Test
    void a_shouldCloneAReplicaFromALiveReplicaUnderWriteLoad() throws Exception {
        markOldData("before-clone");
        Cli r;
        long t0 = System.nanoTime();
        try (CloneKit.WriteLoad load = kit.new WriteLoad("app")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.commits.get() > 20);
            r = Cli.run("clone", "--from", "db3", "--to", "db4", "--config", cfg(), "--json");
            long during = load.commits.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.commits.get() > during + 20);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode job = JSON.readTree(r.out().substring(r.out().indexOf("{\n")));
        System.out.printf("CloneIT: clone of db4 from db3: %.1f MB in %.1f s, %.1f MB/s (job), command %.1f s,"
                        + " phases (ms) %s%n", job.path("bytes").asLong() / 1e6,
                job.path("elapsed_ms").asLong() / 1000.0, job.path("mb_per_s").asDouble(), secs,
                job.path("phase_ms"));
        assertThat(job.path("state").asText()).isEqualTo("done");
        assertThat(job.path("copy").asText()).isEqualTo("physical");
        assertThat(job.path("gtid").asText()).matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
        assertThat(hasMark("before-clone")).as("db4's own row is gone with its old data").isFalse();
        assertReplicatingAndCaughtUp("db4");
        Cli sum = Cli.run("checksum", "--config", cfg(), "--databases", "app", "--hosts", "db4");
        assertThat(sum.exit()).as(sum.out() + sum.err()).isZero();
        // the job reports done once the server runs on the copy and replicates; the old data directory is deleted
        // after that
        assertThat(job.path("old_data").asText()).isIn("deleting", "deleted");
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(kit.get("db4", "status").body())
                .path("clone").path("busy").asText().isEmpty());
        assertThat(JSON.readTree(kit.get("db4", "clone/job").body()).path("old_data").asText()).isEqualTo("deleted");
        assertThat(leftovers("db4")).as("no old data dir, copy or marker left").isEmpty();
        JsonNode donorStatus = JSON.readTree(kit.get("db3", "status").body());
        assertThat(donorStatus.path("clone").path("busy").asText()).isEmpty();
        assertReplicatingAndCaughtUp("db3");
    }

    @Test
    void b_shouldRefuseOntoTheWriterOntoABusyHostAndFromABusyDonor() throws Exception {
        var noToken = kit.get("db3", "clone/stream?id=t1");
        assertThat(noToken.statusCode()).as("a copy of the data needs the token").isEqualTo(401);
        Cli writer = Cli.run("clone", "--from", "db3", "--to", "db1", "--config", cfg());
        assertThat(writer.exit()).isEqualTo(1);
        assertThat(writer.err()).contains("refused: db1 is writable (read_only=OFF)");
        // a slow clone holds db4 and its donor db3
        var started = kit.post("db4", "clone/start", "{\"from\": \"db3\", \"max_rate\": 1, \"reason\": \"test\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(kit.get("db4", "clone/job").body())
                    .path("bytes").asLong() > 0);
            Cli busy = Cli.run("clone", "--from", "db3", "--to", "db4", "--config", cfg());
            assertThat(busy.exit()).isEqualTo(1);
            assertThat(busy.err()).contains("refused: the agent of db4 is busy (clone from db3)");
            Cli donorBusy = Cli.run("clone", "--from", "db3", "--to", "db2", "--config", cfg());
            assertThat(donorBusy.exit()).isEqualTo(1);
            assertThat(donorBusy.err()).contains("refused: the agent of db2 is busy (its donor db3 is streaming");
        } finally {
            // end the slow clone: kill db4's agent mid-stream, then start it again (tested in c_)
            kit.killAgent("db4");
            kit.startAgent("db4");
        }
        assertReplicatingAndCaughtUp("db4");
    }

    @Test
    void c_shouldKeepTheOldDataWhenTheTargetAgentIsKilledMidStream() throws Exception {
        markOldData("kill-mid-stream");
        var started = kit.post("db4", "clone/start", "{\"from\": \"db3\", \"max_rate\": 2, \"reason\": \"test\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(kit.get("db4", "clone/job").body())
                .path("bytes").asLong() > 4_000_000);
        JsonNode running = JSON.readTree(kit.get("db4", "clone/job").body());
        assertThat(running.path("phase").asText()).isEqualTo("streaming");
        assertThat(running.path("mb_per_s").asDouble()).as("--max-rate 2 holds the stream at 2 MB/s")
                .isBetween(0.5, 2.3);
        assertThat(running.path("eta_s").asLong()).as("ETA from the donor's data size").isPositive();
        kit.killAgent("db4");
        // the server was never stopped: it runs on its old data; the half copy and the marker are left
        assertThat(kit.cluster.sandbox.server("db4").isRunning()).isTrue();
        assertThat(hasMark("kill-mid-stream")).isTrue();
        assertThat(leftovers("db4")).isNotEmpty();
        // the donor notices the reader went away, kills mariadb-backup and is free again
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(kit.get("db3", "status").body())
                .path("clone").path("busy").asText().isEmpty());
        kit.startAgent("db4");
        assertThat(leftovers("db4")).as("the next agent removed the half copy and the marker").isEmpty();
        assertThat(hasMark("kill-mid-stream")).isTrue();
        assertReplicatingAndCaughtUp("db4");
        assertReplicatingAndCaughtUp("db3");
    }

    @Test
    void d_shouldPutTheOldDataBackWhenTheTargetAgentIsKilledDuringTheSwap() throws Exception {
        markOldData("kill-mid-swap");
        var started = kit.post("db4", "clone/start", "{\"from\": \"db3\", \"reason\": \"test\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
            String phase = JSON.readTree(kit.get("db4", "clone/job").body()).path("phase").asText();
            return phase.equals("swapping") || phase.equals("replicating") || phase.equals("done");
        });
        kit.killAgent("db4");
        Path marker = kit.cluster.sandbox.server("db4").layout().dataDir().resolveSibling(
                "data.ringmaster-clone.json");
        System.out.println("CloneIT: agent killed in the swap; marker left: " + Files.exists(marker)
                + ", server running: " + kit.cluster.sandbox.server("db4").isRunning());
        kit.startAgent("db4");
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.cluster.sandbox.server("db4").isRunning());
        assertThat(leftovers("db4")).as("marker, copy and old directory are gone").isEmpty();
        assertThat(hasMark("kill-mid-swap")).as("db4 runs on its old data again").isTrue();
        // its replication is as it was before the clone (the old data's own settings)
        assertReplicatingAndCaughtUp("db4");
    }

    @Test
    void e_shouldRefuseATargetWithoutRoomOnARealSmallFileSystem() throws Exception {
        SmallFileSystem fs = SmallFileSystem.under(kit, "db4");
        try {
            Cli r = Cli.run("clone", "--from", "db3", "--to", "db4", "--config", cfg());
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.err()).contains("refused: db4 has").contains("free beside its data directory")
                    .contains("needs");
            assertThat(leftovers("db4")).isEmpty();
        } finally {
            fs.close();
        }
        assertReplicatingAndCaughtUp("db4");
    }

    @Test
    void f_shouldCloneLogicallyWithMariadbDumpWhenAsked() throws Exception {
        Cli r = Cli.run("clone", "--from", "db3", "--to", "db4", "--logical", "--config", cfg(), "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode job = JSON.readTree(r.out().substring(r.out().indexOf("{\n")));
        System.out.printf("CloneIT: logical clone of db4 from db3: %.1f MB in %.1f s%n",
                job.path("bytes").asLong() / 1e6, job.path("elapsed_ms").asLong() / 1000.0);
        assertThat(job.path("copy").asText()).isEqualTo("logical");
        assertThat(job.path("note").asText()).contains("logical copy (--logical)");
        assertThat(job.path("gtid").asText()).matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
        assertReplicatingAndCaughtUp("db4");
        Cli sum = Cli.run("checksum", "--config", cfg(), "--databases", "app", "--hosts", "db4");
        assertThat(sum.exit()).as(sum.out() + sum.err()).isZero();
    }
}
