package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.cli.ApiClient;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.plan.ChangeRecord;
import io.ringmaster.core.plan.Step;
import io.ringmaster.monitor.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6, the rollback side: the monitor dies in a switchover db1 -> db2 (move-role). Halted after the
 * fence of db1 (step 1), nothing promoted and db1 answers: the next monitor lifts the fence and db1 stays the
 * writer. Halted after the promotion (step 3): the next monitor finishes, db2 is the writer and db3 follows it.
 */
class SwitchoverResumeIT {
    private static final int BASE_PORT = 30400;

    @ParameterizedTest(name = "monitor halted after step {0}")
    @ValueSource(ints = {1, 3})
    void shouldRollBackBeforeThePromotionAndFinishAfterIt(int haltAfter, @TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, BASE_PORT, 1)) {
            Path cfg = c.sandbox.configFile();
            ApiClient api = new ApiClient(ConfigLoader.load(cfg));
            StateStore store = new StateStore(c.config.monitor().stateFile());
            try (MonitorProcess first = MonitorProcess.start(cfg, null, dir.resolve("monitor-1.log"),
                    List.of("-Dringmaster.fault.haltAfterStep=" + haltAfter))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        "db1".equals(api.get("status").path("writer").asText()) && api.get("status").path("ready")
                                .asBoolean());
                Cli.run("move-role", "writer", "db2", "--config", cfg.toString()); // cut short by the halt
                assertThat(first.awaitExit(Duration.ofSeconds(60))).isEqualTo(86);
            }
            ChangeRecord left = store.loadChange().orElseThrow();
            assertThat(left.kind()).isEqualTo("SWITCHOVER");
            assertThat(left.steps().get(1)).isInstanceOf(Step.Fence.class);
            assertThat(left.steps().get(3)).isInstanceOf(Step.Promote.class);
            assertThat(c.writableHosts()).isEqualTo(haltAfter >= 3 ? List.of("db2") : List.of());
            String expected = haltAfter >= 3 ? "db2" : "db1";
            try (MonitorProcess second = MonitorProcess.start(cfg, null, dir.resolve("monitor-2.log"))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    JsonNode r = api.get("recoveries").path("recoveries").get(0);
                    return left.id().equals(r.path("id").asText()) && !r.path("finished").isNull()
                            && !r.path("finished").asText().isEmpty();
                });
                JsonNode r = api.get("recoveries").path("recoveries").get(0);
                assertThat(r.path("success").asBoolean()).isEqualTo(haltAfter >= 3);
                if (haltAfter < 3) {
                    assertThat(r.path("outcome").asText()).contains("rolled back");
                }
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(api.get("status").path("writer").asText()).isEqualTo(expected);
                    assertThat(c.writableHosts()).containsExactly(expected);
                    HostConfig w = c.host(expected);
                    ReplicaLink db3 = c.sql.replicaLink(c.host("db3")).orElseThrow();
                    assertThat(db3.readsFrom(w.address(), w.port())).as("db3 follows " + expected).isTrue();
                    assertThat(store.load().orElseThrow().sources()).containsEntry("db3", expected);
                });
                assertThat(store.loadChange()).isEmpty();
            }
        }
    }
}
