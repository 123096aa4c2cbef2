package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.monitor.HttpApi;
import io.ringmaster.monitor.Monitor;
import io.ringmaster.monitor.RecoveryRecord;
import io.ringmaster.mysql.Connections;
import io.ringmaster.sandbox.ServerLayout;
import io.ringmaster.tools.bootstrap.Bootstrap;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faithful role address test: every database host is a network namespace of its own ({@link HostNetworks}) on
 * one bridge, its mariadbd on {@code 10.232.77.(10+N):3306} and its real agent inside it; the monitor and the
 * client run in the root namespace. The writer address {@code 10.232.77.100} goes on the holder's interface with
 * gratuitous ARP, so the client's neighbour cache follows it. Then the writer is cut from the monitor only (nft
 * inside its namespace): its agent drops the address and sets read_only by itself within its lease, and the
 * monitor fails over only after that lease.
 */
class VipNetnsIT {
    private static final int BASE_PORT = 32300;
    private static final String NET = "10.232.77.";
    private static final String WRITER_IP = NET + "100";
    private static final String TOKEN = "0123456789abcdef-agent-token-vm";

    @Test
    void shouldMoveTheWriterAddressBetweenHostsAndFenceAWriterCutFromTheMonitor(@TempDir Path dir)
            throws Exception {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("needs root for ip netns").isEqualTo("root");
        List<AutoCloseable> open = new ArrayList<>(); // monitor, then agents, closed before servers and namespaces
        try (HostNetworks net = HostNetworks.create("rmvm", NET, 4);
             PlainServers p = PlainServers.start(dir, BASE_PORT, 3, net, yaml -> withAgents(yaml, dir, net));
             AutoCloseable ignored = () -> closeAll(open, dir)) {
            for (String h : p.servers.keySet()) {
                p.root(h, "SET SESSION sql_log_bin = 0",
                        "CREATE USER 'rmon'@'%' IDENTIFIED BY '" + PlainServers.MONITOR_PASSWORD + "'",
                        "GRANT ALL PRIVILEGES ON *.* TO 'rmon'@'%' WITH GRANT OPTION",
                        "CREATE USER 'repl'@'%' IDENTIFIED BY '" + PlainServers.REPL_PASSWORD + "'",
                        "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'repl'@'%'");
            }
            RingmasterConfig config = p.config;
            Bootstrap b = new Bootstrap(config, s -> { });
            b.apply(b.plan(), Duration.ofSeconds(60));
            VipWatch vips = new VipWatch(config);
            for (int i = 1; i <= 3; i++) {
                open.add(AgentProcess.start(p.configFile, "db" + i, net.inNamespace(i),
                        dir.resolve("agent-db" + i + ".log")));
            }
            for (int i = 1; i <= 3; i++) {
                String h = "db" + i;
                await().atMost(Duration.ofSeconds(60)).until(() -> vips.status(h) != null);
            }
            Monitor monitor = new Monitor(config, Clock.systemUTC());
            HttpApi api = new HttpApi(monitor);
            open.add(api);
            open.add(monitor);
            api.start();
            monitor.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> monitor.ready()
                    && monitor.state().holder("writer").filter("db1"::equals).isPresent());
            List<String> namespaces = List.of(net.namespace(1), net.namespace(2), net.namespace(3));
            await().atMost(Duration.ofSeconds(20)).until(() -> vips.holders(WRITER_IP).equals(List.of("db1"))
                    && VipWatch.listed(net.namespace(1), WRITER_IP) == 1);

            // the client reaches the writer through the writer address
            assertThat(serverIdVia(config)).isEqualTo("101");
            assertThat(net.neighbour(WRITER_IP)).contains(net.mac(1));

            vips.startSampling(WRITER_IP, namespaces);
            long killedAt = System.nanoTime();
            p.servers.get("db1").kill("drill: SIGKILL of the writer");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> "102".equals(serverIdVia(config)));
            long reachedMs = (System.nanoTime() - killedAt) / 1_000_000;
            await().atMost(Duration.ofSeconds(30)).until(() -> monitor.state().holder("writer")
                    .filter("db2"::equals).isPresent() && vips.holders(WRITER_IP).equals(List.of("db2")));
            assertThat(net.neighbour(WRITER_IP)).as("gratuitous ARP updated the client side")
                    .contains(net.mac(2));
            RecoveryRecord first = monitor.recoveries().get(0);
            assertThat(step(first, "fence db1 through its agent").detail())
                    .startsWith("agent of db1 confirmed: writer address removed");
            System.out.printf("VIP-TIMING netns kill: agent confirmation %d ms, kill to client on the new writer "
                    + "through %s: %d ms%n", step(first, "fence db1 through its agent").millis(), WRITER_IP,
                    reachedMs);

