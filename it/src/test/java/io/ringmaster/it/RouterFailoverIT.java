package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.Connections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switchover and failover with clients connected through the in-process router, on real servers (ports
 * 27100-27199): new connections reach the new writer, held ones are released on promotion, and the old writer
 * takes no write once the change has started.
 */
class RouterFailoverIT {

    @Test
    void shouldMoveWritesOnSwitchoverAndSendNothingToTheFencedWriter(@TempDir Path dir) throws Exception {
        try (RouterCluster rc = RouterCluster.up(dir, 27100, "").start()) {
            var c = rc.cluster;
            // listeners run in order, before the monitor fences the old writer: this one runs once the router has
            // taken the table (and cut its writer connections), so it marks the earliest moment of the fence
            AtomicReference<Instant> fenceMayStart = new AtomicReference<>();
            c.monitor.addRouteListener(t -> {
                if (t.writerChanging()) {
                    fenceMayStart.compareAndSet(null, Instant.now());
                }
            });
            RouterLoad.prepare(rc.writerPort, c.config.monitorUser());
            Connection idle = rc.connect(rc.writerPort, Duration.ofSeconds(5));
            assertThat(rc.hostOf(idle)).isEqualTo("db1");
            List<Long> acked;
            long failures;
            long movedAt;
            try (RouterLoad load = new RouterLoad(rc.writerPort, c.config.monitorUser(), Duration.ofSeconds(2))
                    .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged().size() > 300);
                c.monitor.moveRole("writer", "db2");
                movedAt = System.nanoTime();
                // cut before the fence, so nothing is left open to the old writer
                assertThat(rc.router.openConnections("writer", "db1")).isZero();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.lastSuccessNanos() > movedAt);
                Thread.sleep(500);
                load.close();
                acked = load.acknowledged();
                failures = load.failures();
                long window = load.outages().stream().mapToLong(o -> o[1] - o[0]).max().orElse(0) / 1_000_000;
                System.out.printf("ROUTER-SWITCHOVER writes unavailable %d ms, %d failed statement(s), %d acked%n",
                        window, failures, acked.size());
            }
            assertThat(fenceMayStart.get()).isNotNull();
            assertThatClosed(idle);
            try (Connection w = rc.connect(rc.writerPort, Duration.ofSeconds(5))) {
                assertThat(rc.hostOf(w)).isEqualTo("db2");
            }
            // every acknowledged row is on the new writer, and db1 executed none once it could be fenced
            HostConfig db2 = c.host("db2");
            assertThat(missing(db2, rc, acked)).isEmpty();
            long db1Id = serverId(c.host("db1"), rc);
            double fence = fenceMayStart.get().getEpochSecond() + fenceMayStart.get().getNano() / 1e9;
            try (Connection n = Connections.open(db2.address(), db2.port(), c.config.monitorUser(), Duration.ofSeconds(5));
                 PreparedStatement ps = n.prepareStatement("SELECT COUNT(*), COALESCE(MAX(at), 0) FROM "
                         + RouterLoad.TABLE + " WHERE server_id = ?")) {
                GtidPosition target = c.sql.binlogPosition(c.host("db1"));
                assertThat(c.sql.waitForGtid(db2, target, Duration.ofSeconds(30), "test")).isTrue();
                ps.setLong(1, db1Id);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    assertThat(r.getLong(1)).as("rows written on db1").isPositive();
                    assertThat(r.getDouble(2)).as("last write on db1 vs the fence").isLessThan(fence);
                }
            }
            assertThat(c.writableHosts()).containsExactly("db2");
        }
    }

    @Test
    void shouldHoldNewWriterConnectionsDuringFailoverAndReleaseThemOnPromotion(@TempDir Path dir) throws Exception {
        // a crash fails over in ~0.1 s; a writer lease of 2 s keeps this failover waiting long enough (the lease
        // counts from when db1 was last reached) that connections opened during it are held
        RouterCluster up = RouterCluster.up(dir, 27110, "  hold_timeout: 30s\n");
        up.cluster.editConfig(y -> y.replace("  trap_period: 2s\n", "  trap_period: 2s\n  writer_lease: 2s\n"));
        try (RouterCluster rc = up.start()) {
            var c = rc.cluster;
            RouterLoad.prepare(rc.writerPort, c.config.monitorUser());
            List<Long> acked;
            long killedAt;
            ExecutorService clients = Executors.newFixedThreadPool(3);
            try (RouterLoad load = new RouterLoad(rc.writerPort, c.config.monitorUser(), Duration.ofSeconds(2))
                    .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged().size() > 300);
                killedAt = System.nanoTime();
                c.sandbox.kill("db1");
                Thread.sleep(300);
                List<Future<String>> late = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    late.add(clients.submit(() -> {
                        try (Connection w = rc.connect(rc.writerPort, Duration.ofSeconds(40))) {
                            return rc.hostOf(w);
                        }
                    }));
                }
                for (Future<String> f : late) {
                    assertThat(f.get(40, TimeUnit.SECONDS)).isEqualTo("db2");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> load.lastSuccessNanos() > killedAt);
                long firstAfter = load.outages().stream().filter(o -> o[1] > killedAt).mapToLong(o -> o[1]).min()
                        .orElse(load.lastSuccessNanos());
                Thread.sleep(500);
                load.close();
                acked = load.acknowledged();
                System.out.printf("ROUTER-FAILOVER kill to first write through the router: %d ms, %d failed "
                        + "statement(s)%n", (firstAfter - killedAt) / 1_000_000, load.failures());
            } finally {
                clients.shutdownNow();
            }
            assertThat(c.writer()).contains("db2");
            var writer = rc.router.stats().get(0);
            assertThat((Long) writer.get("held")).isGreaterThanOrEqualTo(3);
            assertThat(writer.get("refused")).isEqualTo(0L);
            GtidPosition target = c.sql.binlogPosition(c.host("db2"));
            for (String h : List.of("db2", "db3", "db4")) {
                assertThat(c.sql.waitForGtid(c.host(h), target, Duration.ofSeconds(30), "test")).isTrue();
                assertThat(missing(c.host(h), rc, acked)).as("acknowledged rows missing on " + h).isEmpty();
            }
        }
    }

    private static void assertThatClosed(Connection idle) {
        try (idle; Statement st = idle.createStatement()) {
            st.executeQuery("SELECT 1").close();
            throw new AssertionError("a writer connection to the old writer survived the switchover");
        } catch (SQLException expected) {
            // cut by the router
        }
    }

    private static long serverId(HostConfig h, RouterCluster rc) throws SQLException {
        return Long.parseLong(rc.cluster.sql.queryString(h, "SELECT @@server_id"));
    }

    private static List<Long> missing(HostConfig h, RouterCluster rc, List<Long> acked) throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection n = Connections.open(h.address(), h.port(), rc.cluster.config.monitorUser(),
                Duration.ofSeconds(10)); Statement st = n.createStatement();
             ResultSet r = st.executeQuery("SELECT id FROM " + RouterLoad.TABLE)) {
            while (r.next()) {
                present.add(r.getLong(1));
            }
        }
        return acked.stream().filter(id -> !present.contains(id)).toList();
    }

}
