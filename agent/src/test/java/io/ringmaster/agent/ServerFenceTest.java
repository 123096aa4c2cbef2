package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fence that cannot land (no server behind the socket) keeps retrying behind the block until stood down, and its
 * block outlives the agent.
 */
class ServerFenceTest {
    /** A block whose kill_host command appends "block" or "unblock" to {@code calls}. */
    static PortBlock recording(Path calls) {
        return new PortBlock("db1", 1, Set.of(), Optional.of("echo >> " + calls));
    }

    static ServerFence fence(Path dir, PortBlock block) {
        HostConfig host = new HostConfig("db1", "127.0.0.1", 1, HostMode.MASTER, Optional.empty());
        AgentConfig agent = new AgentConfig("db1", "127.0.0.1", 9989, "127.0.0.1", Optional.empty(), Optional.empty(),
                Optional.of(dir.resolve("no.sock")), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        Credentials root = new Credentials("root", Secret.empty());
        return new ServerFence(host, agent, root,
                new SqlActions(MariaDbDialect.INSTANCE, root, root, Duration.ofMillis(500)), block);
    }

    @Test
    void shouldKeepTheBlockOfAPendingFenceWhenTheAgentStops(@TempDir Path dir) throws Exception {
        Path calls = dir.resolve("calls");
        PortBlock block = recording(calls);
        ServerFence fence = fence(dir, block);
        fence.fence("test");
        fence.close();
        assertThat(fence.pending()).isFalse();
        assertThat(block.blocked()).as("the server was never fenced: clients stay out").isTrue();
        assertThat(Files.readAllLines(calls)).containsExactly("block");
        // with no fence pending, a stopping agent lifts its block
        PortBlock idle = recording(dir.resolve("idle"));
        idle.block("test");
        fence(dir, idle).close();
        assertThat(idle.blocked()).isFalse();
        assertThat(Files.readAllLines(dir.resolve("idle"))).containsExactly("block", "unblock");
    }

    @Test
    void shouldBlockRetryAndLiftTheBlockWhenTheWriterRoleComesBack(@TempDir Path dir) throws Exception {
        Path calls = dir.resolve("calls");
        PortBlock block = recording(calls);
        ServerFence fence = fence(dir, block);
        fence.fence("test");
        assertThat(block.blocked()).isTrue();
        assertThat(fence.pending()).isTrue();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (fence.problem().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(fence.pending()).isTrue();
        assertThat(fence.fenced()).isFalse();
        assertThat(fence.problem()).startsWith("fence attempt");
        fence.standDown("writer again");
        assertThat(fence.pending()).isFalse();
        assertThat(block.blocked()).isFalse();
        assertThat(Files.readAllLines(calls)).containsExactly("block", "unblock");
    }
}
