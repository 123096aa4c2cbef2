package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleAddressesTest {
    private static final RingmasterConfig CONFIG = ConfigLoader.parse("""
            monitor: {listen: 127.0.0.1:1}
            credentials:
              monitor: {user: mon, password: pw}
              replication: {user: repl, password: pw}
            hosts:
              - {name: db1, address: 127.0.0.1, port: 3306, mode: master}
              - {name: db2, address: 127.0.0.1, port: 3307, mode: master}
              - {name: db3, address: 127.0.0.1, port: 3308, mode: replica, master: db1}
            roles:
              - {name: writer, mode: exclusive, hosts: [db1, db2], ips: [10.9.9.1]}
              - {name: reader, mode: balanced, hosts: [db1, db2, db3], ips: [10.9.9.2, 10.9.9.3]}
            agents:
              hosts:
                - {name: db1, port: 9001, interface: lo}
                - {name: db2, port: 9002, interface: lo}
                - {name: db3, port: 9003, interface: lo}
            """, "test.yml", Path.of("."), null, k -> null);

    @Test
    void shouldGiveTheWriterItsAddressAndTheWriterFlag() {
        RoleAddresses a = RoleAddresses.assign(CONFIG, "writer", Map.of("writer", List.of("db2")), Map.of());

        assertThat(a.of("db2").writer()).isTrue();
        assertThat(a.of("db2").writerIps("writer")).containsExactly("10.9.9.1");
        assertThat(a.of("db1")).isEqualTo(new RoleAddresses.Held(false, Map.of()));
    }

    @Test
    void shouldKeepReaderAddressesWhereTheyWereAndMoveOnlyOrphans() {
        RoleAddresses a = RoleAddresses.assign(CONFIG, "writer",
                Map.of("writer", List.of("db1"), "reader", List.of("db1", "db2", "db3")),
                Map.of("10.9.9.2", "db3", "10.9.9.3", "db2"));
        assertThat(a.of("db3").otherIps("writer")).containsExactly("10.9.9.2");
        assertThat(a.of("db2").otherIps("writer")).containsExactly("10.9.9.3");

        RoleAddresses b = RoleAddresses.assign(CONFIG, "writer",
                Map.of("writer", List.of("db1"), "reader", List.of("db1", "db3")), a.hostOf());
        assertThat(b.of("db3").otherIps("writer")).containsExactly("10.9.9.2");
        assertThat(b.of("db1").otherIps("writer")).containsExactly("10.9.9.3");
        assertThat(b.of("db1").writerIps("writer")).containsExactly("10.9.9.1");
    }

    @Test
    void shouldAssignNoAddressOfARoleWithoutHolders() {
        RoleAddresses a = RoleAddresses.assign(CONFIG, "writer", Map.of("writer", List.of()), Map.of());

        assertThat(a.hosts().values()).allSatisfy(h -> assertThat(h).isEqualTo(RoleAddresses.Held.NONE));
    }
}
