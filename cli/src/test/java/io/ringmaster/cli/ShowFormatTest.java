package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import org.junit.jupiter.api.Test;

/** The text forms of {@code show}: MMM's exact lines ({@code --mmm}) and the replication tree. */
class ShowFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RingmasterConfig config(String prefer) {
        return ConfigLoader.parse("""
                monitor: {listen: 127.0.0.1:1}
                credentials:
                  monitor: {user: mon, password: pw}
                  replication: {user: repl, password: pw}
                hosts:
                  - {name: db1, address: 192.168.0.31, port: 3306, mode: master}
                  - {name: db2, address: 192.168.0.32, port: 3306, mode: master}
                  - {name: db3, address: 192.168.0.33, port: 3307, mode: replica, master: db1}
                roles:
                  - {name: writer, mode: exclusive, hosts: [db1, db2]%s}
                  - {name: reader, mode: balanced, hosts: [db1, db2, db3]}
                """.formatted(prefer), "test.yml", java.nio.file.Path.of("."), null, k -> null);
    }

    private static JsonNode status(String mode, String hostsJson) throws Exception {
        return JSON.readTree("{\"mode\": \"" + mode + "\", \"writer\": \"db1\", \"hosts\": [" + hostsJson + "]}");
    }

    private static final String HOSTS = """
            {"name": "db3", "address": "192.168.0.33:3307", "mode": "replica", "state": "ONLINE", "roles": ["reader"],
             "readOnly": true, "lagSeconds": 0.25, "source": "db1"},
            {"name": "db1", "address": "192.168.0.31:3306", "mode": "master", "state": "ONLINE",
             "roles": ["writer", "reader"], "readOnly": false, "lagSeconds": 0.0, "source": "db2"},
            {"name": "db2", "address": "192.168.0.32:3306", "mode": "master", "state": "REPLICATION_FAIL",
             "roles": [], "readOnly": true, "lagSeconds": null, "source": "db1"}
            """;

    @Test
    void shouldPrintMmmsExactLinesWithRoleAddresses() throws Exception {
        JsonNode s = status("ACTIVE", """
                {"name": "db1", "address": "192.168.0.31:3306", "mode": "master", "state": "ONLINE",
                 "roles": ["writer", "reader"], "roleAddresses": {"writer": "192.168.0.50", "reader": "192.168.0.51"}},
                {"name": "db2", "address": "192.168.0.32:3306", "mode": "master", "state": "ONLINE",
                 "roles": ["reader"], "roleAddresses": {"reader": "192.168.0.52"}}""");

        assertThat(ShowFormat.mmm(s, config(""))).isEqualTo("""
                  db1(192.168.0.31) master/ONLINE. Roles: reader(192.168.0.51), writer(192.168.0.50)
                  db2(192.168.0.32) master/ONLINE. Roles: reader(192.168.0.52)
                """);
    }

    @Test
    void shouldWriteOneRoleInstancePerAddressAsTheMonitorListsThem() throws Exception {
        JsonNode s = status("ACTIVE", """
                {"name": "db1", "address": "127.0.0.1:32001", "mode": "master", "state": "ONLINE",
                 "roles": ["writer", "reader"], "roleAddresses": {"writer": ["127.0.125.1"],
                 "reader": ["127.0.125.3", "127.0.125.2"]}},
                {"name": "db2", "address": "127.0.0.1:32002", "mode": "master", "state": "ONLINE",
                 "roles": ["reader"]}""");

        assertThat(ShowFormat.mmm(s, config(""))).isEqualTo("""
                  db1(192.168.0.31) master/ONLINE. Roles: reader(127.0.125.2), reader(127.0.125.3), writer(127.0.125.1)
                  db2(192.168.0.32) master/ONLINE. Roles: reader()
                """);
        assertThat(ControlCommands.formatShow(s)).contains(
                "  db1(127.0.0.1:32001) master/ONLINE. Roles: reader(127.0.125.2), reader(127.0.125.3), "
                        + "writer(127.0.125.1)\n", "  db2(127.0.0.1:32002) master/ONLINE. Roles: reader\n");
    }

    @Test
    void shouldSortHostsSaySlaveAndWriteRolesWithoutAddressesAsEmptyBrackets() throws Exception {
        assertThat(ShowFormat.mmm(status("ACTIVE", HOSTS), config(""))).isEqualTo("""
                  db1(192.168.0.31) master/ONLINE. Roles: reader(), writer()
                  db2(192.168.0.32) master/REPLICATION_FAIL. Roles:\s
                  db3(192.168.0.33) slave/ONLINE. Roles: reader()
                """);
    }

    @Test
    void shouldPrintThePassiveHeaderAndPreferenceLinesAsMmm() throws Exception {
        String text = ShowFormat.mmm(status("PASSIVE", HOSTS), config(", prefer: db1"));

        assertThat(text).startsWith("# --- Monitor is in PASSIVE MODE ---\n# Cause: ")
                .endsWith("# Role writer is assigned to it's preferred host db1.\n");
        assertThat(ShowFormat.mmm(status("ACTIVE", HOSTS), config(", prefer: db2")))
                .endsWith("# Role writer has db2 configured as it's preferred host but is assigned to db1 at the moment.\n");
    }

    @Test
    void shouldDrawTheReplicationTreeFromTheWriterWithSourceLagAndReadOnly() throws Exception {
        assertThat(ShowFormat.tree(status("ACTIVE", HOSTS))).isEqualTo("""
                # Topology (each host under its replication source):
                db1 master/ONLINE  source=db2  lag=0.0s  read_only=OFF  roles=reader,writer
                  + db2 master/REPLICATION_FAIL  source=db1  lag=?  read_only=ON  roles=-
                  + db3 replica/ONLINE  source=db1  lag=0.3s  read_only=ON  roles=reader
                """);
    }

    @Test
    void shouldDrawEveryHostOnceInARingWithoutAWriter() throws Exception {
        JsonNode s = JSON.readTree("""
                {"mode": "ACTIVE", "writer": null, "hosts": [
                 {"name": "db1", "mode": "master", "state": "AWAITING_RECOVERY", "roles": [], "source": "db3"},
                 {"name": "db2", "mode": "master", "state": "AWAITING_RECOVERY", "roles": [], "source": "db1"},
                 {"name": "db3", "mode": "master", "state": "AWAITING_RECOVERY", "roles": [], "source": "db2"},
                 {"name": "r1", "mode": "replica", "state": "ONLINE", "roles": [], "source": "db2"},
                 {"name": "r9", "mode": "replica", "state": "HARD_OFFLINE", "roles": []}]}""");

        String tree = ShowFormat.tree(s);

        assertThat(tree.lines().skip(1).map(l -> l.strip().replace("+ ", "").split(" ")[0]))
                .containsExactlyInAnyOrder("db1", "db2", "db3", "r1", "r9");
        assertThat(tree).contains("r9 replica/HARD_OFFLINE  source=-")
                .contains("db1 master/AWAITING_RECOVERY  source=db3")
                .contains("\n  + db2 ").contains("\n    + db3 ").contains("\n    + r1 ");
    }
}
