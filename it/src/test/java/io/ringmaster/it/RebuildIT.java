package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.ReplicaLink;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringmaster rebuild} on real servers with real agent processes and the monitor in this JVM: 2 masters (db1
 * writer, db2 passive) with a replica each (db3 of db1, db4 of db2).
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class RebuildIT {
    static final int BASE_PORT = 31400;
    @TempDir
    static Path dir;
    static CloneKit kit;

    @BeforeAll
    static void up() throws Exception {
        kit = CloneKit.up(dir, BASE_PORT);
        kit.seed("app", 5_000);
        kit.cluster.startMonitor();
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

    HostConfig host(String name) {
        return kit.cluster.host(name);
    }

    void awaitReplicating(String name) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> kit.cluster.sql.replicaLink(host(name))
                .map(ReplicaLink::threadsRunning).orElse(false));
    }

    @Test
    void a_shouldRebuildADivergedReplicaUntilItsChecksumIsCleanAndItIsOnline() throws Exception {
        kit.cluster.sql.exec(host("db4"), "SET SESSION sql_log_bin=0",
                "UPDATE app.t SET v = 'diverged' WHERE id % 100 = 0", "DELETE FROM app.t WHERE id = 7");
        Cli before = Cli.run("checksum", "--config", cfg(), "--databases", "app", "--hosts", "db4");
        assertThat(before.exit()).as("the divergence is there: " + before.out()).isNotZero();
        try (CloneKit.WriteLoad load = kit.new WriteLoad("app")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.commits.get() > 20);
            long t0 = System.nanoTime();
            Cli r = Cli.run("rebuild", "db4", "--config", cfg());
            System.out.printf("RebuildIT: rebuild of db4 (diverged replica) in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            // db3 when its lag is known and small, else the passive master db2; never the writer
            assertThat(r.out() + r.err()).containsAnyOf("rebuild db4: donor db3 (ONLINE replica",
                    "rebuild db4: donor db2 (ONLINE passive master");
            assertThat(r.out()).contains("rebuild of db4 from db").contains("checksum clean");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.cluster.monitor.state().host("db4").state()
                == HostState.ONLINE);
        awaitReplicating("db4");
        Cli after = Cli.run("checksum", "--config", cfg(), "--databases", "app", "--hosts", "db4");
        assertThat(after.exit()).as(after.out() + after.err()).isZero();
    }

    @Test
    void b_shouldRebuildAnOldMasterWithErrantTransactionsSoThatItRejoinsWithNone() throws Exception {
        // db2 is cut off from the writer (db1 stops reading from it) and takes writes of its own: GTIDs in its domain
        // that the writer does not have, as an old master that wrote after it lost its peer; its replica db4 has
        // them too
        kit.cluster.sql.exec(host("db1"), "STOP SLAVE");
        kit.cluster.sql.exec(host("db2"), "CREATE DATABASE errant_db2",
                "CREATE TABLE errant_db2.x (i INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO errant_db2.x VALUES (1)");
        await().atMost(Duration.ofSeconds(30)).until(() -> Cli.run("errant", "db2", "--config", cfg()).out()
                .contains("errant transaction"));
        long t0 = System.nanoTime();
        Cli r = Cli.run("rebuild", "db2", "--config", cfg(), "--max-lag", "30");
        System.out.printf("RebuildIT: rebuild of db2 (old master with errant GTIDs) in %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out() + r.err()).contains("rebuild db2: donor db3 (ONLINE replica")
                .contains("db1: STOP SLAVE; SET GLOBAL gtid_slave_pos");
        awaitReplicating("db2");
        awaitReplicating("db1");
        Cli errant = Cli.run("errant", "db2", "--config", cfg());
        assertThat(errant.out()).as(errant.out() + errant.err()).contains("no errant transactions");
        assertThat(kit.cluster.sql.queryString(host("db2"), "SELECT COUNT(*) FROM information_schema.schemata "
                + "WHERE schema_name = 'errant_db2'")).isEqualTo("0");
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.cluster.monitor.state().host("db2").state()
                == HostState.ONLINE);
        // the ring works through the rebuilt master: a write on it reaches the writer
        kit.cluster.sql.exec(host("db2"), "SET SESSION sql_log_bin=1", "CREATE DATABASE IF NOT EXISTS via_db2");
        await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(kit.cluster.sql.queryString(host("db1"),
                "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'via_db2'")));
        // its replica inherited the errant transactions: rebuilt too, it rejoins with none
        Cli db4 = Cli.run("rebuild", "db4", "--config", cfg(), "--max-lag", "30");
        assertThat(db4.exit()).as(db4.out() + db4.err()).isZero();
        assertThat(Cli.run("errant", "db4", "--config", cfg()).out()).contains("no errant transactions");
        Cli sum = Cli.run("checksum", "--config", cfg(), "--databases", "app");
        assertThat(sum.exit()).as(sum.out() + sum.err()).isZero();
    }

    @Test
    void c_shouldKeepTheHostOfflineWhenTheCopyIsNotClean() throws Exception {
        // the operator picks a donor that diverged itself: the copy carries the difference, the checksum sees it
        kit.cluster.sql.exec(host("db3"), "SET SESSION sql_log_bin=0", "UPDATE app.t SET v = 'db3-only' WHERE id = 11");
        Cli r = Cli.run("rebuild", "db4", "--from", "db3", "--config", cfg());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("rebuild of db4: checksum against db1 is not clean")
                .contains("db4 stays offline (out of every role)");
        assertThat(kit.cluster.monitor.state().host("db4").state()).isEqualTo(HostState.ADMIN_OFFLINE);
        assertThat(kit.cluster.monitor.state().rolesOf("db4")).isEmpty();
        // rebuilt from the passive master, both come back clean
        Cli db3 = Cli.run("rebuild", "db3", "--from", "db2", "--config", cfg());
        assertThat(db3.exit()).as(db3.out() + db3.err()).isZero();
        Cli db4 = Cli.run("rebuild", "db4", "--config", cfg());
        assertThat(db4.exit()).as(db4.out() + db4.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> kit.cluster.monitor.state().host("db4").state()
                == HostState.ONLINE);
    }
}