            // the writer's namespace cut from the monitor only: its agent gets no renewal
            long lease = config.agents().lease().toMillis();
            long cutAt = System.nanoTime();
            net.cutFromMonitor(2);
            await().atMost(Duration.ofMillis(lease + 5000)).pollInterval(Duration.ofMillis(20))
                    .until(() -> VipWatch.listed(net.namespace(2), WRITER_IP) == 0);
            long droppedMs = (System.nanoTime() - cutAt) / 1_000_000;
            await().atMost(Duration.ofMillis(lease + 5000)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> "1".equals(p.rootQuery("db2", "SELECT @@global.read_only"))); // it kills sessions
            long readOnlyMs = (System.nanoTime() - cutAt) / 1_000_000;
            await().atMost(Duration.ofSeconds(40)).until(() -> monitor.state().holder("writer")
                    .filter("db3"::equals).isPresent());
            long failedOverMs = (System.nanoTime() - cutAt) / 1_000_000;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> "103".equals(serverIdVia(config)));
            vips.close();
            System.out.printf("VIP-TIMING netns cut (lease %d ms): agent dropped the writer address after %d ms, "
                    + "read_only after %d ms, monitor failed over after %d ms%n", lease, droppedMs, readOnlyMs,
                    failedOverMs);
            assertThat(droppedMs).as("within its lease (plus slack)").isLessThan(lease + 2000);
            assertThat(failedOverMs).as("the failover comes after the lease").isGreaterThan(droppedMs);
            RecoveryRecord second = monitor.recoveries().get(0);
            assertThat(second.from()).isEqualTo("db2");
            assertThat(step(second, "fence db2 through its agent").detail())
                    .startsWith("agent of db2 unreachable: its lease ran out");
            assertThat(vips.doubles()).as("samples with the writer address in two namespaces").isEmpty();
            assertThat(vips.maxListed()).isEqualTo(1);
            assertThat(vips.samples()).isGreaterThan(20);
        }
    }

    /** Closes monitor and agents (newest first) and keeps the agents' logs under {@code target/vip-netns-logs}. */
    private static void closeAll(List<AutoCloseable> open, Path dir) {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.err.println("cannot close " + open.get(i) + ": " + e.getMessage());
            }
        }
        try {
            Path keep = Path.of("target", "vip-netns-logs");
            java.nio.file.Files.createDirectories(keep);
            for (int i = 1; i <= 3; i++) {
                Path log = dir.resolve("agent-db" + i + ".log");
                if (java.nio.file.Files.exists(log)) {
                    java.nio.file.Files.copy(log, keep.resolve(log.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (java.io.IOException e) {
            System.err.println("cannot keep the agents' logs: " + e.getMessage());
        }
    }

    private static RecoveryRecord.StepRecord step(RecoveryRecord r, String name) {
        return r.steps().stream().filter(s -> s.step().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step '" + name + "' in " + r.steps()));
    }

    /** @@server_id of whatever answers on the writer address, from the root namespace. */
    private static String serverIdVia(RingmasterConfig config) throws Exception {
        try (Connection c = Connections.open(WRITER_IP, 3306, config.monitorUser(), Duration.ofMillis(1000));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The writer address on the writer role and one agent per master, inside its namespace. */
    private static String withAgents(String yaml, Path dir, HostNetworks net) {
        // a second failover within the test: no anti-flap block
        String out = yaml.replace("prefer: db1}", "prefer: db1, ips: [" + WRITER_IP + "]}")
                .replace("  state_file: state.json\n", "  state_file: state.json\n  failover_block_period: 1s\n");
        // adding an address on a real interface takes the agent ~4-6 s before it answers (arping -D, then the
        // gratuitous ARP bursts, all before the answer): the request bound and the lease must be longer than that
        StringBuilder b = new StringBuilder(out).append("agents:\n  token: \"").append(TOKEN)
                .append("\"\n  timeout: 8s\n  lease: 10s\n  hosts:\n");
        for (int i = 1; i <= 3; i++) {
            ServerLayout l = new ServerLayout(dir.resolve("db" + i));
            b.append("    - {name: db").append(i).append(", address: ").append(net.address(i))
                    .append(", interface: ").append(net.device(i)).append(", socket: \"").append(l.socket())
                    .append("\", data_dir: \"").append(l.dataDir()).append("\"}\n");
        }
        return b.toString();
    }
}
