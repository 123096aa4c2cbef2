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

/** A fence that cannot land (no server behind the socket) keeps retrying behind the block until stood down. */
class ServerFenceTest {
    @Test
    void shouldBlockRetryAndLiftTheBlockWhenTheWriterRoleComesBack(@TempDir Path dir) throws Exception {
        Path calls = dir.resolve("calls");
        PortBlock block = new PortBlock("db1", 1, Set.of(), Optional.of("echo >> " + calls));
        HostConfig host = new HostConfig("db1", "127.0.0.1", 1, HostMode.MASTER, Optional.empty());
        AgentConfig agent = new AgentConfig("db1", "127.0.0.1", 9989, "127.0.0.1", Optional.empty(), Optional.empty(),
                Optional.of(dir.resolve("no.sock")), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        Credentials root = new Credentials("root", Secret.empty());
        ServerFence fence = new ServerFence(host, agent, root,
                new SqlActions(MariaDbDialect.INSTANCE, root, root, Duration.ofMillis(500)), block);
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
