package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.monitor.RecoveryRecord;
import io.ringmaster.mysql.Connections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Role addresses end to end on the sandbox, run as root: real servers, one real agent per host (started by the
 * sandbox) and real loopback aliases (127.x.y.1 for the writer, .2 and .3 for the readers). The monitor runs in
 * this JVM.
 */
class VipFailoverIT {

    private static void assumeRoot() {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("role addresses need root").isEqualTo("root");
    }

    private static String writerIp(Cluster c) {
        return c.config.role("writer").orElseThrow().ips().get(0);
    }

    @Test
    void shouldMoveTheWriterAddressWithTheWriterAndNeverShowItOnTwoHosts(@TempDir Path dir) throws Exception {
        assumeRoot();
        try (Cluster c = Cluster.upWithAgents(dir, 32100, 1).startMonitor(); VipWatch vips = new VipWatch(c.config)) {
            String wip = writerIp(c);
            List<String> readerIps = c.config.role("reader").orElseThrow().ips();
            await().atMost(Duration.ofSeconds(15)).until(() -> vips.holders(wip).equals(List.of("db1"))
                    && VipWatch.listed(null, wip) == 1);
            for (String ip : readerIps) {
                await().atMost(Duration.ofSeconds(15)).until(() -> vips.holders(ip).size() == 1
                        && VipWatch.listed(null, ip) == 1);
            }
            String cfg = c.sandbox.configFile().toString();
            assertThat(Cli.run("show", "--mmm", "--config", cfg).out()).contains("writer(" + wip + ")");

            vips.startSampling(wip, java.util.Collections.singletonList(null));
            long killedAt = System.nanoTime();
            c.sandbox.kill("db1");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> vips.holders(wip).equals(List.of("db2")));
            long movedMs = (System.nanoTime() - killedAt) / 1_000_000;
            await().atMost(Duration.ofSeconds(30)).until(() -> c.writer().filter("db2"::equals).isPresent());
            Thread.sleep(1500); // the sampler goes on past the move
            vips.close();
            assertThat(vips.doubles()).as("samples with two holders").isEmpty();
            assertThat(vips.maxHolders()).isEqualTo(1);
            // each sample asks 4 agents and runs ip: ~20-100 ms apart on a loaded machine
            assertThat(vips.samples()).as("the sampler ran through the failover").isGreaterThan(10);

            RecoveryRecord r = c.monitor.recoveries().get(0);
            assertThat(r.success()).isTrue();
            RecoveryRecord.StepRecord fence = r.steps().stream()
                    .filter(s -> s.step().equals("fence db1 through its agent")).findFirst().orElseThrow();
            assertThat(fence.detail()).startsWith("agent of db1 confirmed: writer address removed, port blocked");
            System.out.printf("VIP-TIMING kill: agent confirmation %d ms, kill to writer address on db2 %d ms%n",
                    fence.millis(), movedMs);
            String show = Cli.run("show", "--mmm", "--config", cfg).out();
            assertThat(show).containsPattern("db2\\(127\\.0\\.0\\.1\\) master/ONLINE\\. Roles: .*writer\\("
                    + wip.replace(".", "\\.") + "\\)");
            assertThat(Cli.run("show", "--json", "--config", cfg).out()).contains("\"agent\"")
                    .contains("\"reachable\" : true");

            // monitor stopped: the reader addresses stay, the writer's goes with its lease and db2 turns read_only
            Map<String, List<String>> readersBefore = new ConcurrentHashMap<>();
            readerIps.forEach(ip -> readersBefore.put(ip, vips.holders(ip)));
            long stoppedAt = System.nanoTime();
            c.stopMonitor();
            long lease = c.config.agents().lease().toMillis();
            await().atMost(Duration.ofMillis(lease + 5000)).pollInterval(Duration.ofMillis(20))
                    .until(() -> VipWatch.listed(null, wip) == 0);
            long droppedMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            // while its agent fences it, db2's port refuses clients (the block): ask again until it answers
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> c.readOnly("db2"));
            System.out.printf("VIP-TIMING monitor stopped: writer address dropped after %d ms (lease %d ms)%n",
                    droppedMs, lease);
            assertThat(droppedMs).as("not before the lease ran out").isGreaterThanOrEqualTo(lease / 2);
            for (String ip : readerIps) {
                assertThat(VipWatch.listed(null, ip)).as(ip + " stays").isEqualTo(1);
                assertThat(vips.holders(ip)).as(ip + " stays where it was").isEqualTo(readersBefore.get(ip));
            }

