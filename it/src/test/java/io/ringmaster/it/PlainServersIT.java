package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.model.HostState;
import io.ringmaster.monitor.Monitor;
import io.ringmaster.monitor.RecoveryRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ringmaster on servers it did not create ({@link PlainServers}: 2 masters and a replica set up by hand, accounts
 * created with the binary log on, least privilege): bootstrap refuses their conflicting history and succeeds after
 * the fix it names; a monitor with exactly the grants {@code ringmaster grants} prints fails over; one lacking RELOAD
 * is told so at start and refuses the failover before its first step.
 */
class PlainServersIT {
    private static final Pattern RESET_ON = Pattern.compile("on (\\S+) run RESET MASTER");

    /** The GRANT statements {@code ringmaster grants} prints for the plain servers, as run by a DBA. */
    private static List<String> printedGrants(PlainServers p) {
        Cli grants = Cli.run("grants", "--config", p.configFile.toString(), "--login", "root");
        assertThat(grants.exit()).as(grants.err()).isZero();
        List<String> g = grants.out().lines().filter(l -> l.startsWith("GRANT ")).map(l -> l.replace(";", "")).toList();
        assertThat(g).anyMatch(l -> l.contains("RELOAD") && l.contains("'rmon'@'%'"))
                .anyMatch(l -> l.equals("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'"));
        return g;
    }

