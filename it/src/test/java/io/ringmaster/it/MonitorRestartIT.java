package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's own restart keeps the roles (invariant 5). */
class MonitorRestartIT {

    @Test
    void shouldKeepRolesAcrossMonitorRestart(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25310, 1).startMonitor()) {
            String cfg = c.sandbox.configFile().toString();
            assertThat(Cli.run("move-role", "writer", "db2", "--config", cfg).exit()).isZero();
            long epoch = c.monitor.state().epoch();
            c.stopMonitor();

            c.startMonitor();
            assertThat(c.writer()).contains("db2");
            assertThat(c.monitor.state().epoch()).isEqualTo(epoch);
            assertThat(c.monitor.state().sources()).containsEntry("db3", "db2");
            assertThat(c.monitor.recoveries()).as("no writer change after restart").isEmpty();
            assertThat(c.writableHosts()).containsExactly("db2");
            Thread.sleep(2500); // a few more rounds change nothing
            assertThat(c.writer()).contains("db2");
            assertThat(c.monitor.recoveries()).isEmpty();
        }
    }
}
