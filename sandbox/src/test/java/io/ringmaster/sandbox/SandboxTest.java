package io.ringmaster.sandbox;

import static io.ringmaster.sandbox.SandboxServerTest.execute;
import static io.ringmaster.sandbox.SandboxServerTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.config.RingmasterConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real 2 masters + 1 replica each sandbox, and the refusals of {@code up}. Ports 24020-24029, 24040-24049. */
class SandboxTest {
    private static final int BASE_PORT = 24020;

    @TempDir
    Path tmp;

    @Test
    void shouldBringUpAReplicatingTopologyAndRunDrills() throws Exception {
        Path dir = tmp.resolve("sb");
        try (Sandbox sandbox = Sandbox.up(SandboxSpec.of(dir).withBasePort(BASE_PORT))) {
            RingmasterConfig config = sandbox.config();
            assertThat(config.hosts()).extracting(h -> h.name() + ":" + h.port() + ":" + h.master().orElse("-"))
                    .containsExactly("db1:24021:-", "db2:24022:-", "db3:24023:db1", "db4:24024:db2");
            assertThat(config.monitor().listenPort()).isEqualTo(BASE_PORT + 88);
            assertThat(config.writerRole().orElseThrow().prefer()).hasValue("db1");
            assertThat(Files.readString(sandbox.configFile())).contains("24066", "24067");
            assertThat(ReplicationCheck.problems(sandbox)).isEmpty();
            assertThat(query(sandbox.server("db1"), "SELECT @@read_only")).isEqualTo("0");
            assertThat(query(sandbox.server("db2"), "SELECT @@read_only")).isEqualTo("1");

            assertThatThrownBy(() -> Sandbox.up(SandboxSpec.of(dir).withBasePort(BASE_PORT)))
                    .isInstanceOf(SandboxException.class)
                    .hasMessage(dir + " already holds a sandbox (sandbox.json); run `ringmaster sandbox down --dir "
                            + dir + "` first or choose another --dir");

            execute(sandbox.server("db1"), "CREATE DATABASE app");
            execute(sandbox.server("db1"), "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            execute(sandbox.server("db1"), "INSERT INTO app.t (v) VALUES (1)");
            awaitRows(sandbox.server("db4"), 1);

            Sandbox reopened = Sandbox.open(dir);
            assertThat(reopened.hostNames()).containsExactly("db1", "db2", "db3", "db4");
            reopened.kill("db4");
            assertThat(sandbox.server("db4").isRunning()).isFalse();
            execute(sandbox.server("db1"), "INSERT INTO app.t (v) VALUES (2)");
            reopened.start("db4");
            reopened.awaitReplication(Duration.ofSeconds(30));
            awaitRows(sandbox.server("db4"), 2);

            reopened.freeze("db2");
            assertThat(sandbox.server("db2").isFrozen()).isTrue();
            reopened.thaw("db2");
            reopened.stop("db3");
            assertThat(sandbox.server("db3").isRunning()).isFalse();
            assertThatThrownBy(() -> reopened.kill("db9")).isInstanceOf(SandboxException.class)
                    .hasMessageContaining("no host 'db9'");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldRefuseAFolderThatIsNotEmpty() throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Sandbox.up(SandboxSpec.of(tmp).withBasePort(24040)))
                .isInstanceOf(SandboxException.class)
                .hasMessage(tmp.toAbsolutePath() + " is not empty; a sandbox needs a new or empty folder");
    }

    @Test
    void shouldRefuseAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 24043));
            assertThatThrownBy(() -> Sandbox.up(SandboxSpec.of(tmp.resolve("sb")).withBasePort(24040)))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageStartingWith("port 24043 (for db3) on 127.0.0.1 is in use");
        }
        assertThat(tmp.resolve("sb")).doesNotExist();
    }

    @Test
    void shouldRefuseToOpenAFolderWithoutASandbox() {
        assertThatThrownBy(() -> Sandbox.open(tmp)).isInstanceOf(SandboxException.class)
                .hasMessage("no sandbox in " + tmp.toAbsolutePath() + " (sandbox.json is missing)");
    }

    @Test
    void shouldWriteAnAgentsSectionWithRoleAddressesOnLoopback() {
        SandboxSpec spec = SandboxSpec.of(tmp).withTopology(2, 1).withBasePort(31000);
        String text = SandboxConfigFile.render(spec, java.util.List.of("/opt/my java/bin/java", "-jar", "/x/r.jar"),
                true);
        RingmasterConfig config = io.ringmaster.core.config.ConfigLoader.parse(text, "t", tmp, null, name -> null);
        assertThat(config.role("writer").orElseThrow().ips()).containsExactly("127.121.24.1");
        assertThat(config.role("reader").orElseThrow().ips()).containsExactly("127.121.24.2", "127.121.24.3");
        assertThat(config.agents().lease()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(config.agents().access().hasToken()).isTrue();
        var db3 = config.agents().agent("db3").orElseThrow();
        assertThat(db3.port()).isEqualTo(31051);
        assertThat(db3.networkInterface()).contains("lo");
        assertThat(db3.socket()).contains(tmp.toAbsolutePath().resolve("db3").resolve("mariadbd.sock"));
        assertThat(db3.stopCommand()).contains("'/opt/my java/bin/java' -jar /x/r.jar sandbox stop db3 --dir "
                + tmp.toAbsolutePath());
        String plain = SandboxConfigFile.render(spec, java.util.List.of("java"), false);
        RingmasterConfig noRoot = io.ringmaster.core.config.ConfigLoader.parse(plain, "t", tmp, null, name -> null);
        assertThat(noRoot.roleAddresses()).isEmpty();
        assertThat(noRoot.agents().agent("db1").orElseThrow().networkInterface()).isEmpty();
        assertThat(SandboxConfigFile.render(spec)).doesNotContain("agents:");
    }

    @Test
    void shouldWriteAConfigurationTheLoaderAccepts() {
        SandboxSpec spec = SandboxSpec.of(tmp).withTopology(3, 2).withBasePort(24040);
        RingmasterConfig config = io.ringmaster.core.config.ConfigLoader.parse(SandboxConfigFile.render(spec), "t",
                tmp, null, name -> null);
        assertThat(config.cluster()).isEqualTo("sandbox");
        assertThat(config.hosts()).hasSize(9);
        assertThat(config.replicasOf("db1")).extracting(h -> h.name()).containsExactly("db4", "db5");
        assertThat(config.replicasOf("db3")).extracting(h -> h.name()).containsExactly("db8", "db9");
        assertThat(config.replicationUser().password().reveal()).isEqualTo("sandbox-repl");
        assertThat(config.monitorUser().password().isEmpty()).isTrue();
        assertThat(config.role("reader").orElseThrow().hosts()).hasSize(9);
        assertThat(config.writerRole().orElseThrow().hosts()).containsExactly("db1", "db2", "db3");
        assertThat(config.monitor().stateFile()).isEqualTo(tmp.resolve("ringmaster-state.json"));
        assertThat(config.monitor().api().hasToken()).isTrue();
        RingmasterConfig other = io.ringmaster.core.config.ConfigLoader.parse(SandboxConfigFile.render(spec), "t",
                tmp, null, name -> null);
        assertThat(other.monitor().api().token()).isNotEqualTo(config.monitor().api().token());
    }

    @Test
    void shouldValidateTheSpec() {
        assertThatThrownBy(() -> SandboxSpec.of(tmp).withTopology(0, 1)).hasMessage("--masters must be 1 to 9, not 0");
        assertThatThrownBy(() -> SandboxSpec.of(tmp).withBasePort(80)).hasMessageContaining("--base-port");
        assertThatThrownBy(() -> SandboxSpec.of(tmp).withExtraConfig(List.of("a=1\nb=2")))
                .hasMessage("an extra my.cnf line must be one line");
    }

    private static void awaitRows(SandboxServer server, int rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (Integer.parseInt(query(server, "SELECT COUNT(*) FROM app.t")) >= rows) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                // table not replicated yet
            }
            assertThat(System.nanoTime()).as(server.name() + " did not get " + rows + " rows").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
