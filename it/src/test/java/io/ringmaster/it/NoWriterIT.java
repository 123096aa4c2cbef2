package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.model.HostState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6: both masters crash and restart, so both wait in AWAITING_RECOVERY and nobody can be the writer;
 * the cluster carries a NoWriter finding naming the host with the most of each GTID domain and the command that
 * restores service, and running that command does.
 */
class NoWriterIT {

    @Test
    void shouldSayWhyThereIsNoWriterAndHowToRestoreService(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 30100, 1).startMonitor()) {
            assertThat(c.writer()).contains("db1");
            c.sql.exec(c.host("db1"), "CREATE DATABASE nowriter", "CREATE TABLE nowriter.t (id INT PRIMARY KEY)",
                    "INSERT INTO nowriter.t VALUES (1), (2)");
            c.sandbox.kill("db2");
            c.sandbox.kill("db1");
            // both seen down before they come back (a restart quicker than a check is another story: Uptime has a
            // granularity of a second)
            await().atMost(Duration.ofSeconds(20)).until(() -> c.writer().isEmpty() && noWriter(c).isPresent()
                    && c.monitor.state().host("db1").state() == HostState.HARD_OFFLINE
                    && c.monitor.state().host("db2").state() == HostState.HARD_OFFLINE);
            c.sandbox.start("db2");
            c.sandbox.start("db1");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    c.monitor.state().host("db1").state() == HostState.AWAITING_RECOVERY
                            && c.monitor.state().host("db2").state() == HostState.AWAITING_RECOVERY
                            && noWriter(c).filter(f -> f.command().startsWith("ringmaster set-online")
                                    && f.why().contains("db1 AWAITING_RECOVERY")).isPresent());
            // one round's finding (a later call may read the next round's)
            Finding.NoWriter f = noWriter(c).filter(n -> n.why().contains("db1 AWAITING_RECOVERY")).orElseThrow();
            System.out.println("NOWRITER " + f.summary() + " / " + f.howToClear());
            assertThat(f.why()).contains("db1 AWAITING_RECOVERY").contains("db2 AWAITING_RECOVERY");
            assertThat(f.mostPerDomain()).isNotEmpty();
            assertThat(f.command()).isEqualTo("ringmaster set-online " + f.host());
            assertThat(c.writableHosts()).isEmpty();

            assertThat(Cli.run("set-online", f.host(), "--config", c.sandbox.configFile().toString()).exit())
                    .isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> c.writer().filter(f.host()::equals).isPresent());
            await().atMost(Duration.ofSeconds(10)).until(() -> noWriter(c).isEmpty());
            assertThat(c.writableHosts()).containsExactly(f.host());
            assertThat(c.sql.queryString(c.host(f.host()), "SELECT COUNT(*) FROM nowriter.t")).isEqualTo("2");
        }
    }

    private static Optional<Finding.NoWriter> noWriter(Cluster c) {
        return c.monitor.currentFindings().stream().filter(f -> f instanceof Finding.NoWriter)
                .map(f -> (Finding.NoWriter) f).findFirst();
    }
}
