package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.cli.ApiClient;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.bootstrap.Bootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path between the monitor and the writer cut, in a network namespace this test makes: the monitor runs in
 * the namespace and reaches each server through an address of its own on a veth pair; a blackhole route to the
 * writer's address cuts the monitor off from the writer only. The replicas still replicate from it, so the
 * monitor must not fail over.
 */
class NetworkCutIT {
    private static final String NS = "rmcut" + ProcessHandle.current().pid() % 100000;
    private static final String VETH = "rmc" + ProcessHandle.current().pid() % 100000;
    private static final String NET = "10.213.7.";

    @Test
    void shouldNotFailOverWhenOnlyTheMonitorLosesTheWriter(@TempDir Path dir) throws Exception {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("needs root for ip netns").isEqualTo("root");
        try (Cluster c = Cluster.up(dir, 25610, 1, List.of("bind_address=0.0.0.0"));
             Namespace ns = Namespace.create()) {
            // the servers listen on every address; each gets one of its own on the host side of the veth, and
            // the monitor (in the namespace, coming from .2) logs in as root from that private subnet
            for (var h : c.config.hosts()) {
                c.sql.exec(h, "SET SESSION sql_log_bin = 0", "CREATE USER IF NOT EXISTS 'root'@'" + NET + "%'",
                        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'" + NET + "%' WITH GRANT OPTION");
            }
            Path cfg = dir.resolve("cut.yml");
            String yaml = Files.readString(c.sandbox.configFile());
            for (int i = 1; i <= 4; i++) {
                yaml = yaml.replace("address: 127.0.0.1, port: 2561" + i, "address: " + NET + (10 + i) + ", port: 2561" + i);
            }
            yaml = yaml.replace("listen: 127.0.0.1:", "listen: " + NET + "2:").replace("state_file: ringmaster-state.json",
                    "state_file: cut-state.json");
            Files.writeString(cfg, yaml);
            RingmasterConfig cut = ConfigLoader.load(cfg);
            // replication follows the new addresses (bootstrap repoints every link)
            Bootstrap b = new Bootstrap(cut, s -> { });
            b.apply(b.plan(), Duration.ofSeconds(30));
            ApiClient api = new ApiClient(cut);
            try (MonitorProcess m = MonitorProcess.start(cfg, NS, dir.resolve("monitor.log"))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    JsonNode s = api.get("status");
                    return "db1".equals(s.path("writer").asText()) && allOnline(s);
                });
                ns.cut(NET + "11");
                Thread.sleep(8000); // trap period 2 s, several rounds
                JsonNode s = api.get("status");
                assertThat(s.path("writer").asText()).as(m.output()).isEqualTo("db1");
                assertThat(s.path("findings").toString()).contains("cannot reach writer db1");
                assertThat(api.get("recoveries").path("recoveries")).isEmpty();
                assertThat(c.writableHosts()).containsExactly("db1");
                ns.restore(NET + "11");
            }
        }
    }

    private static boolean allOnline(JsonNode s) {
        for (JsonNode h : s.path("hosts")) {
            if (!"ONLINE".equals(h.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** A network namespace with a veth pair: host side .1 plus .11-.14 (the servers), namespace side .2. */
    private static final class Namespace implements AutoCloseable {
        static Namespace create() throws Exception {
            Namespace n = new Namespace();
            try {
                sh("ip", "netns", "add", NS);
                sh("ip", "link", "add", VETH + "h", "type", "veth", "peer", "name", VETH + "n");
                sh("ip", "link", "set", VETH + "n", "netns", NS);
                sh("ip", "addr", "add", NET + "1/24", "dev", VETH + "h");
                for (int i = 11; i <= 14; i++) {
                    sh("ip", "addr", "add", NET + i + "/32", "dev", VETH + "h");
                }
                sh("ip", "link", "set", VETH + "h", "up");
                sh("ip", "netns", "exec", NS, "ip", "addr", "add", NET + "2/24", "dev", VETH + "n");
                sh("ip", "netns", "exec", NS, "ip", "link", "set", VETH + "n", "up");
                sh("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up");
            } catch (Exception e) {
                n.close();
                throw e;
            }
            return n;
        }

        void cut(String address) throws Exception {
            sh("ip", "netns", "exec", NS, "ip", "route", "add", "blackhole", address + "/32");
        }

        void restore(String address) throws Exception {
            sh("ip", "netns", "exec", NS, "ip", "route", "del", "blackhole", address + "/32");
        }

        @Override
        public void close() {
            try {
                sh("ip", "link", "del", VETH + "h");
            } catch (Exception ignored) {
                // not created
            }
            try {
                sh("ip", "netns", "del", NS);
            } catch (Exception ignored) {
                // not created
            }
        }

        private static void sh(String... cmd) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip());
            }
        }
    }
}
