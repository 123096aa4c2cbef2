package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.mysql.Connections;
import io.ringmaster.monitor.RecoveryRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 1 on real servers (ports 28000-28199): in a ring, a master that is not the writer is SIGKILLed under
 * a write load through the router; the monitor closes the ring around it (its downstream master reads from its
 * upstream, its replica moves under the downstream), no host that lacks the writer's rows for long keeps a role, no
 * acknowledged row is lost; the dead master comes back, waits in AWAITING_RECOVERY out of every role, and
 * {@code set-online} puts it back at its old place, after which every host converges to the same GTID position.
 */
class RingHealingIT {
    /**
     * Bound on how long a role holder may lack the writer's transactions: max_backlog (10 s) plus the trap period
     * (2 s) during which a check must fail before it counts, the state machine's rule. A crash does far better.
     */
    private static final long STALE_LIMIT_MS = 12_000;

    @Test
    void ringOfThreeClosesAroundAKilledMasterAndTakesItBack(@TempDir Path dir) throws Exception {
        // db1 -> db2 -> db3 -> db1 (db1 writer); replicas db4 under db1, db5 under db2, db6 under db3
        try (RouterCluster rc = RouterCluster.ring(dir, 28000, 3, 1, "").start()) {
            var c = rc.cluster;
            assertThat(c.writer()).contains("db1");
            RouterLoad.prepare(rc.writerPort, c.config.monitorUser());
            List<Long> acked;
            Staleness watch = new Staleness(c);
            try (RouterLoad load = new RouterLoad(rc.writerPort, c.config.monitorUser(), Duration.ofSeconds(2))
                    .start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged().size() > 300);
                watch.start();
                long killedAt = System.nanoTime();
                c.sandbox.kill("db2");
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() ->
                        c.monitor.state().ring().isOut("db2") && "db1".equals(c.monitor.state().sources().get("db3"))
                                && "db3".equals(c.monitor.state().sources().get("db5")));
                long closedMs = (System.nanoTime() - killedAt) / 1_000_000;
                // the links really are where the state says
                assertReadsFrom(c, "db3", "db1");
                assertReadsFrom(c, "db5", "db3");
                await().atMost(Duration.ofSeconds(20)).until(() -> watch.fresh("db3") && watch.fresh("db5"));
                long freshMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertThat(c.monitor.state().holders("reader")).doesNotContain("db2");
                Thread.sleep(2000); // writes go on around the closed ring
                System.out.printf("RING-HEAL kill db2 -> ring closed (db3<-db1, db5<-db3) in %d ms; db3 and db5 "
                        + "fresh again after %d ms; worst staleness of a reader-role holder %d ms (%s); "
                        + "%d failed statement(s)%n", closedMs, freshMs, watch.worstMs(), watch.worstHost(),
                        load.failures());
                assertThat(closedMs).as("a crash closes the ring without the trap period").isLessThan(5000);
                assertThat(watch.worstMs()).as("stalest reader-role holder (%s)", watch.worstHost())
                        .isLessThan(STALE_LIMIT_MS);

                // db2 comes back: it waits out of every role, and out of the ring
                c.sandbox.start("db2");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        c.monitor.state().host("db2").state() == HostState.AWAITING_RECOVERY);
                Thread.sleep(1500);
                assertThat(c.monitor.state().rolesOf("db2")).isEmpty();
                assertThat(c.monitor.state().ring().isOut("db2")).isTrue();
                assertThat(c.monitor.state().sources().get("db3")).isEqualTo("db1");

