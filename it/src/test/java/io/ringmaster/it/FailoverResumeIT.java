package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.cli.ApiClient;
import io.ringmaster.cli.WriteLoad;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.plan.ChangeRecord;
import io.ringmaster.core.plan.Step;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.monitor.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9 item 6: the monitor (its own JVM) dies at each step boundary of a failover (SIGKILL of writer db1 in a
 * pair with one replica each), halted there by the monitor's fault-injection hook; a second monitor starts and
 * finishes the failover under the same id. Every run must end as the uninterrupted one ("none") does: db2 the only
 * writable host, replicating from nobody; db3 and db4 replicating from db2, read_only; the state file saying so;
 * every row acknowledged by db1 before it died on every surviving host.
 */
class FailoverResumeIT {
    private static final int BASE_PORT = 30000;
    /** The failover plan for db1 -> db2: fence db1, 2 catch-ups, stop applier, promote, detach db2, repoint db3. */
    private static final int PLAN_STEPS = 7;
    private static final int PROMOTE = 4;

    static Stream<String> boundaries() {
        return Stream.concat(Stream.of("none", "registered"),
                java.util.stream.IntStream.range(0, PLAN_STEPS).mapToObj(Integer::toString));
    }

    @ParameterizedTest(name = "monitor halted {0}")
    @MethodSource("boundaries")
    void shouldEndAsAnUninterruptedFailoverWhenTheMonitorDiesAtAStepBoundary(String haltAt, @TempDir Path dir)
            throws Exception {
        try (Cluster c = Cluster.up(dir, BASE_PORT, 1)) {
            Path cfg = c.sandbox.configFile();
            ApiClient api = new ApiClient(ConfigLoader.load(cfg));
            StateStore store = new StateStore(c.config.monitor().stateFile());
            List<String> jvm = haltAt.equals("none") ? List.of()
                    : List.of("-Dringmaster.fault.haltAfterStep=" + haltAt);
            List<Long> acked;
            String id;
            long t0;
            try (MonitorProcess first = MonitorProcess.start(cfg, null, dir.resolve("monitor-1.log"), jvm)) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> allOnlineWithWriter(api, "db1"));
                WriteLoad.prepare(c.host("db1"), c.config.monitorUser(), Duration.ofSeconds(5));
                try (WriteLoad load = new WriteLoad(() -> Optional.of(c.host("db1")), c.config.monitorUser(),
                        Duration.ofSeconds(1)).start()) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged().size() > 200);
                    c.sandbox.kill("db1");
                    t0 = System.nanoTime();
                    load.close();
                    acked = load.acknowledged();
                }
                if (haltAt.equals("none")) {
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                            api.get("recoveries").path("recoveries").get(0).path("success").asBoolean());
                    id = api.get("recoveries").path("recoveries").get(0).path("id").asText();
                    assertEndState(c, store, acked);
                    System.out.printf("RESUME-TIMING %s: kill to finished failover %d ms%n", haltAt,
                            (System.nanoTime() - t0) / 1_000_000);
                    return;
                }
                assertThat(first.awaitExit(Duration.ofSeconds(60))).as("halted by the hook; log:%n%s",
                        tail(first.output())).isEqualTo(86);
            }
            ChangeRecord left = store.loadChange().orElseThrow();
            id = left.id();
            assertThat(left.kind()).isEqualTo("FAILOVER");
            assertThat(left.steps()).hasSize(PLAN_STEPS);
            assertThat(left.steps().get(PROMOTE)).isInstanceOf(Step.Promote.class);
            int k = haltAt.equals("registered") ? -1 : Integer.parseInt(haltAt);
            if (k < 0) {
                assertThat(left.done()).isEmpty();
            } else if (k > 0) {
                assertThat(left.done()).as("steps done when halted after step %d", k).contains(k);
            }
            // nobody became writable while no monitor ran, unless the promotion had happened
            assertThat(c.writableHosts()).isEqualTo(k >= PROMOTE ? List.of("db2") : List.of());
            long t1 = System.nanoTime();
            try (MonitorProcess second = MonitorProcess.start(cfg, null, dir.resolve("monitor-2.log"))) {
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                    JsonNode r = api.get("recoveries").path("recoveries").get(0);
                    return id.equals(r.path("id").asText()) && r.path("success").asBoolean();
                });
                System.out.printf("RESUME-TIMING %s: second monitor start to finished failover %d ms%n", haltAt,
                        (System.nanoTime() - t1) / 1_000_000);
                assertThat(store.loadChange()).as("nothing left registered").isEmpty();
                assertEndState(c, store, acked);
                assertThat(second.output()).contains("[" + id + "]").contains("left unfinished by the previous monitor");
                List<String> audit = Files.readAllLines(Path.of(store.file() + ".audit.jsonl"));
                assertThat(audit).filteredOn(l -> l.contains("\"" + id + "\"")).hasSize(1);
            }
        }
    }

    private static boolean allOnlineWithWriter(ApiClient api, String writer) throws Exception {
        JsonNode s = api.get("status");
        if (!writer.equals(s.path("writer").asText())) {
            return false;
        }
        for (JsonNode h : s.path("hosts")) {
            if (!"ONLINE".equals(h.path("state").asText())) {
                return false;
            }
        }
        return s.path("hosts").size() == 4;
    }

    /** The end state of an uninterrupted failover from db1 to db2. */
    private static void assertEndState(Cluster c, StateStore store, List<Long> acked) throws Exception {
        HostConfig db2 = c.host("db2");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            for (String replica : List.of("db3", "db4")) {
                ReplicaLink l = c.sql.replicaLink(c.host(replica)).orElseThrow();
                assertThat(l.readsFrom(db2.address(), db2.port())).as(replica + " reads from db2").isTrue();
                assertThat(l.ioRunning() && l.sqlRunning()).as(replica + " replicates").isTrue();
            }
            assertThat(c.sql.replicaLink(db2)).as("db2 replicates from nobody").isEmpty();
            ClusterState s = store.load().orElseThrow();
            assertThat(s.holder("writer")).contains("db2");
            assertThat(s.sources()).containsEntry("db3", "db2").containsEntry("db4", "db2").doesNotContainKey("db2");
        });
        assertThat(c.writableHosts()).containsExactly("db2");
        assertThat(c.readOnly("db3")).isTrue();
        assertThat(c.readOnly("db4")).isTrue();
        c.sql.exec(db2, "INSERT INTO " + WriteLoad.TABLE + " (id, written_on) VALUES (-1, 'db2')");
        GtidPosition target = c.sql.binlogPosition(db2);
        for (String h : List.of("db2", "db3", "db4")) {
            HostConfig host = c.host(h);
            assertThat(c.sql.waitForGtid(host, target, Duration.ofSeconds(30), "test")).as(h + " caught up").isTrue();
            assertThat(WriteLoad.missingOn(host, c.config.monitorUser(), Duration.ofSeconds(10), acked))
                    .as("acknowledged rows missing on " + h).isEmpty();
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
