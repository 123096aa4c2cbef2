package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxSpec;
import io.ringmaster.tools.bootstrap.Bootstrap;
import io.ringmaster.tools.bootstrap.BootstrapPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bootstrap of 2 masters + 2 replicas on real servers, through the sandbox that uses it. */
class BootstrapIT {

    @Test
    void shouldBuildRingOfTwoMastersWithAReplicaEach(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 25010, 1)) {
            Map<String, String> expected = Map.of("db1", "db2", "db2", "db1", "db3", "db1", "db4", "db2");
            Set<Long> serverIds = new HashSet<>();
            Set<Long> domains = new HashSet<>();
            for (HostConfig h : c.config.hosts()) {
                ReplicaLink link = c.sql.replicaLink(h).orElseThrow();
                HostConfig src = c.host(expected.get(h.name()));
                assertThat(link.readsFrom(src.address(), src.port())).as(h.name() + " source").isTrue();
                assertThat(link.threadsRunning()).as(h.name() + " threads").isTrue();
                assertThat(link.usingGtid()).as(h.name() + " uses GTID").isTrue();
                assertThat(c.readOnly(h.name())).as(h.name() + " read_only").isEqualTo(!h.name().equals("db1"));
                serverIds.add(Long.parseLong(c.sql.queryString(h, "SELECT @@server_id")));
                if (h.isMaster()) {
                    domains.add(Long.parseLong(c.sql.queryString(h, "SELECT @@gtid_domain_id")));
                    assertThat(c.sql.queryString(h, "SELECT @@auto_increment_increment")).isEqualTo("2");
                    assertThat(c.sql.queryString(h, "SELECT @@log_slave_updates")).isEqualTo("1");
                }
            }
            assertThat(serverIds).hasSize(4);
            assertThat(domains).hasSize(2);
            assertThat(c.sql.queryString(c.host("db1"), "SELECT @@auto_increment_offset"))
                    .isNotEqualTo(c.sql.queryString(c.host("db2"), "SELECT @@auto_increment_offset"));

            // a change on the writer reaches the other master's replica (through log_slave_updates on db2)
            c.sql.exec(c.host("db1"), "CREATE DATABASE bt", "CREATE TABLE bt.t (id INT PRIMARY KEY)",
                    "INSERT INTO bt.t VALUES (42)");
            var pos = c.sql.binlogPosition(c.host("db1"));
            assertThat(c.sql.waitForGtid(c.host("db4"), pos, Duration.ofSeconds(20), "test")).isTrue();
            assertThat(c.sql.queryString(c.host("db4"), "SELECT id FROM bt.t")).isEqualTo("42");

            // a second run changes no link: bootstrap is idempotent
            BootstrapPlan again = new Bootstrap(c.config, s -> { }).plan();
            assertThat(again.initialWriter()).isEqualTo("db1");
            List<String> linkActions = again.actions().stream().map(BootstrapPlan.Action::description)
                    .filter(d -> d.startsWith("replicate from") || d.startsWith("read_only")).toList();
            assertThat(linkActions).isEmpty();

            // a replica left with MariaDB's default slave_net_timeout would notice a dead writer only after 60 s
            c.sql.exec(c.host("db3"), "SET GLOBAL slave_net_timeout = 60", "STOP SLAVE",
                    "CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = 30", "START SLAVE");
            Bootstrap b = new Bootstrap(c.config, s -> { });
            b.apply(b.plan(), Duration.ofSeconds(30));
            assertThat(c.sql.queryString(c.host("db3"), "SELECT @@slave_net_timeout"))
                    .isEqualTo(String.valueOf(Bootstrap.NET_TIMEOUT_SECONDS));
            assertThat(Double.parseDouble(c.sql.queryString(c.host("db3"),
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                            + " WHERE VARIABLE_NAME = 'SLAVE_HEARTBEAT_PERIOD'")))
                    .isEqualTo(Bootstrap.NET_TIMEOUT_SECONDS / 2.0);
            assertThat(c.sql.replicaLink(c.host("db3")).orElseThrow().threadsRunning()).isTrue();
        }
    }

    @Test
    void shouldRefuseHostWithBinaryLogOffNamingTheConfigLine(@TempDir Path dir) {
        assertThatThrownBy(() -> {
            try (Sandbox s = Sandbox.up(SandboxSpec.of(dir.resolve("sb")).withBasePort(25030).withTopology(2, 0)
                    .withExtraConfig(List.of("skip-log-bin")))) {
                // not reached
            }
        }).hasMessageContaining("db1: the binary log is off").hasMessageContaining("log_bin");
        // the failed sandbox leaves no server running
        try {
            Sandbox.open(dir.resolve("sb")).down(true);
        } catch (RuntimeException ignored) {
            // nothing left to stop
        }
    }
}
