package io.ringmaster.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.model.HostMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real mariadbd (system binaries when installed, else bundled) through its whole lifecycle. Port 24001. */
class SandboxServerTest {
    private static final int PORT = 24001;

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
    void shouldStartFreezeThawKillRestartAndStop() throws Exception {
        MariaDbBinaries binaries = MariaDbBinaries.locate();
        SandboxServer.createTemplate(binaries, dir.resolve("template/data"));
        SandboxHost host = new SandboxHost("db1", 1, PORT, HostMode.MASTER, Optional.empty(), 1);
        server = new SandboxServer(host, new ServerLayout(dir.resolve("db1")), binaries);
        server.createDataDir(dir.resolve("template/data"));
        server.writeConfig(2, ServerTls.create(dir.resolve("tls")), List.of("max_connections=20"));

        long pid = server.start("test");
        assertThat(server.isRunning()).isTrue();
        assertThat(server.pid()).hasValue(pid);
        assertThat(query(server, "SELECT CONCAT_WS(',', @@server_id, @@gtid_domain_id, @@read_only, @@log_bin,"
                + " @@gtid_strict_mode, @@auto_increment_increment, @@auto_increment_offset, @@max_connections,"
                + " @@sync_binlog, @@bind_address)"))
                .isEqualTo("1,1,ON,ON,ON,2,1,20,1,127.0.0.1");
        assertThat(query(server, "SHOW GRANTS FOR 'root'@'127.0.0.1'")).contains("WITH GRANT OPTION");
        assertThat(query(server, "SELECT @@have_ssl")).isEqualTo("YES");
        execute(server, "CREATE DATABASE drill");
        execute(server, "CREATE TABLE drill.t (id INT PRIMARY KEY) ENGINE=InnoDB");
        execute(server, "INSERT INTO drill.t VALUES (1), (2)");

        server.freeze("test");
        assertThat(server.isFrozen()).isTrue();
        assertThatThrownBy(() -> server.connect(Duration.ofMillis(500)).close()).isInstanceOf(SQLException.class);
        server.thaw("test");
        assertThat(server.isFrozen()).isFalse();
        assertThat(query(server, "SELECT 1")).isEqualTo("1");

        assertThat(server.kill("test")).isTrue();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.kill("test: nothing left to kill")).isFalse();
        assertThat(server.pid()).isEmpty();
        long again = server.start("test restart after crash");
        assertThat(again).isNotEqualTo(pid);
        assertThat(query(server, "SELECT COUNT(*) FROM drill.t")).as("committed rows survive SIGKILL").isEqualTo("2");

        server.freeze("test: stop must also end a frozen server");
        assertThat(server.stop(Duration.ofSeconds(20), "test")).isTrue();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.freeze("test")).isInstanceOf(SandboxException.class)
                .hasMessageContaining("not running");
    }

    @Test
    void shouldStopAndStartWithItsShellLinesAsTheAgentsRunThem() throws Exception {
        MariaDbBinaries binaries = MariaDbBinaries.locate();
        SandboxServer.createTemplate(binaries, dir.resolve("template/data"));
        SandboxHost host = new SandboxHost("db1", 1, PORT, HostMode.MASTER, Optional.empty(), 1);
        server = new SandboxServer(host, new ServerLayout(dir.resolve("db1")), binaries);
        server.createDataDir(dir.resolve("template/data"));
        server.writeConfig(2, ServerTls.create(dir.resolve("tls")), List.of("max_connections=20"));
        assertThat(sh(server.stopCommand())).as("nothing running: nothing to stop").isZero();
        assertThat(sh(server.startCommand())).isZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.isRunning() || !canQuery(server)) {
            assertThat(System.nanoTime()).as("started within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        long pid = server.pid().orElseThrow();
        assertThat(sh(server.startCommand())).as("already running: left alone").isZero();
        assertThat(server.pid()).hasValue(pid);
        assertThat(sh(server.stopCommand())).isZero();
        assertThat(server.isRunning()).as("the stop line returns once the server is gone").isFalse();
        assertThat(Files.exists(server.layout().pidFile())).isFalse();
    }

    private static boolean canQuery(SandboxServer s) {
        try {
            return "1".equals(query(s, "SELECT 1"));
        } catch (SQLException e) {
            return false;
        }
    }

    private int sh(String line) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", line).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sh.log").toFile()).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as(line).isTrue();
        return p.exitValue();
    }

    @Test
    void shouldReportTheErrorLogWhenTheServerCannotStart() {
        MariaDbBinaries binaries = MariaDbBinaries.locate();
        SandboxServer.createTemplate(binaries, dir.resolve("template/data"));
        SandboxHost host = new SandboxHost("db1", 1, PORT + 1, HostMode.MASTER, Optional.empty(), 1);
        server = new SandboxServer(host, new ServerLayout(dir.resolve("db1")), binaries);
        server.createDataDir(dir.resolve("template/data"));
        server.writeConfig(1, Optional.empty(), List.of("no_such_option=1"));

        assertThatThrownBy(() -> server.start(Duration.ofSeconds(20), "test"))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("db1: mariadbd exited")
                .hasMessageContaining("no_such_option");
        assertThat(server.isRunning()).isFalse();
    }

    static String query(SandboxServer s, String sql) throws SQLException {
        try (Connection c = s.connect(Duration.ofSeconds(5)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    static void execute(SandboxServer s, String sql) throws SQLException {
        try (Connection c = s.connect(Duration.ofSeconds(5)); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
