package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.cli.WriteLoad;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.monitor.RecoveryRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL of the writer under a write load, on real servers. */
class FailoverIT {

    @Test
    void shouldFailOverAfterSigkillOfWriterWithoutLosingAcknowledgedRows(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25110, 1).startMonitor()) {
            assertThat(c.writer()).contains("db1");
            WriteLoad.prepare(c.host("db1"), c.config.monitorUser(), Duration.ofSeconds(5));
            List<Long> acked;
            long killedAt;
            long firstWriteAfter;
            try (WriteLoad load = new WriteLoad(() -> c.writer().map(c::host), c.config.monitorUser(),
                    Duration.ofSeconds(1)).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged().size() > 500);
                killedAt = System.nanoTime();
                c.sandbox.kill("db1");
                await().atMost(Duration.ofSeconds(30)).until(() -> c.writer().filter("db2"::equals).isPresent()
                        && load.lastSuccessNanos() > killedAt);
                firstWriteAfter = load.outages().stream().filter(o -> o[1] > killedAt).mapToLong(o -> o[1]).min()
                        .orElse(load.lastSuccessNanos());
                Thread.sleep(1000);
                load.close();
                acked = load.acknowledged();
            }
            System.out.printf("FAILOVER-TIMING kill to first write on new writer: %d ms%n",
                    (firstWriteAfter - killedAt) / 1_000_000);

            // the dead writer's replica now reads from the new writer
            await().atMost(Duration.ofSeconds(10)).until(() -> "db2".equals(c.monitor.state().sources().get("db3")));
            ReplicaLink db3 = c.sql.replicaLink(c.host("db3")).orElseThrow();
            assertThat(db3.readsFrom(c.host("db2").address(), c.host("db2").port())).isTrue();

            // every acknowledged row is on every surviving host
            GtidPosition target = c.sql.binlogPosition(c.host("db2"));
            for (String h : List.of("db2", "db3", "db4")) {
                HostConfig host = c.host(h);
                assertThat(c.sql.waitForGtid(host, target, Duration.ofSeconds(30), "test")).as(h + " caught up").isTrue();
                assertThat(WriteLoad.missingOn(host, c.config.monitorUser(), Duration.ofSeconds(10), acked))
                        .as("acknowledged rows missing on " + h).isEmpty();
            }
            // exactly one writable host, the new writer
            assertThat(c.writableHosts()).containsExactly("db2");
            // the failover was audited step by step
            RecoveryRecord r = c.monitor.recoveries().get(0);
            assertThat(r.kind()).isEqualTo("FAILOVER");
            assertThat(r.success()).isTrue();
            assertThat(r.steps()).extracting(RecoveryRecord.StepRecord::step)
                    .anyMatch(s -> s.startsWith("wait until db2 has applied its relay log"))
                    .anyMatch(s -> s.startsWith("promote db2"));
            assertThat(r.positions(true)).containsKeys("db1", "db2");
            assertThat(r.positions(false)).as("db1 is dead: not asked again").containsOnlyKeys("db2");
            // known; a transaction written to db1's binlog just before its last check and not yet sent could count
            assertThat(r.transactionsLost()).isBetween(0L, 2L);
        }
    }
}