            // a new monitor learns where the reader addresses are and moves none; the writer's comes back to db2
            c.monitor = new io.ringmaster.monitor.Monitor(c.config, java.time.Clock.systemUTC());
            c.monitor.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> vips.holders(wip).equals(List.of("db2")));
            for (String ip : readerIps) {
                assertThat(vips.holders(ip)).as(ip + " not moved by the restart").isEqualTo(readersBefore.get(ip));
            }
        }
    }

    /**
     * A frozen writer failed over must not take a write when it thaws: a client keeps writing straight to its
     * port (as an application account without the right to write through read_only), from before the freeze
     * until well after the thaw, and no write is acknowledged after the failover.
     */
    @Test
    void shouldAcknowledgeNoDirectWriteOnTheThawedOldWriter(@TempDir Path dir) throws Exception {
        assumeRoot();
        try (Cluster c = Cluster.upWithAgents(dir, 32200, 1).startMonitor()) {
            HostConfig db1 = c.host("db1");
            c.sql.exec(db1, "CREATE DATABASE drill", "CREATE TABLE drill.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "at BIGINT)", "CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app-pw'",
                    "CREATE USER 'app'@'localhost' IDENTIFIED BY 'app-pw'",
                    "GRANT SELECT, INSERT ON drill.* TO 'app'@'127.0.0.1'",
                    "GRANT SELECT, INSERT ON drill.* TO 'app'@'localhost'");
            Credentials app = new Credentials("app", Secret.of("app-pw"));
            List<Long> acked = new CopyOnWriteArrayList<>();
            List<String> errors = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread client = new Thread(() -> directWrites(db1, app, acked, errors, stop), "direct-writer");
            client.setDaemon(true);
            client.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() > 50);
                long frozenAt = System.nanoTime();
                c.sandbox.freeze("db1");
                await().atMost(Duration.ofSeconds(40)).until(() -> c.writer().filter("db2"::equals).isPresent());
                long promotedAt = System.nanoTime();
                RecoveryRecord r = c.monitor.recoveries().get(0);
                RecoveryRecord.StepRecord fence = r.steps().stream()
                        .filter(s -> s.step().equals("fence db1 through its agent")).findFirst().orElseThrow();
                assertThat(fence.detail()).startsWith("agent of db1 confirmed: writer address removed, port blocked");
                int errorsBeforeThaw = errors.size();
                long thawedAt = System.nanoTime();
                c.sandbox.thaw("db1");
                await().atMost(Duration.ofSeconds(15)).until(() -> c.readOnly("db1"));
                Thread.sleep(3000); // the client keeps trying through the block, the fence, and after
                System.out.printf("VIP-TIMING freeze: agent confirmation %d ms, freeze to promotion %d ms%n",
                        fence.millis(), (promotedAt - frozenAt) / 1_000_000);
                assertThat(acked.stream().filter(t -> t > promotedAt).count())
                        .as("writes acknowledged by db1 after the failover; errors after the thaw: "
                                + errors.subList(errorsBeforeThaw, errors.size()).stream().distinct().limit(5)
                                .toList()).isZero();
                assertThat(errors.size()).as("the client kept trying after the thaw").isGreaterThan(errorsBeforeThaw);
                assertThat(thawedAt).isGreaterThan(promotedAt);
            } finally {
                stop.set(true);
                client.join(5000);
            }
            assertThat(c.writableHosts()).containsExactly("db2");
        }
    }

    /** Writes one row at a time straight to {@code host}, reconnecting after each error; records acknowledgements. */
    private static void directWrites(HostConfig host, Credentials app, List<Long> acked, List<String> errors,
                                     java.util.concurrent.atomic.AtomicBoolean stop) {
        Connection conn = null;
        while (!stop.get()) {
            try {
                if (conn == null) {
                    conn = Connections.open(host.address(), host.port(), app, Duration.ofMillis(500));
                }
                try (Statement st = conn.createStatement()) {
                    st.executeUpdate("INSERT INTO drill.t (at) VALUES (" + System.currentTimeMillis() + ")");
                }
                acked.add(System.nanoTime());
            } catch (Exception e) {
                errors.add(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                try {
                    if (conn != null) {
                        conn.close();
                    }
                } catch (Exception ignored) {
                    // already broken
                }
                conn = null;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        try {
            if (conn != null) {
                conn.close();
            }
        } catch (Exception ignored) {
            // done
        }
    }
}
