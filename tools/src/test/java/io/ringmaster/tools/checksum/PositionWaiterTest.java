package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PositionWaiterTest {
    private final RingmasterConfig ring = ConfigLoader.parse(String.join("\n",
            "cluster: t",
            "credentials:",
            "  monitor: {user: root, password: \"\"}",
            "  replication: {user: repl, password: \"x\"}",
            "hosts:",
            "  - {name: db1, address: 127.0.0.1, port: 3301, mode: master}",
            "  - {name: db2, address: 127.0.0.1, port: 3302, mode: master}",
            "  - {name: db3, address: 127.0.0.1, port: 3303, mode: master}",
            "  - {name: db4, address: 127.0.0.1, port: 3304, mode: replica, master: db2}",
            "roles:",
            "  - {name: writer, mode: exclusive, hosts: [db1, db2, db3]}",
            ""), "test", Path.of("."), null, k -> null);

    @Test
    void shouldFollowReplicasToTheirMasterAndMastersAroundTheRing() {
        assertThat(PositionWaiter.source(ring, ring.host("db4")).map(HostConfig::name)).contains("db2");
        assertThat(PositionWaiter.source(ring, ring.host("db2")).map(HostConfig::name)).contains("db1");
        assertThat(PositionWaiter.source(ring, ring.host("db1")).map(HostConfig::name)).contains("db3");
    }
}
