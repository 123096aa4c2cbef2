package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.agent.HostCommand;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.sandbox.MariaDbBinaries;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents of a real sandbox (one {@code ringmaster agent} process per host, started by {@code Sandbox.up} with the
 * CLI jar), driven through their API as the monitor would: role addresses on {@code lo} under each agent's own
 * label, the writer lease that fences its own server, and the SIGSTOP drill (a frozen writer told to fence must
 * not acknowledge a single write after the agent confirmed). Needs root (aliases, nftables).
 */
class AgentAddressesIT {
    private static final int BASE_PORT = 31000;
    private static final long LEASE_MS = 3000;

    @Test
    void shouldKeepRoleAddressesOnALeaseFenceAFrozenWriterAndCleanUp(@TempDir Path dir) throws Exception {
        assumeTrue("0".equals(HostCommand.run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip()),
                "needs root for loopback aliases and nftables");
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        Path jar = Path.of("..", "cli", "target", "ringmaster.jar").toAbsolutePath().normalize();
        Sandbox sandbox = Sandbox.up(SandboxSpec.of(dir.resolve("sb")).withBasePort(BASE_PORT).withTopology(2, 1),
                MariaDbBinaries.locate(), List.of(javaCmd, "-jar", jar.toString()));
        try {
            RingmasterConfig config = sandbox.config();
            String writerIp = role(config, "writer").ips().get(0);
            List<String> readerIps = role(config, "reader").ips();
            AgentClient db1 = client(config, "db1");
            AgentClient db2 = client(config, "db2");
            String label1 = "lo:rm" + db1.agent().port();
            String label2 = "lo:rm" + db2.agent().port();
            Path socket1 = db1.agent().socket().orElseThrow();

            // ---- the writer address on this agent's label; another agent's addresses untouched
            sql(socket1, "SET GLOBAL read_only=OFF");
            JsonNode a = instruct(db1, true, List.of(writerIp), List.of(readerIps.get(0)), 1, false);
            assertThat(a.path("writer").asBoolean()).isTrue();
            assertThat(a.path("writer_held").asBoolean()).isTrue();
            assertThat(a.path("vip").asBoolean()).isTrue();
            instruct(db2, false, List.of(), List.of(readerIps.get(1)), 1, false);
            assertThat(labelled(label1)).containsExactlyInAnyOrder(writerIp, readerIps.get(0));
            assertThat(labelled(label2)).containsExactly(readerIps.get(1));
            assertThatThrownBy(() -> instruct(db1, false, List.of(), List.of(), 0, true))
                    .isInstanceOf(AgentException.class).satisfies(e -> assertThat(((AgentException) e).status())
                            .isEqualTo(409));
            assertThat(labelled(label1)).contains(writerIp);

            // ---- no renewal: within lease + 1 s the writer address is gone and the server is read-only
            long renewed = System.nanoTime();
            instruct(db1, true, List.of(writerIp), List.of(readerIps.get(0)), 1, false);
            long received = System.nanoTime();
            await(Duration.ofMillis(LEASE_MS + 3000), () -> !labelled(label1).contains(writerIp)
                    && "1".equals(sqlValue(socket1, "SELECT @@read_only")));
            long gone = (System.nanoTime() - received) / 1_000_000;
            System.out.printf("writer lease expiry: address gone and read_only=ON %d ms after the last answer "
                    + "(%d ms after the request)%n", gone, (System.nanoTime() - renewed) / 1_000_000);
            assertThat(gone).isLessThanOrEqualTo(LEASE_MS + 1000);
            assertThat(labelled(label1)).containsExactly(readerIps.get(0));
            assertThat(labelled(label2)).containsExactly(readerIps.get(1));
            assertThat(db1.get("status").path("addresses").path("fenced").asBoolean()).isTrue();

            // ---- the SIGSTOP drill
            sql(socket1, "SET GLOBAL read_only=OFF");
            sql(socket1, "CREATE DATABASE IF NOT EXISTS vipit");
            sql(socket1, "CREATE TABLE vipit.w (seq BIGINT PRIMARY KEY, at_ms BIGINT)");
            // an application account: root has READ ONLY ADMIN and writes through read_only
            sql(socket1, "CREATE USER 'vipapp'@'127.0.0.1' IDENTIFIED BY 'vipapp-pw'");
            sql(socket1, "GRANT SELECT, INSERT ON vipit.* TO 'vipapp'@'127.0.0.1'");
            instruct(db1, true, List.of(writerIp), List.of(readerIps.get(0)), 2, false);
            AtomicBoolean renew = new AtomicBoolean(true);
            Thread renewer = new Thread(() -> {
                while (renew.get()) {
                    try {
                        instruct(db1, true, List.of(writerIp), List.of(readerIps.get(0)), 2, false);
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the next round tries again
                    }
                }
            }, "it-renewer");
            renewer.setDaemon(true);
            renewer.start();
            WriteClient writes = new WriteClient(sandbox.server("db1").port());
            writes.start();
            try {
                await(Duration.ofSeconds(20), () -> writes.acks.size() >= 20);
                sandbox.freeze("db1");
                long frozen = System.nanoTime(); // db1 is in state T: nothing sent from now on reaches its SQL
                renew.set(false);
                renewer.join(3000);
                long before = System.nanoTime();
                JsonNode f = instruct(db1, false, List.of(), List.of(readerIps.get(0)), 2, true);
                long confirmed = System.nanoTime();
                long answerMs = (confirmed - before) / 1_000_000;
                System.out.printf("fence=true answered in %d ms while db1 was frozen: %s%n", answerMs, f);
                assertThat(f.path("blocked").asBoolean()).isTrue();
                assertThat(f.path("fence_pending").asBoolean()).isTrue();
                assertThat(f.path("writer_held").asBoolean()).isFalse();
                assertThat(answerMs).isLessThan(1500);
                assertThat(HostCommand.run(List.of("nft", "list", "table", "inet", "ringmaster_db1_"
                        + sandbox.server("db1").port()), Duration.ofSeconds(5)).ok()).isTrue();
                Thread.sleep(1000);
                sandbox.thaw("db1");
                await(Duration.ofSeconds(20), () -> {
                    JsonNode s = status(db1);
                    return s.path("fenced").asBoolean() && !s.path("blocked").asBoolean();
                });
                long lifted = System.nanoTime();
                System.out.printf("block window (answer to lift, incl. 1 s frozen): %d ms; lifted %d ms after thaw"
                        + "%n", (lifted - confirmed) / 1_000_000, (lifted - confirmed) / 1_000_000 - 1000);
                Thread.sleep(1000);
                writes.stop();
                // an ack stamped after the confirmation is a violation when its insert was sent once db1 was frozen
                // (only the thawed server can have taken it); one sent before may have been answered before the
                // freeze and read late by a starved client thread (seen once in CI: insert #22, the one in flight)
                List<long[]> late = writes.acks.stream().filter(x -> x[2] > confirmed).toList();
                assertThat(late.stream().filter(x -> x[1] >= frozen).map(x -> x[0]).toList())
                        .as("inserts sent to the frozen db1 and acknowledged after the fence was confirmed").isEmpty();
                assertThat(late).as("acks read after the confirmation (at most the insert in flight at the freeze)")
                        .hasSizeLessThanOrEqualTo(1);
                assertThat(sqlValue(socket1, "SELECT @@read_only")).isEqualTo("1");
                long rows = Long.parseLong(sqlValue(socket1, "SELECT COUNT(*) FROM vipit.w"));
                System.out.printf("acknowledged inserts: %d, rows on db1: %d (committed, never acknowledged: %d)%n",
                        writes.acks.size(), rows, rows - writes.acks.size());
                assertThat(rows).isGreaterThanOrEqualTo(writes.acks.size());
                try (Connection c = tcp(sandbox.server("db1").port()); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue(); // the block is lifted: the port answers again
                }
            } finally {
                renew.set(false);
                writes.stop();
            }
        } finally {
            try (var lines = java.nio.file.Files.lines(sandbox.dir().resolve("agents").resolve("db1.log"))) {
                lines.filter(l -> l.matches(".*(Fence|PortBlock|fence|AddressPart).*")).forEach(l ->
                        System.out.println("db1 agent: " + l));
            } catch (Exception e) {
                System.out.println("no agent log: " + e);
            }
            sandbox.close();
        }
        // ---- sandbox down removed every alias and table of its agents
        for (int i = 1; i <= 4; i++) {
            assertThat(labelled("lo:rm" + (BASE_PORT + 48 + i))).isEmpty();
            assertThat(HostCommand.run(List.of("nft", "list", "table", "inet", "ringmaster_db" + i + "_"
                    + (BASE_PORT + i)), Duration.ofSeconds(5)).ok()).isFalse();
        }
    }