                long onlineAt = System.nanoTime();
                c.monitor.setOnline("db2");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                        !c.monitor.state().ring().isOut("db2")
                                && "db2".equals(c.monitor.state().sources().get("db3"))
                                && "db2".equals(c.monitor.state().sources().get("db5")));
                System.out.printf("RING-HEAL set-online db2 -> back at its place in %d ms%n",
                        (System.nanoTime() - onlineAt) / 1_000_000);
                assertReadsFrom(c, "db2", "db1");
                assertReadsFrom(c, "db3", "db2");
                assertReadsFrom(c, "db5", "db2");
                Thread.sleep(1500); // writes flow through db2 again
                watch.close();
                assertThat(watch.worstMs()).as("stalest reader-role holder (%s)", watch.worstHost())
                        .isLessThan(STALE_LIMIT_MS);
                load.close();
                acked = load.acknowledged();
            }
            assertThat(c.writer()).contains("db1");
            assertConverged(c, acked);
            List<RecoveryRecord> ring = c.monitor.recoveries().stream().filter(r -> r.kind().startsWith("RING_"))
                    .toList();
            assertThat(ring).extracting(RecoveryRecord::kind).contains("RING_CLOSE", "RING_REJOIN");
            assertThat(ring).allMatch(RecoveryRecord::success);
            ring.forEach(r -> System.out.printf("RING-HEAL audit %s %s %s: %s; steps %s%n", r.id(), r.kind(),
                    r.from(), r.outcome(), r.steps().stream().map(s -> s.step() + " " + s.millis() + " ms").toList()));
        }
    }

    @Test
    void ringOfFiveClosesAroundAMiddleMasterAndTakesItBack(@TempDir Path dir) throws Exception {
        // db1 -> db2 -> db3 -> db4 -> db5 -> db1, no replicas; writes go straight to the writer
        try (Cluster c = Cluster.ring(dir, 28100, 5, 0).startMonitor()) {
            assertThat(c.writer()).contains("db1");
            HostConfig w = c.host("db1");
            c.sql.exec(w, "CREATE DATABASE IF NOT EXISTS ringtest",
                    "CREATE TABLE IF NOT EXISTS ringtest.t (id BIGINT PRIMARY KEY)");
            List<Long> acked = new ArrayList<>();
            long id = 1;
            for (; id <= 100; id++) {
                c.sql.exec(w, "INSERT INTO ringtest.t VALUES (" + id + ")");
                acked.add(id);
            }
            long killedAt = System.nanoTime();
            c.sandbox.kill("db3");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() ->
                    c.monitor.state().ring().isOut("db3") && "db2".equals(c.monitor.state().sources().get("db4")));
            System.out.printf("RING-HEAL-5 kill db3 -> ring closed (db4<-db2) in %d ms%n",
                    (System.nanoTime() - killedAt) / 1_000_000);
            assertReadsFrom(c, "db4", "db2");
            for (; id <= 200; id++) {
                c.sql.exec(w, "INSERT INTO ringtest.t VALUES (" + id + ")");
                acked.add(id);
            }
            GtidPosition target = c.sql.binlogPosition(w);
            for (String h : List.of("db2", "db4", "db5")) {
                assertThat(c.sql.waitForGtid(c.host(h), target, Duration.ofSeconds(30), "test")).as(h).isTrue();
            }
            c.sandbox.start("db3");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    c.monitor.state().host("db3").state() == HostState.AWAITING_RECOVERY);
            c.monitor.setOnline("db3");
            await().atMost(Duration.ofSeconds(60)).until(() -> !c.monitor.state().ring().isOut("db3")
                    && "db3".equals(c.monitor.state().sources().get("db4")));
            assertReadsFrom(c, "db3", "db2");
            assertReadsFrom(c, "db4", "db3");
            for (; id <= 300; id++) {
                c.sql.exec(w, "INSERT INTO ringtest.t VALUES (" + id + ")");
                acked.add(id);
            }
            GtidPosition end = c.sql.binlogPosition(w);
            for (HostConfig h : c.config.hosts()) {
                assertThat(c.sql.waitForGtid(h, end, Duration.ofSeconds(30), "test")).as(h.name()).isTrue();
                assertThat(count(c, h, "SELECT COUNT(*) FROM ringtest.t")).as(h.name()).isEqualTo(300);
            }
            assertSamePositions(c);
        }
    }

    @Test
    void frozenRingMemberIsClosedAroundOnceItsDownstreamLosesIt(@TempDir Path dir) throws Exception {
        // a hung server (SIGSTOP): the monitor's checks time out (trap period), and db3's IO thread notices only
        // after slave_net_timeout; until both, db3 may serve what it has, within max_backlog. With replicas: without
        // them db2 is db1's only semi-synchronous replica, and db1's commits (and the monitor's heartbeat writes,
        // which hold its rounds up) wait rpl_semi_sync_master_timeout (10 s) once db2 is frozen
        try (Cluster c = Cluster.ring(dir, 28200, 3, 1).startMonitor()) {
            HostConfig w = c.host("db1");
            RouterLoad.prepare(w.port(), c.config.monitorUser());
            List<Long> acked;
            Staleness watch = new Staleness(c);
            try (RouterLoad load = new RouterLoad(w.port(), c.config.monitorUser(), Duration.ofSeconds(2)).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged().size() > 300);
                watch.start();
                long frozenAt = System.nanoTime();
                c.sandbox.freeze("db2");
                try {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                            c.monitor.state().ring().isOut("db2")
                                    && "db1".equals(c.monitor.state().sources().get("db3")));
                    long closedMs = (System.nanoTime() - frozenAt) / 1_000_000;
                    await().atMost(Duration.ofSeconds(20)).until(() -> watch.fresh("db3"));
                    long freshMs = (System.nanoTime() - frozenAt) / 1_000_000;
                    System.out.printf("RING-HEAL-FREEZE freeze db2 -> ring closed (db3<-db1) in %d ms; "
                            + "db3 fresh again after %d ms; worst staleness of a reader-role holder %d ms (%s); db3 "
                            + "lost its role: %s, db5: %s%n", closedMs, freshMs, watch.worstMs(), watch.worstHost(),
                            watch.dropped("db3"), watch.dropped("db5"));
                    assertReadsFrom(c, "db3", "db1");
                    // db5 moves under db3 with the ring, or under the writer first when its own IO thread gave the
                    // frozen db2 up before db3's did (the orphan rescue)
                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            List.of("db1", "db3").contains(c.monitor.state().sources().get("db5")));
                    assertReadsFrom(c, "db5", c.monitor.state().sources().get("db5"));
                    System.out.printf("RING-HEAL-FREEZE db5 under %s%n", c.monitor.state().sources().get("db5"));
                } finally {
                    c.sandbox.thaw("db2");
                }
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        c.monitor.state().host("db2").state() == HostState.AWAITING_RECOVERY);
                assertThat(c.monitor.state().ring().isOut("db2")).isTrue();
                c.monitor.setOnline("db2");
                await().atMost(Duration.ofSeconds(60)).until(() -> !c.monitor.state().ring().isOut("db2")
                        && "db2".equals(c.monitor.state().sources().get("db3")));
                assertReadsFrom(c, "db3", "db2");
                assertReadsFrom(c, "db5", "db2");
                Thread.sleep(1000);
                watch.close();
                load.close();
                acked = load.acknowledged();
            }
            assertThat(watch.worstMs()).as("stalest reader-role holder (%s)", watch.worstHost())
                    .isLessThan(STALE_LIMIT_MS);
            assertConverged(c, acked);
        }
    }

    /** The host's replication link reads from {@code source} with both threads running (waits up to 10 s). */
    private static void assertReadsFrom(Cluster c, String host, String source) {
        HostConfig s = c.host(source);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ReplicaLink l = c.sql.replicaLink(c.host(host)).orElseThrow();
            assertThat(l.readsFrom(s.address(), s.port())).as(host + " reads from " + source).isTrue();
            assertThat(l.threadsRunning()).as(host + " threads: " + l.problem()).isTrue();
            assertThat(l.usingGtid()).isTrue();
        });
    }

    /** Every host has every acknowledged row and the same gtid_current_pos. */
    private static void assertConverged(Cluster c, List<Long> acked) throws Exception {
        GtidPosition target = c.sql.binlogPosition(c.host("db1"));
        for (HostConfig h : c.config.hosts()) {
            assertThat(c.sql.waitForGtid(h, target, Duration.ofSeconds(60), "test")).as(h.name()).isTrue();
            Set<Long> present = new HashSet<>();
            try (Connection n = Connections.open(h.address(), h.port(), c.config.monitorUser(), Duration.ofSeconds(10));
                 Statement st = n.createStatement();
                 ResultSet r = st.executeQuery("SELECT id FROM " + RouterLoad.TABLE)) {
                while (r.next()) {
                    present.add(r.getLong(1));
                }
            }
            assertThat(acked.stream().filter(i -> !present.contains(i)).toList())
                    .as("acknowledged rows missing on " + h.name()).isEmpty();
        }
        assertSamePositions(c);
        System.out.printf("RING-HEAL %d acknowledged rows on all %d hosts%n", acked.size(), c.config.hosts().size());
    }

    private static void assertSamePositions(Cluster c) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> positions = new HashSet<>();
            for (HostConfig h : c.config.hosts()) {
                positions.add(c.sql.currentPosition(h).toString());
            }
            assertThat(positions).as("gtid_current_pos of every host").hasSize(1);
        });
    }

    private static long count(Cluster c, HostConfig h, String query) throws SQLException {
        return Long.parseLong(c.sql.queryString(h, query));
    }

    /**
     * Samples, every 100 ms, how long each holder of the reader role has lacked one of the writer's transactions:
     * the writer's gtid_binlog_pos in its own domain is sampled with the time; a host at sequence {@code s} lacks
     * transaction {@code s + 1}, which the writer had since the first sample that showed it (so the figure is at most
     * one sampling period late). A commit the writer itself holds back (semi-synchronous wait) is not counted before
     * the writer shows it. Remembers the worst value seen of a host that still held the role after the sample.
     */
    private static final class Staleness implements AutoCloseable {
        private final Cluster c;
        private final Map<String, Long> latest = new ConcurrentHashMap<>();
        private final io.ringmaster.mysql.SqlActions quick;
        private final Set<String> dropped = ConcurrentHashMap.newKeySet();
        private final java.util.TreeMap<Long, Long> firstSeenAt = new java.util.TreeMap<>(); // writer seq -> nanos
        private volatile List<String> holders = List.of();
        private volatile long worst;
        private volatile String worstHost = "-";
        private volatile boolean running = true;
        private final Thread thread;

        Staleness(Cluster c) {
            this.c = c;
            // a frozen host must not hold the sampling up for long
            this.quick = new io.ringmaster.mysql.SqlActions(io.ringmaster.mysql.MariaDbDialect.INSTANCE,
                    c.config.monitorUser(), c.config.replicationUser(), Duration.ofMillis(500));
            this.thread = new Thread(this::loop, "ring-it-staleness");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            while (running) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                long domain;
                try {
                    HostConfig w = c.host(c.writer().orElseThrow());
                    domain = Long.parseLong(quick.queryString(w, "SELECT @@gtid_domain_id"));
                    long seq = quick.binlogPosition(w).seq(domain);
                    long t = System.nanoTime();
                    if (firstSeenAt.isEmpty() || firstSeenAt.lastKey() < seq) {
                        firstSeenAt.put(seq, t);
                    }
                } catch (SQLException | RuntimeException e) {
                    continue;
                }
                List<String> now = c.monitor.state().holders("reader");
                holders.stream().filter(h -> !now.contains(h)).forEach(dropped::add);
                holders = now;
                for (String h : now) {
                    try {
                        long has = quick.currentPosition(c.host(h)).seq(domain);
                        long t = System.nanoTime();
                        // the first sample at which the writer had more than this host
                        Map.Entry<Long, Long> lacks = firstSeenAt.higherEntry(has);
                        long stale = lacks == null ? 0 : (t - lacks.getValue()) / 1_000_000;
                        latest.put(h, stale);
                        if (stale > worst && c.monitor.state().holders("reader").contains(h)) {
                            worst = stale;
                            worstHost = h;
                        }
                    } catch (SQLException | RuntimeException e) {
                        latest.remove(h); // dead or frozen: clients cannot read stale data from it either
                    }
                }
            }
        }

        /** The host was sampled less than a second behind the writer. */
        boolean fresh(String host) {
            Long s = latest.get(host);
            return s != null && s < 1000;
        }

        /** The host lost the reader role at some point while sampled. */
        boolean dropped(String host) {
            return dropped.contains(host);
        }

        long worstMs() {
            return worst;
        }

        String worstHost() {
            return worstHost;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
