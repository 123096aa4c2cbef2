package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.agent.HostCommand;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent stops while the fence of its frozen server is pending (a SIGTERM, as systemd's restart sends), then
 * starts again: the client block of the port must stay up the whole time and come down only after the new agent
 * has set read_only=ON on the thawed server. (Before: the stopping agent lifted the block and the new one removed
 * any block left behind, so a thawed server could take writes.) And an agent with no socket configured fences
 * through the server's own {@code @@socket}: over TCP its fence could not pass its own block. Real servers, agent
 * processes and nftables; needs root.
 */
class FenceResumeIT {
    static final int BASE_PORT = 31800;
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldKeepTheBlockAcrossAnAgentRestartAndFinishTheFence(@TempDir Path dir) throws Exception {
        assumeTrue("0".equals(HostCommand.run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip()),
                "needs root for nftables");
        String table = "ringmaster_db1_" + (BASE_PORT + 1);
        try (CloneKit kit = CloneKit.up(dir, BASE_PORT)) {
            try {
                int port = kit.cluster.host("db1").port();
                kit.cluster.sql.exec(kit.cluster.host("db1"), "SET GLOBAL read_only=OFF");
                assertThat(instruct(kit, true, 1, false).path("writer").asBoolean()).isTrue();
                kit.cluster.sandbox.freeze("db1");
                JsonNode f = instruct(kit, false, 2, true);
                assertThat(f.path("blocked").asBoolean()).as(f.toString()).isTrue();
                assertThat(f.path("fence_pending").asBoolean()).as(f.toString()).isTrue();

                kit.stopAgent("db1");
                assertThat(tableExists(table)).as("the block stays after the agent stopped with its fence pending")
                        .isTrue();
                assertThat(refused(port)).as("db1's port refuses clients while no agent runs").isTrue();

                kit.startAgent("db1");
                JsonNode s = status(kit);
                assertThat(s.path("blocked").asBoolean()).as(s.toString()).isTrue();
                assertThat(s.path("fence_pending").asBoolean()).as(s.toString()).isTrue();
                assertThat(refused(port)).isTrue();

                kit.cluster.sandbox.thaw("db1");
                System.out.printf("FenceResumeIT: the resumed fence landed and the block was lifted %d ms after the "
                        + "thaw%n", msUntilFencedAndLifted(kit));
                assertThat(kit.cluster.readOnly("db1")).isTrue();
                assertThat(tableExists(table)).isFalse();
                assertThat(refused(port)).as("the port answers again once fenced").isFalse();
                assertThat(CloneKit.tail(dir.resolve("agent-db1.log"))).doesNotContain("ERROR");
            } finally {
                cleanUp(kit, table);
            }
        }
    }

    @Test
    void shouldFenceThroughTheServersOwnSocketWhenNoneIsConfigured(@TempDir Path dir) throws Exception {
        assumeTrue("0".equals(HostCommand.run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip()),
                "needs root for nftables");
        String table = "ringmaster_db1_" + (BASE_PORT + 101);
        try (CloneKit kit = CloneKit.up(dir, BASE_PORT + 100)) {
            try {
                // a server Ringmaster did not set up: the agents section names no socket for db1
                String socket = kit.cluster.sandbox.server("db1").layout().socket().toString();
                kit.cluster.editConfig(y -> y.replace("      socket: " + socket + "\n", ""));
                assertThat(java.nio.file.Files.readString(kit.configFile())).doesNotContain("socket: " + socket);
                kit.stopAgent("db1");
                kit.startAgent("db1");
                await().atMost(Duration.ofSeconds(15)).until(() -> CloneKit.tail(dir.resolve("agent-db1.log"))
                        .contains("its @@socket"));
                kit.cluster.sql.exec(kit.cluster.host("db1"), "SET GLOBAL read_only=OFF");
                instruct(kit, true, 1, false);
                kit.cluster.sandbox.freeze("db1");
                assertThat(instruct(kit, false, 2, true).path("fence_pending").asBoolean()).isTrue();
                kit.cluster.sandbox.thaw("db1");
                // over TCP the fence would meet the block's reset on every attempt and never land
                System.out.printf("FenceResumeIT: fenced through the discovered socket, block lifted %d ms after the "
                        + "thaw%n", msUntilFencedAndLifted(kit));
                assertThat(kit.cluster.readOnly("db1")).isTrue();
            } finally {
                cleanUp(kit, table);
            }
        }
    }

    static JsonNode instruct(CloneKit kit, boolean writer, long epoch, boolean fence) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("writer", writer, "writer_ips", List.of(),
                "reader_ips", List.of(), "lease_ms", 60_000, "epoch", epoch, "fence", fence,
                "reason", "FenceResumeIT"));
        var r = kit.post("db1", "addresses", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static JsonNode status(CloneKit kit) {
        try {
            return JSON.readTree(kit.get("db1", "status").body()).path("addresses");
        } catch (Exception e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    static boolean tableExists(String table) throws InterruptedException {
        return HostCommand.run(List.of("nft", "list", "table", "inet", table), Duration.ofSeconds(5)).ok();
    }

    /** True when a TCP connect to the port is refused (the block's reset) rather than accepted. */
    static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** Waits (20 s at most) until db1's agent has fenced and lifted its block; ms from the call. */
    static long msUntilFencedAndLifted(CloneKit kit) {
        long from = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                .until(() -> status(kit).path("fenced").asBoolean() && !status(kit).path("blocked").asBoolean());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
    }

    /** Thaws db1 (SIGCONT: a no-op when it runs) and removes the test's nft table, whatever happened. */
    static void cleanUp(CloneKit kit, String table) throws InterruptedException {
        try {
            kit.cluster.sandbox.thaw("db1");
        } catch (RuntimeException e) {
            System.out.println("FenceResumeIT: thaw in clean-up: " + e.getMessage());
        }
        HostCommand.run(List.of("nft", "delete", "table", "inet", table), Duration.ofSeconds(5));
    }
}