    /**
     * Inserts into db1's port on its own connection, reconnecting; records (seq, send nanoTime, ack nanoTime) of each
     * ack.
     */
    private static final class WriteClient {
        final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>();
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        WriteClient(int port) {
            this.port = port;
            this.thread = new Thread(this::run, "it-direct-writes");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        private void run() {
            long seq = 0;
            while (running.get()) {
                try (Connection c = tcp(port, "vipapp", "vipapp-pw"); Statement st = c.createStatement()) {
                    while (running.get()) {
                        seq++;
                        long sent = System.nanoTime();
                        st.executeUpdate("INSERT INTO vipit.w VALUES (" + seq + ", " + System.currentTimeMillis()
                                + ")");
                        acks.add(new long[] {seq, sent, System.nanoTime()});
                    }
                } catch (SQLException e) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private static Connection tcp(int port) throws SQLException {
        return tcp(port, "root", "");
    }

    private static Connection tcp(int port, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "1000");
        p.setProperty("socketTimeout", "2000");
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
    }

    private static Connection socket(Path socket) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("localSocket", socket.toString());
        p.setProperty("connectTimeout", "2000");
        p.setProperty("socketTimeout", "5000");
        return DriverManager.getConnection("jdbc:mariadb://localhost/", p);
    }

    private static void sql(Path socket, String statement) throws SQLException {
        try (Connection c = socket(socket); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static String sqlValue(Path socket, String query) {
        try (Connection c = socket(socket); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private static RoleConfig role(RingmasterConfig c, String name) {
        return c.role(name).orElseThrow();
    }

    private static AgentClient client(RingmasterConfig c, String host) {
        AgentConfig a = c.agents().agent(host).orElseThrow();
        return new AgentClient(c.agents(), a);
    }

    private static JsonNode instruct(AgentClient agent, boolean writer, List<String> writerIps, List<String> readerIps,
                                     long epoch, boolean fence) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("writer", writer);
        body.put("writer_ips", writerIps);
        body.put("reader_ips", readerIps);
        body.put("lease_ms", LEASE_MS);
        body.put("epoch", epoch);
        body.put("fence", fence);
        body.put("reason", "AgentAddressesIT");
        return agent.post("addresses", body, Duration.ofSeconds(3));
    }

    private static JsonNode status(AgentClient agent) {
        try {
            return agent.get("status").path("addresses");
        } catch (Exception e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** The /32 addresses on lo under one label. */
    private static List<String> labelled(String label) {
        try {
            HostCommand.Result r = HostCommand.run(List.of("ip", "-o", "-4", "addr", "show", "dev", "lo", "label",
                    label), Duration.ofSeconds(5));
            List<String> out = new ArrayList<>();
            var m = java.util.regex.Pattern.compile("inet (\\S+)/32").matcher(r.output());
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout.toMillis() + " ms");
            }
            Thread.sleep(50);
        }
    }
}
