package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.cli.ApiClient;
import io.ringmaster.core.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor process SIGKILLed in the middle of a failover, then started again. */
class MonitorCrashIT {

    @Test
    void shouldEndWithOneWriterWhenMonitorDiesMidFailover(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25510, 1)) {
            Path cfg = c.sandbox.configFile();
            c.editConfig(y -> y.replace("\nmonitor:\n", "\nmonitor:\n  max_backlog: 120s\n"));
            var api = new ApiClient(ConfigLoader.load(cfg));
            // db2 applies 15 s behind db1, so the failover's catch-up step takes a while
            c.sql.exec(c.host("db2"), "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 15", "START SLAVE");
            try (MonitorProcess first = MonitorProcess.start(cfg, null, dir.resolve("monitor-1.log"))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        "db1".equals(api.get("status").path("writer").asText()));
                c.sql.exec(c.host("db1"), "CREATE DATABASE crash", "CREATE TABLE crash.t (id INT PRIMARY KEY)",
                        "INSERT INTO crash.t VALUES (1), (2), (3)");
                c.sandbox.kill("db1");
                await().atMost(Duration.ofSeconds(20)).until(() -> first.output().contains("wait until db2 has applied its relay log")
                        || first.output().contains("waiting up to"));
                first.kill();
            }
            // nobody became writable while no monitor ran
            assertThat(c.writableHosts()).isEmpty();
            try (MonitorProcess second = MonitorProcess.start(cfg, null, dir.resolve("monitor-2.log"))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        "db2".equals(api.get("status").path("writer").asText()));
                assertThat(c.writableHosts()).containsExactly("db2");
                assertThat(c.sql.queryString(c.host("db2"), "SELECT COUNT(*) FROM crash.t")).isEqualTo("3");
                JsonNode status = api.get("status");
                assertThat(status.path("hosts").get(0).path("state").asText()).isEqualTo("HARD_OFFLINE");
                JsonNode rec = new ObjectMapper().readTree(ApiClient.pretty(api.get("recoveries")));
                assertThat(rec.path("recoveries").get(0).path("to").asText()).isEqualTo("db2");
            }
        }
    }
}