    private static Map<String, String> snapshots(PlainServers p) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String h : p.servers.keySet()) {
            m.put(h, p.snapshot(h));
        }
        return m;
    }

    /** Accounts as printed, the fix bootstrap names (RESET MASTER where it says so), then bootstrap. */
    private static void bootstrapAsADbaWould(PlainServers p) throws Exception {
        p.createAccounts(printedGrants(p));
        Cli refused = Cli.run("bootstrap", "--dry-run", "--config", p.configFile.toString());
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
        Matcher m = RESET_ON.matcher(refused.err());
        while (m.find()) {
            p.root(m.group(1), "RESET MASTER");
        }
        Cli ok = Cli.run("bootstrap", "--config", p.configFile.toString(), "--wait", "60s");
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    }

    @Test
    void bootstrapRefusesConflictingHistoryNamingTheGtidsAndSucceedsAfterTheFix(@TempDir Path dir) throws Exception {
        try (PlainServers p = PlainServers.start(dir, 28500, 2)) {
            p.createAccounts(printedGrants(p));
            Map<String, String> before = snapshots(p);
            Cli dry = Cli.run("bootstrap", "--dry-run", "--config", p.configFile.toString());
            System.out.println("BOOTSTRAP-REFUSAL\n" + dry.err());
            assertThat(dry.exit()).isEqualTo(1);
            for (String h : List.of("db1", "db2", "r1")) {
                String own = p.rootQuery(h, "SELECT @@gtid_binlog_pos");
                assertThat(own).as(h + " has GTIDs of its own").isNotEmpty();
                assertThat(dry.err()).as("refusal line of " + h).contains("ringmaster: " + h
                        + ": binary log history conflicts").contains(own).contains("on " + h + " run RESET MASTER");
            }
            assertThat(dry.err()).doesNotContain(PlainServers.MONITOR_PASSWORD).doesNotContain(PlainServers.REPL_PASSWORD);
            // the real run refuses the same way, before changing anything
            Cli real = Cli.run("bootstrap", "--config", p.configFile.toString());
            assertThat(real.exit()).isEqualTo(1);
            assertThat(real.err()).isEqualTo(dry.err());
            assertThat(snapshots(p)).isEqualTo(before);

            Matcher m = RESET_ON.matcher(dry.err());
            while (m.find()) {
                p.root(m.group(1), "RESET MASTER");
            }
            Cli dry2 = Cli.run("bootstrap", "--dry-run", "--config", p.configFile.toString());
            assertThat(dry2.exit()).as(dry2.err()).isZero();
            long t0 = System.nanoTime();
            Cli ok = Cli.run("bootstrap", "--config", p.configFile.toString(), "--wait", "60s");
            System.out.printf("BOOTSTRAP-TIMING plain servers: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("replication flows on every link");
            // a change on the writer reaches every host; a dry run of the bootstrapped cluster passes
            p.root("db1", "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (7)");
            for (String h : List.of("db2", "r1")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> "7".equals(p.rootQuery(h,
                        "SELECT MAX(id) FROM app.t WHERE 1 = (SELECT COUNT(*) FROM information_schema.TABLES "
                                + "WHERE TABLE_SCHEMA = 'app')")));
            }
            Cli again = Cli.run("bootstrap", "--dry-run", "--config", p.configFile.toString());
            assertThat(again.exit()).as(again.err()).isZero();
        }
    }

    @Test
    void monitorWithExactlyThePrintedGrantsFailsOver(@TempDir Path dir) throws Exception {
        try (PlainServers p = PlainServers.start(dir, 28600, 2)) {
            bootstrapAsADbaWould(p);
            Monitor monitor = new Monitor(p.config, Clock.systemUTC());
            try {
                monitor.start();
                awaitSettled(monitor, p);
                assertThat(monitor.currentFindings()).noneMatch(f -> f instanceof Finding.MissingPrivilege);
                p.root("db1", "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)",
                        "INSERT INTO app.t VALUES (1), (2), (3)");
                long t0 = System.nanoTime();
                p.servers.get("db1").kill("test: SIGKILL the writer");
                await().atMost(Duration.ofSeconds(40)).until(() -> monitor.state().holder("writer")
                        .filter("db2"::equals).isPresent() && !monitor.recoveries().isEmpty()
                        && monitor.recoveries().get(0).finished() != null);
                System.out.printf("FAILOVER-TIMING plain servers, printed grants: %d ms%n",
                        (System.nanoTime() - t0) / 1_000_000);
                RecoveryRecord r = monitor.recoveries().get(0);
                assertThat(r.success()).as(r.outcome()).isTrue();
                assertThat(r.steps()).noneMatch(s -> s.detail().contains("privilege error"));
                await().atMost(Duration.ofSeconds(20)).until(() -> "db2".equals(monitor.state().sources().get("r1")));
                assertThat(p.rootQuery("db2", "SELECT @@read_only")).isEqualTo("0");
                assertThat(p.rootQuery("r1", "SELECT COUNT(*) FROM app.t")).isEqualTo("3");
                assertThat(monitor.currentFindings()).noneMatch(f -> f instanceof Finding.MissingPrivilege
                        || f instanceof Finding.WriterChangeRefused);
            } finally {
                monitor.close();
            }
        }
    }

    @Test
    void monitorLackingReloadIsToldAtStartAndRefusesTheFailoverUpFront(@TempDir Path dir) throws Exception {
        try (PlainServers p = PlainServers.start(dir, 28700, 2)) {
            bootstrapAsADbaWould(p);
            for (String h : p.servers.keySet()) {
                p.root(h, "SET SESSION sql_log_bin = 0", "REVOKE RELOAD ON *.* FROM 'rmon'@'%'");
            }
            Monitor monitor = new Monitor(p.config, Clock.systemUTC());
            try {
                monitor.start();
                awaitSettled(monitor, p);
                List<Finding> missing = monitor.currentFindings().stream()
                        .filter(f -> f instanceof Finding.MissingPrivilege).toList();
                System.out.println("MISSING-PRIVILEGE\n" + String.join("\n", missing.stream()
                        .map(f -> f.summary() + " -- " + f.howToClear()).toList()));
                assertThat(missing).anyMatch(f -> f.host().equals("db2") && f.summary().contains("RELOAD")
                        && f.summary().contains("RESET SLAVE ALL") && f.howToClear().contains("GRANT RELOAD ON *.*"));
                String db2Before = p.snapshot("db2").replaceAll("/(Yes|No|Connecting)$", "");
                String r1Before = p.snapshot("r1").replaceAll("/(Yes|No|Connecting)$", "");
                p.servers.get("db1").kill("test: SIGKILL the writer");
                await().atMost(Duration.ofSeconds(40)).until(() -> monitor.currentFindings().stream()
                        .anyMatch(f -> f instanceof Finding.WriterChangeRefused));
                Thread.sleep(3000); // rounds go on: still nothing may start
                Finding refused = monitor.currentFindings().stream()
                        .filter(f -> f instanceof Finding.WriterChangeRefused).findFirst().orElseThrow();
                System.out.println("REFUSED " + refused.summary());
                assertThat(refused.summary()).contains("failover db1 -> db2").contains("RELOAD");
                assertThat(monitor.recoveries()).isEmpty();
                assertThat(monitor.state().holder("writer")).isEmpty();
                assertThat(p.snapshot("db2").replaceAll("/(Yes|No|Connecting)$", "")).isEqualTo(db2Before);
                assertThat(p.snapshot("r1").replaceAll("/(Yes|No|Connecting)$", "")).isEqualTo(r1Before);
                // an operator's forced move is refused up front too, not abandoned at RESET SLAVE ALL
                assertThatThrownBy(() -> monitor.moveRole("writer", "db2", true))
                        .isInstanceOf(io.ringmaster.monitor.CommandRefused.class)
                        .hasMessageContaining("not starting the failover db1 -> db2").hasMessageContaining("RELOAD");
                assertThat(monitor.recoveries()).isEmpty();
                assertThat(p.snapshot("db2").replaceAll("/(Yes|No|Connecting)$", "")).isEqualTo(db2Before);
            } finally {
                monitor.close();
            }
        }
    }

    @Test
    void handBuiltRingWithThePrintedGrantsClosesAroundADeadMasterAndTakesItBack(@TempDir Path dir) throws Exception {
        try (PlainServers p = PlainServers.start(dir, 28800, 3)) {
            bootstrapAsADbaWould(p);
            Monitor monitor = new Monitor(p.config, Clock.systemUTC());
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<Integer> acked = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread load = new Thread(() -> {
                for (int id = 1; writing.get(); id++) {
                    try {
                        p.root("db1", "INSERT INTO app.ring VALUES (" + id + ")");
                        acked.add(id);
                    } catch (Exception e) {
                        return; // the writer is never killed here: a failure ends the load and the counts tell
                    }
                }
            }, "ring-load");
            try {
                monitor.start();
                awaitSettled(monitor, p);
                assertThat(monitor.state().sources()).containsEntry("db2", "db1").containsEntry("db3", "db2")
                        .containsEntry("db1", "db3");
                p.root("db1", "CREATE DATABASE app", "CREATE TABLE app.ring (id INT PRIMARY KEY)");
                load.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() > 50);
                long t0 = System.nanoTime();
                p.servers.get("db2").kill("test: SIGKILL a master that is not the writer");
                await().atMost(Duration.ofSeconds(30)).until(() -> "db1".equals(monitor.state().sources().get("db3")));
                System.out.printf("RING-CLOSE-TIMING hand-built ring of 3: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                assertThat(monitor.state().holder("writer")).contains("db1");
                assertThat(monitor.state().rolesOf("db2")).isEmpty();
                await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() > 200);
                writing.set(false);
                load.join(10_000);
                int rows = acked.size();
                for (String h : List.of("db1", "db3", "r1")) {
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            p.rootQuery(h, "SELECT COUNT(*) FROM app.ring").equals(String.valueOf(rows)));
                }
                assertThat(monitor.recoveries()).anyMatch(r -> r.kind().equals("RING_CLOSE") && r.success());
                p.servers.get("db2").start("test: the dead master comes back");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        monitor.state().host("db2").state() == HostState.AWAITING_RECOVERY);
                assertThat(monitor.state().rolesOf("db2")).isEmpty();
                monitor.setOnline("db2");
                await().atMost(Duration.ofSeconds(40)).until(() -> "db1".equals(monitor.state().sources().get("db2"))
                        && "db2".equals(monitor.state().sources().get("db3"))
                        && monitor.state().host("db2").state() == HostState.ONLINE);
                p.root("db1", "INSERT INTO app.ring VALUES (0)");
                for (String h : List.of("db2", "db3", "r1")) {
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            p.rootQuery(h, "SELECT COUNT(*) FROM app.ring").equals(String.valueOf(rows + 1)));
                }
                assertThat(monitor.currentFindings()).noneMatch(f -> f instanceof Finding.MissingPrivilege
                        || f instanceof Finding.WriterChangeRefused);
            } finally {
                writing.set(false);
                load.join(10_000);
                monitor.close();
            }
        }
    }

    private static void awaitSettled(Monitor monitor, PlainServers p) {
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.ready()
                && monitor.state().holder("writer").filter("db1"::equals).isPresent()
                && monitor.state().hosts().size() == p.config.hosts().size()
                && monitor.state().hosts().values().stream().allMatch(h -> h.state() == HostState.ONLINE));
    }
}
