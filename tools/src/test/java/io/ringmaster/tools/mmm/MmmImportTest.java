package io.ringmaster.tools.mmm;

import static io.ringmaster.tools.mmm.MmmFixtures.AGENT;
import static io.ringmaster.tools.mmm.MmmFixtures.AGENT_PASSWORD;
import static io.ringmaster.tools.mmm.MmmFixtures.COMMON;
import static io.ringmaster.tools.mmm.MmmFixtures.MON;
import static io.ringmaster.tools.mmm.MmmFixtures.MONITOR_PASSWORD;
import static io.ringmaster.tools.mmm.MmmFixtures.REPLICATION_PASSWORD;
import static io.ringmaster.tools.mmm.MmmFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.model.RoleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmmImportTest {
    @TempDir Path dir;

    private MmmConversion convert(Path... files) {
        return MmmImport.convert(List.of(files));
    }

    /** Loads the YAML as the monitor would: passwords from memory, nothing from the real environment. */
    private RingmasterConfig load(MmmConversion c) {
        return ConfigLoader.parse(c.yaml(), "converted", dir, null, c.env(Map.of(
                "RINGMASTER_MONITOR_USER", "mon", "RINGMASTER_MONITOR_PASSWORD", "pw",
                "RINGMASTER_AGENT_TOKEN", "agent-token-0123456789abcdef")::get));
    }

    private static List<String> lines(MmmConversion c) {
        return c.notes().stream().map(MmmNote::toString).toList();
    }

    @Test
    void shouldConvertTheDocumentedMonitorConfigurationThroughItsInclude() {
        write(dir, "mmm_common.conf", COMMON);
        MmmConversion c = convert(write(dir, "mmm_mon.conf", MON));

        RingmasterConfig cfg = load(c);
        assertThat(cfg.hosts()).containsExactly(
                new HostConfig("db1", "192.168.0.31", 3306, HostMode.MASTER, Optional.empty()),
                new HostConfig("db2", "192.168.0.32", 3306, HostMode.MASTER, Optional.empty()),
                new HostConfig("db3", "192.168.0.33", 3306, HostMode.REPLICA, Optional.of("db1")));
        assertThat(cfg.roles()).containsExactly(
                new RoleConfig("writer", RoleKind.EXCLUSIVE, List.of("db1", "db2"), Optional.empty(),
                        List.of("192.168.0.50")),
                new RoleConfig("reader", RoleKind.BALANCED, List.of("db1", "db2", "db3"), Optional.empty(),
                        List.of("192.168.0.51", "192.168.0.52", "192.168.0.53")));
        // one agent per host, as MMM's mmm_agentd, on MMM's agent port, with the cluster_interface of the template
        assertThat(cfg.agents().agents()).extracting(a -> a.host() + " " + a.endpoint() + " "
                + a.networkInterface().orElse("-")).containsExactly("db1 192.168.0.31:9989 eth0",
                "db2 192.168.0.32:9989 eth0", "db3 192.168.0.33:9989 eth0");
        assertThat(c.yaml()).contains("  token: \"${RINGMASTER_AGENT_TOKEN}\"\n");
        assertThat(cfg.monitorUser().user()).isEqualTo("mmm_monitor");
        assertThat(cfg.monitorUser().password().reveal()).isEqualTo(MONITOR_PASSWORD);
        assertThat(cfg.replicationUser().user()).isEqualTo("replication");
        assertThat(cfg.replicationUser().password().reveal()).isEqualTo(REPLICATION_PASSWORD);
        assertThat(cfg.monitor().listenAddress()).isEqualTo("127.0.0.1");
        assertThat(cfg.monitor().listenPort()).isEqualTo(9988);
        // on loopback the token is optional: without it the monitor takes no commands over its API
        assertThat(c.yaml()).contains("  api_token: \"${RINGMASTER_API_TOKEN:-}\"\n");
        assertThat(cfg.monitor().api().hasToken()).isFalse();
        assertThat(lines(c)).noneMatch(n -> n.contains("api_token") || n.contains(": ip: warning"));
        assertThat(cfg.monitor().stateFile()).isEqualTo(Path.of("/var/run/mmmd_mon.ringmaster.json"));
        assertThat(c.files()).containsExactly(dir.resolve("mmm_mon.conf").toString(),
                dir.resolve("mmm_common.conf").toString());
    }

    @Test
    void shouldWritePasswordsAsVariablesAndKeepThemOutOfEveryText() {
        write(dir, "mmm_common.conf", COMMON);
        MmmConversion c = convert(write(dir, "mmm_mon.conf", MON));

        assertThat(c.yaml()).contains("password: \"${RINGMASTER_MONITOR_PASSWORD}\"",
                "password: \"${RINGMASTER_REPLICATION_PASSWORD}\"");
        for (String secret : List.of(MONITOR_PASSWORD, REPLICATION_PASSWORD, AGENT_PASSWORD)) {
            assertThat(c.yaml()).doesNotContain(secret);
            assertThat(String.join("\n", lines(c))).doesNotContain(secret);
            assertThat(c.toString()).doesNotContain(secret);
        }
        Path mon = dir.resolve("mmm_mon.conf");
        assertThat(lines(c)).contains(mon + ":13: credentials.monitor.password: note: written as "
                + "${RINGMASTER_MONITOR_PASSWORD}: set that variable to the monitor_password of the MMM files before "
                + "starting Ringmaster (the password is not copied)");
        assertThat(c.secrets()).containsOnlyKeys("RINGMASTER_MONITOR_PASSWORD", "RINGMASTER_REPLICATION_PASSWORD");
        assertThat(c.secrets().toString()).doesNotContain(MONITOR_PASSWORD);
    }

    @Test
    void shouldListEveryUnmappedKeyWithItsReasonAndPlace() {
        Path common = write(dir, "mmm_common.conf", COMMON);
        Path mon = write(dir, "mmm_mon.conf", MON);
        MmmConversion c = convert(mon);

        List<String> unmapped = c.notes(MmmNote.Kind.UNMAPPED).stream().map(MmmNote::toString).toList();
        assertThat(unmapped).noneMatch(n -> n.contains("cluster_interface") || n.contains(": ips:"));
        assertThat(lines(c)).contains(common + ":42: roles[].ips: note: the agents put 192.168.0.51, 192.168.0.52, "
                + "192.168.0.53 on the role's holders, as MMM's agents did, on a lease from the monitor");
        assertThat(unmapped).contains(
                common + ":19: peer: unmapped: Ringmaster's masters replicate from every other master; no peer is "
                        + "named (set in 2 places)");
        assertThat(unmapped).anyMatch(n -> n.startsWith(common + ":12: agent_user: unmapped: Ringmaster's agent works "
                + "on its server with credentials.monitor"));
        assertThat(unmapped).anyMatch(n -> n.startsWith(common + ":13: agent_password: unmapped:"));
        assertThat(unmapped).anyMatch(n -> n.startsWith(mon + ":8: ping_ips: unmapped:")
                && n.contains("MMM pinged 192.168.0.1, 192.168.0.2, 192.168.0.3") && n.contains("address:port"));
        assertThat(unmapped).anyMatch(n -> n.startsWith(mon + ":16: debug: unmapped:"));
        assertThat(unmapped).anyMatch(n -> n.startsWith(mon + ":5: pid_path: unmapped:"));
        assertThat(lines(c)).anyMatch(n -> n.startsWith(common + ":28: db3: note: MMM slaves follow whichever master "
                + "is active; Ringmaster needs a fixed master: set to db1 (the first host of role writer)"));
        assertThat(lines(c)).anyMatch(n -> n.startsWith(mon + ":7: status_path: note: state_file set to "
                + "/var/run/mmmd_mon.ringmaster.json"));
        assertThat(lines(c)).contains(mon + ": checks: note: not set in the MMM files, so Ringmaster's defaults "
                + "apply rather than MMM's: check_period 1s (MMM 5s), trap_period 3s (MMM 10s), timeout 1s (MMM 2s), "
                + "max_backlog 10s (MMM 60s)");
    }

    @Test
    void shouldGiveTheSameResultForBothFilesNamedAsForTheInclude() {
        Path common = write(dir, "mmm_common.conf", COMMON);
        Path mon = write(dir, "mmm_mon.conf", MON);

        MmmConversion both = convert(common, mon);

        assertThat(both.files()).containsExactly(common.toString(), mon.toString());
        assertThat(load(both).hosts()).isEqualTo(load(convert(mon)).hosts());
        assertThat(both.yaml().lines().skip(1).toList()).isEqualTo(convert(mon).yaml().lines().skip(1).toList());
    }

    @Test
    void shouldConvertAnAgentConfigurationAndAskForTheMonitorAccount() {
        write(dir, "mmm_common.conf", COMMON);
        Path agent = write(dir, "mmm_agent.conf", AGENT);

        MmmConversion c = convert(agent);

        assertThat(c.yaml()).contains("user: \"${RINGMASTER_MONITOR_USER}\"");
        RingmasterConfig cfg = load(c);
        assertThat(cfg.monitorUser().user()).isEqualTo("mon");
        assertThat(cfg.hosts()).hasSize(3);
        assertThat(lines(c)).anyMatch(n -> n.startsWith(agent + ":4: this: unmapped: names the agent's own host"));
        assertThat(lines(c)).anyMatch(n -> n.contains("credentials.monitor: note: no monitor_user in the MMM files: "
                + "written as ${RINGMASTER_MONITOR_USER} and ${RINGMASTER_MONITOR_PASSWORD}"));
    }

    @Test
    void shouldMapMonitorKeysAndNameTheClusterAfterItsFile() {
        write(dir, "mmm_common_prod.conf", COMMON);
        Path mon = write(dir, "mmm_mon_prod.conf", """
                include mmm_common_prod.conf
                <monitor>
                    ip                  0.0.0.0
                    port                9999
                    status_path         /var/lib/mysql-mmm/mmm_mond_prod.status
                    flap_duration       1800
                    flap_count          5
                    auto_set_online     60
                    mode                passive
                    careful_startup     1
                    wait_for_other_master 30
                </monitor>
                <host default>
                    monitor_user        mmm_monitor
                    monitor_password    x
                </host>
                """);

        MmmConversion c = convert(mon);
        String token = "a-long-random-api-token-0123456789";
        RingmasterConfig cfg = ConfigLoader.parse(c.yaml(), "converted", dir, null, c.env(Map.of(
                "RINGMASTER_MONITOR_USER", "mon", "RINGMASTER_MONITOR_PASSWORD", "pw",
                "RINGMASTER_API_TOKEN", token, "RINGMASTER_AGENT_TOKEN", "agent-token-0123456789abcdef")::get));

        // MMM's monitor on every interface: the API needs a token, read from the environment, with a warning
        assertThat(cfg.monitor().api().accepts(token)).isTrue();
        assertThat(c.yaml()).contains("  api_token: \"${RINGMASTER_API_TOKEN}\"\n").doesNotContain(token)
                .contains("  # Commands over the API (move-role, set-online...) need this token");
        assertThat(lines(c)).anyMatch(n -> n.startsWith(mon + ":3: ip: warning: MMM's monitor listened on 0.0.0.0: "
                + "Ringmaster's API would be open on every interface") && n.contains("needs api_token"));
        assertThatThrownBy(() -> load(c)).isInstanceOf(io.ringmaster.core.config.ConfigException.class)
                .hasMessageContaining("monitor.api_token: environment variable RINGMASTER_API_TOKEN is not set");
        assertThat(cfg.cluster()).isEqualTo("prod");
        assertThat(cfg.monitor().listenAddress()).isEqualTo("0.0.0.0");
        assertThat(cfg.monitor().listenPort()).isEqualTo(9999);
        assertThat(cfg.monitor().stateFile()).isEqualTo(Path.of("/var/lib/mysql-mmm/mmm_mond_prod.ringmaster.json"));
        assertThat(cfg.monitor().flapDuration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(cfg.monitor().flapCount()).isEqualTo(5);
        assertThat(cfg.monitor().autoSetOnline()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.monitor().startMode()).isEqualTo(MonitorMode.PASSIVE);
        assertThat(cfg.safety().carefulStartup()).isTrue();
        assertThat(cfg.safety().waitForOtherMaster()).isEqualTo(Duration.ofSeconds(30));
        assertThat(lines(c)).noneMatch(n -> n.contains("careful_startup: unmapped"));
        assertThat(lines(c)).noneMatch(n -> n.contains("wait_for_other_master: unmapped"));
        assertThat(lines(c)).noneMatch(n -> n.contains("/var/run is emptied") || n.contains("emptied at boot"));
    }

    @Test
    void shouldTakeProbeTimingsFromTheMysqlCheckAndNoteChecksThatDiffer() {
        Path f = write(dir, "mmm_mon.conf", COMMON + """
                <check default>
                    check_period 2
                    trap_period 4
                    restart_after 100
                </check>
                <check mysql>
                    timeout 1.5
                </check>
                <check ping>
                    check_period 1
                </check>
                <check rep_backlog>
                    max_backlog 30
                </check>
                <check rep_threads/>
                """);

        MmmConversion c = convert(f);
        RingmasterConfig cfg = load(c);

        assertThat(cfg.monitor().checkPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.monitor().trapPeriod()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cfg.monitor().checkTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(cfg.monitor().maxBacklog()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.yaml()).contains("  check_period: 2s\n", "  timeout: 1500ms\n", "  max_backlog: 30s\n");
        assertThat(lines(c)).contains(f + ":54: check_period: unmapped: Ringmaster has one probe timing for all "
                + "checks: the mysql check's 2s is used, not the 1s of the ping check");
        assertThat(lines(c)).anyMatch(n -> n.startsWith(f + ":48: restart_after: unmapped:"));
        assertThat(lines(c)).noneMatch(n -> n.contains("checks: note: not set"));
    }

    @Test
    void shouldPreferTheWriterRolesPreferredHostOrASlavesPeerAsItsMaster() {
        Path f = write(dir, "mmm_common.conf", """
                active_master_role writer
                <host default>
                    replication_user repl
                    monitor_user mon
                </host>
                <host db1>
                    ip 10.0.0.1
                    mode master
                </host>
                <host db2>
                    ip 10.0.0.2
                    mode master
                    mysql_port 3307
                </host>
                <host r1>
                    ip 10.0.0.3
                    mode slave
                </host>
                <host r2>
                    ip 10.0.0.4
                    mode slave
                    peer db1
                </host>
                <role writer>
                    mode exclusive
                    hosts db1, db2
                    prefer db2
                </role>
                """);

        MmmConversion c = convert(f);
        RingmasterConfig cfg = load(c);

        assertThat(cfg.hosts().get(1).port()).isEqualTo(3307);
        assertThat(cfg.hosts().get(2).master()).contains("db2");
        assertThat(cfg.hosts().get(3).master()).contains("db1");
        assertThat(cfg.roles().get(0).prefer()).contains("db2");
        assertThat(lines(c)).anyMatch(n -> n.startsWith(f + ":15: r1: note:")
                && n.contains("set to db2 (the preferred host of role writer)"));
        assertThat(lines(c)).anyMatch(n -> n.startsWith(f + ":22: r2: note:") && n.contains("this slave's peer"));
        assertThat(lines(c)).anyMatch(n -> n.contains("credentials.monitor: note: no monitor_password"));
    }

    @Test
    void shouldKeepOnlyTheActiveMasterRoleAsExclusiveAndOnlyMastersInIt() {
        Path f = write(dir, "mmm_common.conf", """
                active_master_role writer
                <host default>
                    replication_user repl
                </host>
                <host db1>
                    ip 10.0.0.1
                    mode master
                </host>
                <host db2>
                    ip 10.0.0.2
                    mode master
                </host>
                <host r1>
                    ip 10.0.0.3
                    mode slave
                </host>
                <role backup_writer>
                    mode exclusive
                    hosts db2
                </role>
                <role writer>
                    mode exclusive
                    hosts db1, db2, r1
                </role>
                """);

        MmmConversion c = convert(f);

        assertThat(load(c).roles()).containsExactly(
                new RoleConfig("writer", RoleKind.EXCLUSIVE, List.of("db1", "db2"), Optional.empty()));
        assertThat(lines(c)).anyMatch(n -> n.startsWith(f + ":18: mode: unmapped: role backup_writer left out"));
        assertThat(lines(c)).anyMatch(n -> n.startsWith(f + ":23: hosts: unmapped: r1 left out of role writer"));
    }

    @Test
    void shouldUseOneAccountForAllHostsAndSayWhichWhenHostsDiffer() {
        Path f = write(dir, "mmm_common.conf", """
                <host db1>
                    ip 10.0.0.1
                    mode master
                    monitor_user mon_a
                    monitor_password pw-a-hidden
                    replication_user repl
                </host>
                <host db2>
                    ip 10.0.0.2
                    mode master
                    monitor_user mon_b
                    monitor_password pw-b-hidden
                    replication_user repl
                </host>
                """);

        MmmConversion c = convert(f);

        assertThat(load(c).monitorUser().user()).isEqualTo("mon_a");
        assertThat(load(c).monitorUser().password().reveal()).isEqualTo("pw-a-hidden");
        assertThat(lines(c)).contains(f + ":11: monitor_user: unmapped: differs from host db1's; Ringmaster uses one "
                        + "account for all hosts, so db1's ('mon_a') is used",
                f + ":12: monitor_password: unmapped: differs from host db1's; Ringmaster uses one account for all "
                        + "hosts, so db1's is used");
        assertThat(String.join("\n", lines(c))).doesNotContain("pw-a-hidden").doesNotContain("pw-b-hidden");
        assertThat(lines(c)).anyMatch(n -> n.contains("roles: note: no <role> section"));
    }

    @Test
    void shouldWarnAboutAWorldReadableFileHoldingAPassword() throws Exception {
        Path common = write(dir, "mmm_common.conf", COMMON);
        Files.setPosixFilePermissions(common, PosixFilePermissions.fromString("rw-r--r--"));
        Path mon = write(dir, "mmm_mon.conf", MON);
        Files.setPosixFilePermissions(mon, PosixFilePermissions.fromString("rw-rw-rw-"));

        List<String> warnings = convert(mon).notes(MmmNote.Kind.WARNING).stream().map(MmmNote::toString).toList();

        assertThat(warnings).containsExactly(
                mon + ": permissions: warning: the file is world-writable: anyone on this machine can change the "
                        + "cluster's configuration (MMM refused it; chmod o-w " + mon + ")",
                mon + ":13: permissions: warning: the file is world-readable and holds a password (monitor_password):"
                        + " MMM refused it; chmod o-r " + mon,
                common + ":10: permissions: warning: the file is world-readable and holds a password "
                        + "(replication_password): MMM refused it; chmod o-r " + common);
    }

    @Test
    void shouldNotWarnAboutPrivateFilesOrReadableFilesWithoutPasswords() throws Exception {
        write(dir, "mmm_common.conf", COMMON);
        Path mon = write(dir, "mmm_mon.conf", MON);
        Path plain = write(dir, "plain.conf", "<host db1>\n ip 10.0.0.1\n mode master\n</host>\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(convert(mon).notes(MmmNote.Kind.WARNING)).isEmpty();
        assertThat(convert(plain).notes(MmmNote.Kind.WARNING)).isEmpty();
    }

    @Test
    void shouldWarnThatMmmHasNoCommentAfterAValue() {
        Path f = write(dir, "mmm_common.conf", """
                <host default>
                    replication_user repl   # the replication account
                    replication_password pw # secret
                </host>
                <host db1>
                    ip 10.0.0.1
                    mode master
                </host>
                """);

        List<String> warnings = convert(f).notes(MmmNote.Kind.WARNING).stream().map(MmmNote::toString).toList();

        assertThat(warnings).containsExactly(
                f + ":2: replication_user: warning: the value contains ' #': MMM has no comments after a value, so it"
                        + " is part of the value",
                f + ":3: replication_password: warning: the password contains ' #': MMM has no comments after a "
                        + "value, so it is part of the password");
    }

    @Test
    void shouldMergeSectionsOpenedTwiceAndKeepTheLastValueWithANote() {
        Path f = write(dir, "mmm_common.conf", """
                <host db1>
                    ip 10.0.0.1
                    mode master
                    replication_user repl
                </host>
                <host db1>
                    ip 10.0.0.9
                </host>
                """);

        MmmConversion c = convert(f);

        assertThat(load(c).hosts().get(0).address()).isEqualTo("10.0.0.9");
        assertThat(lines(c)).contains(f + ":7: ip: note: replaces the value set at " + f + ":2 for <host db1> (the "
                + "last one counts, as in MMM)");
    }

    @Test
    void shouldQuoteAddressesSoThatTheyLoadUnchanged() {
        Path f = write(dir, "mmm_mon.conf", """
                <monitor>
                    ip ::1
                </monitor>
                <host default>
                    replication_user "repl"
                </host>
                <host db1>
                    ip fe80::1
                    mode master
                </host>
                <host db2>
                    ip db-2.example.com
                    mode master
                </host>
                """);

        RingmasterConfig cfg = load(convert(f));

        assertThat(cfg.monitor().listenAddress()).isEqualTo("::1");
        assertThat(cfg.hosts()).extracting(HostConfig::address).containsExactly("fe80::1", "db-2.example.com");
        assertThat(cfg.replicationUser().user()).isEqualTo("\"repl\"");
    }

    @Test
    void shouldTellMmmSyntaxFromYaml() {
        assertThat(MmmImport.looksLikeMmm("# MMM\n\ninclude mmm_common.conf\n")).isTrue();
        assertThat(MmmImport.looksLikeMmm("active_master_role\twriter\n")).isTrue();
        assertThat(MmmImport.looksLikeMmm("  <host db1>\n")).isTrue();
        assertThat(MmmImport.looksLikeMmm("cluster: prod\nhosts:\n")).isFalse();
        assertThat(MmmImport.looksLikeMmm("---\ncluster: prod\n")).isFalse();
        assertThat(MmmImport.looksLikeMmm("credentials:\n  monitor: {user: x}\n")).isFalse();
        assertThat(MmmImport.looksLikeMmm("# only a comment\n")).isFalse();
        assertThat(MmmImport.looksLikeMmm(dir.resolve("missing.conf"))).isFalse();
    }

    @Test
    void shouldQuoteYamlScalarsThatWouldReadAsSomethingElse() {
        assertThat(YamlText.scalar("db1")).isEqualTo("db1");
        assertThat(YamlText.scalar("192.168.0.31")).isEqualTo("192.168.0.31");
        assertThat(YamlText.scalar("yes")).isEqualTo("\"yes\"");
        assertThat(YamlText.scalar("1e3")).isEqualTo("\"1e3\"");
        assertThat(YamlText.scalar("::1")).isEqualTo("\"::1\"");
        assertThat(YamlText.scalar("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
        assertThat(YamlText.list(List.of("db1", "007"))).isEqualTo("[db1, \"007\"]");
    }
}
