package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.ReplicaLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MMM-exact control behaviour through the real CLI, on real servers: mode refusals, "Skipping command." answers,
 * one exit code for an unknown host in every verb, {@code show --mmm}, {@code ping}, {@code config check}, set-offline
 * of the writer, and {@code move-role --force} onto a host whose replication is stopped.
 */
class ControlIT {

    @Test
    void shouldBehaveAsMmmControl(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 29500, 1).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();

            Cli ping = Cli.run("ping", "--config", cfg);
            assertThat(ping.exit()).isZero();
            assertThat(withoutLogs(ping.out())).isEqualTo("OK: Pinged successfully!\n");

            Cli mmm = Cli.run("show", "--mmm", "--config", cfg);
            assertThat(mmm.exit()).isZero();
            assertThat(withoutLogs(mmm.out())).isEqualTo("""
                      db1(127.0.0.1) master/ONLINE. Roles: reader(), writer()
                      db2(127.0.0.1) master/ONLINE. Roles: reader()
                      db3(127.0.0.1) slave/ONLINE. Roles: reader()
                      db4(127.0.0.1) slave/ONLINE. Roles: reader()
                    # Role writer is assigned to it's preferred host db1.
                    """);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.monitor.observations().get("db2").lag().isPresent());
            Cli show = Cli.run("show", "--config", cfg);
            assertThat(show.out()).contains("  db1(127.0.0.1:29501) master/ONLINE. Roles: reader, writer")
                    .contains("# Topology").containsPattern("\ndb1 master/ONLINE  source=db2  lag=[0-9.?s]+  read_only=OFF")
                    .containsPattern("\n  \\+ db2 master/ONLINE  source=db1  lag=[0-9.]+s  read_only=ON  roles=reader")
                    .containsPattern("\n  \\+ db3 replica/ONLINE  source=db1 .* read_only=ON")
                    .containsPattern("\n    \\+ db4 replica/ONLINE  source=db2 .* read_only=ON");

            // MMM's "Skipping command." answers exit 0 and change nothing
            assertOut(Cli.run("set-online", "db2", "--config", cfg), 0, "OK: This host is already ONLINE. Skipping command.");
            assertOut(Cli.run("move-role", "writer", "db1", "--config", cfg), 0,
                    "OK: Role is on 'db1' already. Skipping command.");
            assertOut(Cli.run("set-active", "--config", cfg), 0, "OK: Already in active mode.");
            assertThat(c.monitor.recoveries()).isEmpty();

            // an unknown host: the same exit code in every verb
            for (List<String> verb : List.of(List.of("set-online", "db9"), List.of("set-offline", "db9"),
                    List.of("move-role", "writer", "db9"), List.of("errant", "db9"), List.of("checks", "db9"))) {
                Cli r = run(verb, cfg);
                assertThat(r.exit()).as(verb + ": " + r.err()).isEqualTo(3);
                assertThat(r.err().strip()).as(verb.toString()).doesNotContain("\n").contains("unknown host 'db9'");
            }
            Cli unknownRole = Cli.run("move-role", "boss", "db2", "--config", cfg);
            assertThat(unknownRole.exit()).isEqualTo(3);

            Cli errant = Cli.run("errant", "db1", "--config", cfg);
            assertThat(errant.exit()).isZero();
            assertThat(withoutLogs(errant.out())).startsWith("db1 is the writer");

            // PASSIVE refuses with MMM's line, a non-zero exit, and nothing changes
            assertOut(Cli.run("set-passive", "--config", cfg), 0, "OK: Switched into passive mode.");
            for (List<String> verb : List.of(List.of("move-role", "writer", "db2"),
                    List.of("move-role", "--force", "writer", "db2"), List.of("set-offline", "db2"),
                    List.of("set-offline", "db1"), List.of("set-online", "db3"))) {
                Cli r = run(verb, cfg);
                assertThat(r.exit()).as(verb.toString()).isEqualTo(1);
                assertThat(r.err().strip()).as(verb.toString())
                        .isEqualTo("ringmaster: " + MonitorMode.ONLY_IN_ACTIVE_MODE);
            }
            assertThat(c.writer()).contains("db1");
            assertThat(c.writableHosts()).containsExactly("db1");
            assertThat(c.monitor.recoveries()).isEmpty();
            assertThat(c.monitor.state().hosts().values()).allMatch(h -> h.state() == HostState.ONLINE);
            assertThat(withoutLogs(Cli.run("show", "--mmm", "--config", cfg).out()))
                    .startsWith("# --- Monitor is in PASSIVE MODE ---\n");

            // MANUAL lets the operator act
            assertOut(Cli.run("set-manual", "--config", cfg), 0, "OK: Switched into manual mode.");
            assertThat(Cli.run("set-offline", "db4", "--config", cfg).exit()).isZero();
            assertOut(Cli.run("set-offline", "db4", "--config", cfg), 0,
                    "OK: This host is already ADMIN_OFFLINE. Skipping command.");
            assertThat(Cli.run("set-online", "db4", "--config", cfg).exit()).isZero();
            assertOut(Cli.run("set-active", "--config", cfg), 0, "OK: Switched into active mode.");

            // maintenance: set-offline, restart the server (an upgrade), set-online at once. The monitor takes the
            // server as it is at the command: the restart it had not seen yet is not a restart after set-online
            assertThat(Cli.run("set-offline", "db4", "--config", cfg).exit()).isZero();
            c.sandbox.stop("db4");
            c.sandbox.start("db4");
            assertThat(c.monitor.setOnline("db4")).startsWith("OK: State of 'db4' changed to ONLINE");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    c.monitor.state().host("db4").state() == HostState.ONLINE);

            // set-offline of the writer says it switched over, and to whom
            Cli off = Cli.run("set-offline", "db1", "--config", cfg);
            assertThat(off.exit()).as(off.err()).isZero();
            assertThat(withoutLogs(off.out())).startsWith("OK: State of 'db1' changed to ADMIN_OFFLINE.")
                    .contains("switched over to 'db2'");
            assertThat(c.writer()).contains("db2");
            assertThat(c.writableHosts()).containsExactly("db2");
            Cli recoveries = Cli.run("recoveries", "--config", cfg);
            assertThat(recoveries.out()).containsPattern("\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d S-\\S+ SWITCHOVER db1 -> db2: ")
                    .contains("    trigger: set-offline db1\n");
            assertThat(Cli.run("set-online", "db1", "--config", cfg).exit()).isZero();

            // config check: every host reached with the monitor user, exit 0
            Cli check = Cli.run("config", "check", "--config", cfg);
            assertThat(check.exit()).as(check.err()).isZero();
            assertThat(check.out().lines().filter(l -> l.matches("db\\d +127\\.0\\.0\\.1:\\d+ as root: OK \\(.*\\)")))
                    .hasSize(4);
            assertThat(check.out()).endsWith("test is successful\n");

            // ... and one host that cannot be reached: named, non-zero exit
            Path broken = dir.resolve("broken.yml");
            Files.writeString(broken, Files.readString(c.sandbox.configFile()).replace("port: 29502", "port: 29577"));
            Cli bad = Cli.run("config", "check", "--config", broken.toString());
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.out()).containsPattern("db2 +127\\.0\\.0\\.1:29577 as root: ERROR: ")
                    .containsPattern("db1 +127\\.0\\.0\\.1:29501 as root: OK");
            assertThat(bad.err().strip()).doesNotContain("\n").contains("test failed: 1 of 4 host(s)");
        }
    }

    @Test
    void shouldForceTheWriterOntoAHostWhoseReplicationIsStoppedWithEveryRow(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 29600, 1).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            c.sql.exec(c.host("db2"), "STOP SLAVE");
            c.sql.exec(c.host("db1"), "CREATE DATABASE forced", "CREATE TABLE forced.t (id INT PRIMARY KEY)");
            for (int i = 1; i <= 200; i++) {
                c.sql.exec(c.host("db1"), "INSERT INTO forced.t VALUES (" + i + ")");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> c.monitor.state().host("db2").state()
                    == HostState.REPLICATION_FAIL);
            assertThat(Cli.run("move-role", "writer", "db2", "--config", cfg).exit()).isEqualTo(1);

            long t0 = System.nanoTime();
            Cli forced = Cli.run("move-role", "--force", "writer", "db2", "--config", cfg);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("move-role --force took " + ms + " ms:\n" + forced.out());
            assertThat(forced.exit()).as(forced.err()).isZero();
            assertThat(forced.out())
                    .containsPattern("estimated loss: [2-9][0-9]{2} transaction\\(s\\) of 'db1' not applied on 'db2'")
                    .containsPattern("SWITCHOVER db1 -> db2 started")
                    .contains("ok   repoint db2 to replicate from db1")
                    .contains("ok   promote db2")
                    .contains("has been moved from 'db1' to 'db2'")
                    .contains("Forced: 0 transaction(s) of 'db1' are not on 'db2'.");
            assertThat(c.writer()).contains("db2");
            assertThat(c.writableHosts()).containsExactly("db2");
            assertThat(c.sql.queryString(c.host("db2"), "SELECT COUNT(*) FROM forced.t")).isEqualTo("200");

            // every other host replicates from the new writer (directly or below it) and gets its new rows
            c.sql.exec(c.host("db2"), "INSERT INTO forced.t VALUES (201)");
            GtidPosition target = c.sql.binlogPosition(c.host("db2"));
            for (String h : List.of("db1", "db3", "db4")) {
                assertThat(c.sql.waitForGtid(c.host(h), target, Duration.ofSeconds(20), "test")).as(h).isTrue();
                assertThat(c.sql.queryString(c.host(h), "SELECT COUNT(*) FROM forced.t")).as(h).isEqualTo("201");
            }
            for (String h : List.of("db1", "db3", "db4")) {
                Optional<ReplicaLink> link = c.sql.replicaLink(c.host(h));
                assertThat(link).as(h).isPresent();
                assertThat(link.get().threadsRunning()).as(h + ": " + link.get().problem()).isTrue();
                assertThat(link.get().readsFrom("127.0.0.1", c.host("db2").port())).as(h + " reads from db2").isTrue();
            }
            Optional<ReplicaLink> own = c.sql.replicaLink(c.host("db2"));
            assertThat(own).isPresent();
            assertThat(own.get().threadsRunning()).as("db2 replicates again: " + own.get().problem()).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> c.monitor.state().hosts().values().stream()
                    .allMatch(h -> h.state() == HostState.ONLINE));
        }
    }

    private static Cli run(List<String> verb, String cfg) {
        String[] args = new String[verb.size() + 2];
        for (int i = 0; i < verb.size(); i++) {
            args[i] = verb.get(i);
        }
        args[verb.size()] = "--config";
        args[verb.size() + 1] = cfg;
        return Cli.run(args);
    }

    private static void assertOut(Cli r, int exit, String line) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(withoutLogs(r.out())).isEqualTo(line + "\n");
    }

    /** The monitor runs in this JVM: its log lines land in the captured standard output too. */
    private static String withoutLogs(String out) {
        return out.lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
                .map(l -> l + "\n").reduce("", String::concat);
    }
}
