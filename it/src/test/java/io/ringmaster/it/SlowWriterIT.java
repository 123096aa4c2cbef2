package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.monitor.RecoveryRecord;
import io.ringmaster.mysql.Connections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow but alive writer is never failed over. Everything reaches the writer db1 through a {@link DelayProxy}, as
 * when db1's network is slow or lossy: the monitor's configuration names db1 at the proxy's port, and db2 and db3
 * (the hosts replicating from db1) are repointed at the proxy too, so the monitor and the replicas see the same
 * db1. The proxy's latency is raised in steps up to just under the check timeout, and new connections are lost
 * (reset, or accepted and left silent past the timeout), while a client writes to db1 through the proxy; every
 * 100 ms the test checks the writer is db1, db2 (read directly on its own port) is read-only, and no writer change
 * was recorded. Then a latency above the check timeout: the monitor's short probes fail, the replicas' long-lived
 * binlog connections (heartbeat every 2 s, slave_net_timeout 4 s) keep flowing, and the monitor reports the writer
 * unreachable from the monitor only instead of failing over. Ports 26300-26499.
 */
class SlowWriterIT {
    private static final int BASE_STEPS = 26300;
    private static final int BASE_BEYOND = 26400;
    private static final int PROXY_OFFSET = 10;

    @Test
    void shouldNeverFailOverWriterThatIsSlowOrLosesProbes(@TempDir Path dir) throws Exception {
        try (DelayProxy proxy = new DelayProxy(BASE_STEPS + PROXY_OFFSET, BASE_STEPS + 1);
             Cluster c = Cluster.up(dir, BASE_STEPS, 1)) {
            HostConfig db1Direct = startThroughProxy(c, proxy, BASE_STEPS);
            int recordsBefore = c.monitor.recoveries().size();

            Watch w = new Watch(c, recordsBefore, proxy);
            Load load = new Load(c, proxy.port()).start();
            w.extra = load::toString;
            try (load) {
                w.phase("latency 200+-50 ms", 4000, () -> proxy.delay(200, 0, 50));
                w.phase("latency 400+-100 ms", 4000, () -> proxy.delay(400, 0, 100));
                w.phase("latency 700+-100 ms both ways", 4000, () -> proxy.delay(700, 50, 100));
                w.phase("latency 900+-80 ms", 4000, () -> proxy.delay(900, 0, 80));
                w.phase("50% of new connections reset", 3500, () -> proxy.delay(100, 0, 50).dropNewConnections(0.5));
                w.phase("50% of new connections silent for 3 s", 3500,
                        () -> proxy.dropNewConnections(0).stallNewConnections(0.5, 3000));
                w.phase("latency 700 ms, 30% reset, 30% silent", 4000,
                        () -> proxy.delay(700, 0, 100).dropNewConnections(0.3).stallNewConnections(0.3, 3000));
                proxy.healthy();
                long healedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    w.sample("healing");
                    return healthy(c);
                });
                System.out.printf("SLOW-WRITER healthy again %d ms after the proxy healed%n",
                        (System.nanoTime() - healedAt) / 1_000_000);
                long okBefore = load.ok.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > okBefore + 20);
                load.close();
            } finally {
                System.out.println("SLOW-WRITER load: " + load);
                System.out.println("SLOW-WRITER proxy: " + proxy);
                w.report();
            }
            assertThat(w.violations).as("safety violations").isEmpty();
            assertThat(c.monitor.recoveries()).hasSize(recordsBefore);
            assertThat(c.writableHosts()).containsExactly("db1");
            assertThat(c.writer()).contains("db1");
            assertThat(c.monitor.state().host("db1").state()).isEqualTo(HostState.ONLINE);
            // replication through the proxy still works: what db1 wrote reaches db2 and db3
            var target = c.sql.binlogPosition(db1Direct);
            for (String h : List.of("db2", "db3")) {
                assertThat(c.sql.waitForGtid(c.host(h), target, Duration.ofSeconds(20), "test")).as(h).isTrue();
            }
        }
    }

    /**
     * Creates the test table on db1, sends every path to db1 through the proxy, starts the monitor.
     *
     * @return db1's direct address (the configuration now names the proxy)
     */
    private static HostConfig startThroughProxy(Cluster c, DelayProxy proxy, int base) throws Exception {
        HostConfig db1Direct = c.host("db1");
        c.sql.exec(db1Direct, "CREATE DATABASE slow",
                "CREATE TABLE slow.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
        throughProxy(c, proxy, base);
        c.startMonitor();
        assertThat(c.writer()).contains("db1");
        assertThat(c.host("db1").port()).isEqualTo(proxy.port());
        return db1Direct;
    }

    @Test
    void shouldReportWriterUnreachableFromMonitorOnlyWhenLatencyExceedsTimeout(@TempDir Path dir)
            throws Exception {
        try (DelayProxy proxy = new DelayProxy(BASE_BEYOND + PROXY_OFFSET, BASE_BEYOND + 1);
             Cluster c = Cluster.up(dir, BASE_BEYOND, 1)) {
            HostConfig db1Direct = startThroughProxy(c, proxy, BASE_BEYOND);
            int recordsBefore = c.monitor.recoveries().size();
            Watch w = new Watch(c, recordsBefore, proxy);
            try {
                // 3 s of latency: a login needs several round trips, each bounded by the 1 s timeout, so every
                // probe fails; the binlog streams keep flowing (a heartbeat every 2 s, each 3 s late, under the
                // 4 s net timeout). The latency grows in steps of 500 ms: a jump adds itself once to the gap
                // between two heartbeats, and a jump of 3 s at once would make a 5 s gap, which the replicas take
                // for a dead source (they reconnect, and the monitor rightly counts them as confirming)
                long t0 = System.nanoTime();
                for (long ms = 500; ms <= 3000; ms += 500) {
                    long d = ms;
                    w.phase("latency ramp " + d + "+-100 ms", 1200, () -> proxy.delay(d, 0, 100));
                }
                String unreachable = "cannot reach writer db1";
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    w.sample("3 s latency, until the finding");
                    return c.monitor.findings().stream().anyMatch(f -> f.contains(unreachable));
                });
                System.out.printf("SLOW-WRITER finding %d ms after the ramp began: %s%n",
                        (System.nanoTime() - t0) / 1_000_000, c.monitor.findings());
                assertThat(c.monitor.findings()).anyMatch(f -> f.contains(unreachable) && f.contains("db2")
                        && f.contains("db3"));
                // a write made on db1 (directly: no client of db1 is tested here) reaches both replicas through
                // the slow link
                c.sql.exec(db1Direct, "INSERT INTO slow.t (v) VALUES ('while the monitor cannot reach db1')");
                var target = c.sql.binlogPosition(db1Direct);
                w.phase("3 s latency, 15 s of no failover", 15000, () -> { });
                assertThat(w.violations).as("safety violations").isEmpty();
                for (String h : List.of("db2", "db3")) {
                    Optional<ReplicaLink> link = c.sql.replicaLink(c.host(h));
                    assertThat(link).as(h + " replicates").isPresent();
                    assertThat(link.get().ioRunning()).as(h + " IO thread " + link.get().ioState()).isTrue();
                    assertThat(c.sql.waitForGtid(c.host(h), target, Duration.ofSeconds(1), "test"))
                            .as(h + " applied the write made through the slow link").isTrue();
                }
                assertThat(c.monitor.findings()).anyMatch(f -> f.contains(unreachable));
                assertThat(c.monitor.observations().get("db1").sqlOk()).as("the monitor really cannot log in")
                        .isFalse();

                proxy.healthy();
                long healedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    w.sample("healing");
                    return healthy(c);
                });
                System.out.printf("SLOW-WRITER healthy again %d ms after the proxy healed%n",
                        (System.nanoTime() - healedAt) / 1_000_000);
            } finally {
                System.out.println("SLOW-WRITER proxy: " + proxy);
                w.report();
            }
            assertThat(w.violations).as("safety violations").isEmpty();
            assertThat(c.monitor.recoveries()).hasSize(recordsBefore);
            assertThat(c.writableHosts()).containsExactly("db1");
        }
    }

    /**
     * Points the monitor and every host replicating from db1 (db2, db3) at the proxy: CHANGE MASTER on each, then
     * db1's port in the config file replaced by the proxy's. Before the monitor starts.
     */
    private static void throughProxy(Cluster c, DelayProxy proxy, int base) throws Exception {
        int real = base + 1;
        String user = c.config.replicationUser().user();
        String password = c.config.replicationUser().password().reveal();
        for (String h : List.of("db2", "db3")) {
            c.sql.exec(c.host(h), "STOP SLAVE",
                    "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + proxy.port() + ", MASTER_USER='"
                            + user + "', MASTER_PASSWORD='" + password.replace("'", "''")
                            + "', MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=2, MASTER_USE_GTID=slave_pos",
                    "START SLAVE");
        }
        String before = "name: db1, address: 127.0.0.1, port: " + real + ",";
        c.editConfig(y -> {
            assertThat(y).contains(before);
            return y.replace(before, "name: db1, address: 127.0.0.1, port: " + proxy.port() + ",");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (String h : List.of("db2", "db3")) {
                Optional<ReplicaLink> l = c.sql.replicaLink(c.host(h));
                if (l.isEmpty() || !l.get().ioRunning() || !l.get().readsFrom("127.0.0.1", proxy.port())) {
                    return false;
                }
            }
            return true;
        });
    }

    private static boolean healthy(Cluster c) {
        return c.writer().filter("db1"::equals).isPresent()
                && c.monitor.state().hosts().values().stream().allMatch(h -> h.state() == HostState.ONLINE)
                && c.monitor.observations().get("db1").sqlOk()
                && c.monitor.findings().stream().noneMatch(f -> f.contains("cannot reach writer"));
    }

    /** The every-100-ms safety checks, and a log of what the monitor showed in each phase. */
    private static final class Watch {
        private final Cluster c;
        private final int recordsBefore;
        private final DelayProxy proxy;
        private final Map<String, long[]> proxyAt = new LinkedHashMap<>();
        final List<String> violations = new ArrayList<>();
        private final Map<String, Set<String>> seen = new LinkedHashMap<>();
        private final Map<String, long[]> counts = new LinkedHashMap<>();
        private Connection db2;
        private final long start = System.nanoTime();
        java.util.function.Supplier<String> extra = () -> "";

        Watch(Cluster c, int recordsBefore, DelayProxy proxy) {
            this.c = c;
            this.recordsBefore = recordsBefore;
            this.proxy = proxy;
        }

        void phase(String name, long ms, Runnable setup) throws InterruptedException {
            setup.run();
            System.out.printf("SLOW-WRITER phase '%s' at +%d ms %s%n", name, (System.nanoTime() - start) / 1_000_000,
                    extra.get());
            long end = System.nanoTime() + ms * 1_000_000;
            while (System.nanoTime() < end) {
                sample(name);
                Thread.sleep(100);
            }
        }

        void sample(String phase) {
            long[] n = counts.computeIfAbsent(phase, k -> new long[4]);
            n[0]++;
            long[] p = proxyAt.computeIfAbsent(phase, k -> new long[] {proxy.accepted(), 0, 0, 0,
                    proxy.dropped(), 0, proxy.stalled(), 0});
            p[1] = proxy.accepted();
            p[5] = proxy.dropped();
            p[7] = proxy.stalled();
            Set<String> s = seen.computeIfAbsent(phase, k -> new LinkedHashSet<>());
            String at = "+" + (System.nanoTime() - start) / 1_000_000 + " ms in '" + phase + "': ";
            Optional<String> writer = c.writer();
            if (!writer.equals(Optional.of("db1"))) {
                violations.add(at + "writer " + writer);
            }
            List<RecoveryRecord> records = c.monitor.recoveries();
            if (records.size() != recordsBefore) {
                violations.add(at + "writer change recorded: "
                        + records.stream().map(r -> r.kind() + " " + r.success()).toList());
            }
            String ro = db2ReadOnly();
            if (ro == null) {
                n[2]++;
            } else if (!"1".equals(ro)) {
                violations.add(at + "db2 read_only=" + ro);
            }
            HostRecord db1 = c.monitor.state().host("db1");
            s.add("db1 " + (db1 == null ? "-" : db1.state() + (db1.reason().isEmpty() ? "" : " (" + db1.reason() + ")")));
            HostObservation o = c.monitor.observations().get("db1");
            if (o != null) {
                n[3] = Math.max(n[3], Duration.between(o.at(), java.time.Instant.now()).toMillis());
            }
            if (o != null && !o.sqlOk()) {
                n[1]++;
                s.add("check: " + o.error().replaceAll("\\d+ ms", "N ms"));
            }
            c.monitor.findings().forEach(f -> s.add("finding: " + f));
        }

        /** db2's read_only through one direct connection (db2 is not behind the proxy), null when it fails. */
        private String db2ReadOnly() {
            try {
                if (db2 == null) {
                    HostConfig h = c.host("db2");
                    db2 = Connections.open(h.address(), h.port(), c.config.monitorUser(), Duration.ofSeconds(2));
                }
                try (Statement st = db2.createStatement(); ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                    rs.next();
                    return rs.getString(1);
                }
            } catch (SQLException e) {
                try {
                    if (db2 != null) {
                        db2.close();
                    }
                } catch (SQLException ignored) {
                    // gone
                }
                db2 = null;
                return null;
            }
        }

        void report() {
            seen.forEach((phase, s) -> {
                long[] n = counts.get(phase);
                long[] p = proxyAt.get(phase);
                System.out.printf("SLOW-WRITER '%s': %d samples, db1's latest check failed in %d, oldest %d ms;"
                        + " db2 unreadable in %d; proxy accepted %d connections (%d reset, %d left silent)%n",
                        phase, n[0], n[1], n[3], n[2], p[1] - p[0], p[5] - p[4], p[7] - p[6]);
                s.forEach(x -> System.out.println("SLOW-WRITER     " + x));
            });
            violations.forEach(v -> System.out.println("SLOW-WRITER VIOLATION " + v));
            try {
                if (db2 != null) {
                    db2.close();
                }
            } catch (SQLException ignored) {
                // gone
            }
        }
    }

    /** Inserts into db1 through the proxy, one connection at a time, reconnecting after a failure. */
    private static final class Load implements AutoCloseable {
        private final Cluster c;
        private final int port;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong maxMs = new AtomicLong();
        private volatile boolean stop;
        private volatile Connection conn;
        private Thread thread;

        Load(Cluster c, int port) {
            this.c = c;
            this.port = port;
        }

        Load start() {
            thread = Thread.ofPlatform().daemon().name("slow-writer-load").start(this::run);
            return this;
        }

        private void run() {
            long i = 0;
            while (!stop) {
                try {
                    if (conn == null) {
                        conn = Connections.open("127.0.0.1", port, c.config.monitorUser(), Duration.ofSeconds(5));
                    }
                    long t0 = System.nanoTime();
                    try (Statement st = conn.createStatement()) {
                        st.executeUpdate("INSERT INTO slow.t (v) VALUES ('row " + (i++) + "')");
                    }
                    ok.incrementAndGet();
                    maxMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    closeConn();
                    sleep();
                }
            }
            closeConn();
        }

        private void closeConn() {
            Connection k = conn;
            conn = null;
            if (k != null) {
                try {
                    k.close();
                } catch (SQLException ignored) {
                    // gone
                }
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return ok + " inserts acknowledged, " + failed + " failed, slowest " + maxMs + " ms";
        }

        /** Stops the load; bounded by the 5 s socket timeout of the statement in flight. */
        @Override
        public void close() throws InterruptedException {
            stop = true;
            if (thread != null) {
                thread.join(10_000);
                if (thread.isAlive()) {
                    thread.interrupt();
                    closeConn();
                }
            }
        }
    }
}
