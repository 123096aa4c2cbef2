package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringmaster.router.StandaloneRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone router following a monitor over HTTP, on real servers (ports 27200-27299): it follows a
 * switchover, keeps routing reads when the monitor is lost, stops routing writes once its lease ran out, and
 * routes writes again when the monitor is back.
 */
class RouterStandaloneIT {

    @Test
    void shouldFollowTheMonitorAndStopWritesWhenTheMonitorIsLost(@TempDir Path dir) throws Exception {
        try (RouterCluster rc = RouterCluster.up(dir, 27200, "  writer_lease: 1s\n  hold_timeout: 1s\n")) {
            var c = rc.cluster;
            c.startMonitor();
            try (StandaloneRouter router = new StandaloneRouter(rc.routerConfig, c.config, System::nanoTime)) {
                router.start();
                assertThat(router.monitor().toString()).isEqualTo("http://127.0.0.1:" + c.sandbox.spec().monitorPort());
                await().atMost(Duration.ofSeconds(5)).until(() -> writerHost(rc).equals("db1"));

                c.monitor.moveRole("writer", "db2");
                long moved = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> writerHost(rc).equals("db2"));
                System.out.printf("ROUTER-STANDALONE followed the switchover %d ms after move-role returned%n",
                        (System.nanoTime() - moved) / 1_000_000);
                // the monitor waited for this router to let go of db1 before fencing it
                assertThat(c.monitor.recoveries().get(0).steps()).anySatisfy(st -> {
                    assertThat(st.step()).isEqualTo("wait for the routers to let go of db1");
                    assertThat(st.detail()).containsPattern("applied table [0-9]+ in [0-9]+ ms");
                });

                Connection openWriter = rc.connect(rc.writerPort, Duration.ofSeconds(5));
                Connection openReader = rc.connect(rc.readerPort, Duration.ofSeconds(5));
                assertThat(rc.hostOf(openWriter)).isEqualTo("db2");
                long lost = System.nanoTime(); // the lease counts from the router's last ask, before the stop began
                c.stopMonitor();
                await().atMost(Duration.ofSeconds(5)).until(() -> !router.leaseValid());
                long leaseMs = (System.nanoTime() - lost) / 1_000_000;
                assertThat(leaseMs).isBetween(250L, 3000L);
                Thread.sleep(200);
                // open writer connections are cut, new ones refused with the reason; reads go on
                assertThatThrownBy(() -> query(openWriter)).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> rc.connect(rc.writerPort, Duration.ofSeconds(5)).close())
                        .isInstanceOf(SQLException.class).hasMessageContaining("no news from the monitor");
                query(openReader);
                try (Connection r = rc.connect(rc.readerPort, Duration.ofSeconds(5))) {
                    assertThat(rc.hostOf(r)).isIn("db1", "db2", "db3", "db4");
                }
                openReader.close();

                c.startMonitor();
                await().atMost(Duration.ofSeconds(10)).until(router::leaseValid);
                await().atMost(Duration.ofSeconds(5)).until(() -> writerHost(rc).equals("db2"));
            }
        }
    }

    @Test
    void shouldRefuseABadRouterSectionWithOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("ringmaster.yml"), """
                monitor: {listen: 127.0.0.1:27288}
                credentials: {monitor: {user: root}, replication: {user: repl}}
                hosts:
                  - {name: db1, address: 127.0.0.1, port: 27201}
                  - {name: db2, address: 127.0.0.1, port: 27202}
                router:
                  listeners:
                    - {role: writer, listen: 127.0.0.1:99999}
                """);
        for (String verb : new String[] {"router", "monitor"}) {
            Cli run = Cli.run(verb, "--config", cfg.toString());
            assertThat(run.exit()).as(verb).isEqualTo(2);
            assertThat(run.err().strip()).isEqualTo("ringmaster: " + cfg + ": router.listeners[0].listen: must be "
                    + "address:port with a port 1..65535, not '127.0.0.1:99999'");
        }
        Path routerFile = Files.writeString(dir.resolve("router.yml"), "router:\n  hold_timout: 1s\n");
        Cli run = Cli.run("router", "--config", cfg.toString(), "--router-config", routerFile.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(routerFile + ": router.hold_timout: unknown key");
    }

    private static String writerHost(RouterCluster rc) {
        try (Connection w = rc.connect(rc.writerPort, Duration.ofSeconds(3))) {
            return rc.hostOf(w);
        } catch (SQLException e) {
            return "";
        }
    }

    private static void query(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1").close();
        }
    }
}
