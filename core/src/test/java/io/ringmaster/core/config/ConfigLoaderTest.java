package io.ringmaster.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ringmaster.core.model.HostMode;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.model.RoleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String MONITOR_PASSWORD = "hunter2-monitor";
    private static final String REPL_PASSWORD = "s3cret-repl";
    private static final String API_TOKEN = "0123456789abcdef-api-token";
    private static final Map<String, String> ENV = Map.of(
            "MON_USER", "rm_monitor", "MON_PASSWORD", MONITOR_PASSWORD, "REPL_PASSWORD", REPL_PASSWORD,
            "API_TOKEN", API_TOKEN);
    private static final Function<String, String> ENV_LOOKUP = ENV::get;

    /** A valid file: 2 masters, 2 replicas, every host and role key, credentials through ${ENV}. */
    private static final String FULL = """
            cluster: prod-eu
            monitor:
              listen: 0.0.0.0:9999
              api_token: ${API_TOKEN}
              check_period: 500ms
              trap_period: 2s
              max_backlog: 5
              auto_set_online: 1m
              flap_count: 5
              flap_duration: 30m
              mode: manual
              state_file: state/rm.json
            credentials:
              monitor:
                user: ${MON_USER}
                password: ${MON_PASSWORD}
              replication:
                user: repl
                password: ${REPL_PASSWORD}
            hosts:
              - name: db1
                address: 10.0.0.1
              - name: db2
                address: 10.0.0.2
                port: 3307
              - name: r1
                address: 10.0.0.3
                mode: slave
                master: db1
              - name: r2
                address: 10.0.0.4
                mode: replica
                master: db2
            roles:
              - name: writer
                mode: exclusive
                hosts: [db1, db2]
                prefer: db1
              - name: reader
                mode: balanced
                hosts: db1, db2, r1, r2
            """;

    /** The smallest valid file; every test that expects a refusal starts from it and breaks one thing. */
    private static final String BASE = """
            credentials:
              monitor:
                user: mon
                password: ${MON_PASSWORD}
              replication:
                user: repl
                password: ${REPL_PASSWORD}
            hosts:
              - name: db1
                address: 10.0.0.1
              - name: db2
                address: 10.0.0.2
              - name: r1
                address: 10.0.0.3
                mode: replica
                master: db1
            """;

    private static final String ROLES = """
            roles:
              - name: writer
                mode: exclusive
                hosts: [db1, db2]
              - name: reader
                mode: balanced
                hosts: [db1, db2, r1]
            """;

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void setUp() {
        file = dir.resolve("ringmaster.yml");
    }

    // ---- valid files -------------------------------------------------------------------------------------

    @Test
    void shouldLoadFullFileWithEnvReferencesResolved() throws IOException {
        RingmasterConfig c = load(FULL);

        assertThat(c.cluster()).isEqualTo("prod-eu");
        assertThat(c.source()).isEqualTo(file);
        assertThat(c.monitorUser().user()).isEqualTo("rm_monitor");
        assertThat(c.monitorUser().password().reveal()).isEqualTo(MONITOR_PASSWORD);
        assertThat(c.replicationUser().user()).isEqualTo("repl");
        assertThat(c.replicationUser().password().reveal()).isEqualTo(REPL_PASSWORD);

        assertThat(c.hosts()).containsExactly(
                new HostConfig("db1", "10.0.0.1", 3306, HostMode.MASTER, Optional.empty()),
                new HostConfig("db2", "10.0.0.2", 3307, HostMode.MASTER, Optional.empty()),
                new HostConfig("r1", "10.0.0.3", 3306, HostMode.REPLICA, Optional.of("db1")),
                new HostConfig("r2", "10.0.0.4", 3306, HostMode.REPLICA, Optional.of("db2")));
        assertThat(c.masters()).extracting(HostConfig::name).containsExactly("db1", "db2");
        assertThat(c.replicasOf("db2")).extracting(HostConfig::name).containsExactly("r2");
        assertThat(c.ringUpstreamOf("db1")).map(HostConfig::name).contains("db2");
        assertThat(c.roles()).containsExactly(
                new RoleConfig("writer", RoleKind.EXCLUSIVE, List.of("db1", "db2"), Optional.of("db1")),
                new RoleConfig("reader", RoleKind.BALANCED, List.of("db1", "db2", "r1", "r2"), Optional.empty()));
        assertThat(c.writerRole()).map(RoleConfig::name).contains("writer");

        MonitorConfig m = c.monitor();
        assertThat(m.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(m.listenPort()).isEqualTo(9999);
        assertThat(m.checkPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(m.trapPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(m.maxBacklog()).isEqualTo(Duration.ofSeconds(5));
        assertThat(m.autoSetOnline()).isEqualTo(Duration.ofMinutes(1));
        assertThat(m.flapCount()).isEqualTo(5);
        assertThat(m.flapDuration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(m.startMode()).isEqualTo(MonitorMode.MANUAL);
        assertThat(m.stateFile()).isEqualTo(dir.toAbsolutePath().resolve("state/rm.json"));
        // not in the file: defaults
        assertThat(m.checkTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.catchUpTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.actionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(m.heartbeatSchema()).isEqualTo("ringmaster");
    }

    @Test
    void shouldApplyDefaultsWhenOptionalSectionsAreLeftOut() throws IOException {
        RingmasterConfig c = load(BASE);

        assertThat(c.cluster()).isEqualTo("ringmaster");
        assertThat(c.hosts()).extracting(HostConfig::port).containsOnly(3306);
        assertThat(c.host("db1").mode()).isEqualTo(HostMode.MASTER);
        assertThat(c.roles()).containsExactly(
                new RoleConfig("writer", RoleKind.EXCLUSIVE, List.of("db1", "db2"), Optional.empty()),
                new RoleConfig("reader", RoleKind.BALANCED, List.of("db1", "db2", "r1"), Optional.empty()));
        MonitorConfig m = c.monitor();
        assertThat(m.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(m.listenPort()).isEqualTo(9988);
        assertThat(m.checkPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.trapPeriod()).isEqualTo(Duration.ofSeconds(3));
        assertThat(m.maxBacklog()).isEqualTo(Duration.ofSeconds(10));
        assertThat(m.autoSetOnline()).isZero();
        assertThat(m.flapCount()).isEqualTo(3);
        assertThat(m.flapDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(m.startMode()).isEqualTo(MonitorMode.ACTIVE);
        assertThat(m.stateFile()).isEqualTo(dir.toAbsolutePath().resolve("ringmaster-state.json"));
    }

    @Test
    void shouldUseDefaultOfEnvReferenceWhenVariableIsUnset() throws IOException {
        RingmasterConfig c = load(BASE.replace("${REPL_PASSWORD}", "${NOT_SET_ANYWHERE:-fallback}"));

        assertThat(c.replicationUser().password().reveal()).isEqualTo("fallback");
    }

    @Test
    void shouldAcceptZeroTrapPeriodAndZeroAutoSetOnline() throws IOException {
        RingmasterConfig c = load("monitor: {trap_period: 0, auto_set_online: 0s}\n" + BASE);

        assertThat(c.monitor().trapPeriod()).isZero();
        assertThat(c.monitor().autoSetOnline()).isZero();
    }

    @Test
    void shouldAcceptMissingPasswordAsEmptySecret() throws IOException {
        RingmasterConfig c = load(BASE.replace("    password: ${REPL_PASSWORD}\n", ""));

        assertThat(c.replicationUser().password().isEmpty()).isTrue();
    }

    @Test
    void shouldNeverShowPasswordsInToString() throws IOException {
        RingmasterConfig c = load(FULL);

        assertThat(c.toString()).doesNotContain(MONITOR_PASSWORD, REPL_PASSWORD, API_TOKEN).contains("rm_monitor");
        assertThat(c.monitor().api().accepts(API_TOKEN)).isTrue();
        assertThat(c.monitorUser().toString()).isEqualTo("rm_monitor/******");
        assertThat(c.monitorUser().password().toString()).isEqualTo("******");
        assertThat(String.valueOf(c.replicationUser())).doesNotContain(REPL_PASSWORD);
        assertThat(Secret.of(MONITOR_PASSWORD)).hasToString("******");
    }

    // ---- unknown and duplicate keys ----------------------------------------------------------------------

    @Test
    void shouldRefuseUnknownTopLevelKeyNamingTheField() {
        assertRefused(BASE + "clustr: x\n", "clustr", "unknown key");
    }

    @Test
    void shouldRefuseUnknownNestedKeyNamingTheField() {
        assertRefused("monitor:\n  check_perod: 1s\n" + BASE, "monitor.check_perod", "unknown key");
    }

    @Test
    void shouldRefuseUnknownCredentialsKeyNamingTheField() {
        assertRefused(replace(BASE, "    user: mon\n", "    user: mon\n    passwd: x\n"),
                "credentials.monitor.passwd", "unknown key");
    }

    @Test
    void shouldRefuseUnknownKeyInAHostNamingTheField() {
        assertRefused(replace(BASE, "address: 10.0.0.2\n", "address: 10.0.0.2\n    weight: 3\n"),
                "hosts[db2].weight", "unknown key");
    }

    @Test
    void shouldRefuseMisspeltHostKeyAsUnknownRatherThanAsMissingField() {
        assertRefused(replace(BASE, "address: 10.0.0.2", "adress: 10.0.0.2"), "hosts[db2].adress", "unknown key");
    }

    @Test
    void shouldRefuseUnknownKeyInARoleNamingTheField() {
        assertRefused(BASE + replace(ROLES, "mode: balanced", "mode: balanced\n    ipz: [10.0.0.50]"),
                "roles[reader].ipz", "unknown key");
    }

    private static final String AGENTS = """
            agents:
              token: 0123456789abcdef-agent-token
              lease: 4s
              hosts:
                - name: db1
                  interface: eth0
                  data_dir: /var/lib/mysql
                  stop: systemctl stop mariadb
                  start: systemctl start mariadb
                - name: db2
                  interface: eth0
                  port: 9999
                - name: r1
                  interface: eth1
                  listen: 0.0.0.0
            """;

    @Test
    void shouldLoadAgentsAndRoleAddresses() throws IOException {
        RingmasterConfig c = load(BASE + replace(replace(ROLES, "hosts: [db1, db2]\n",
                "hosts: [db1, db2]\n    ips: [10.0.0.100]\n"), "hosts: [db1, db2, r1]\n",
                "hosts: [db1, db2, r1]\n    ips: [10.0.0.101, 10.0.0.102]\n") + AGENTS);

        assertThat(c.role("writer").orElseThrow().ips()).containsExactly("10.0.0.100");
        assertThat(c.roleAddresses()).containsExactly("10.0.0.100", "10.0.0.101", "10.0.0.102");
        assertThat(c.agents().lease()).isEqualTo(java.time.Duration.ofSeconds(4));
        AgentConfig db1 = c.agents().agent("db1").orElseThrow();
        assertThat(db1.endpoint()).isEqualTo("10.0.0.1:9989");
        assertThat(db1.networkInterface()).contains("eth0");
        assertThat(db1.dataDir()).contains(Path.of("/var/lib/mysql"));
        assertThat(db1.stopCommand()).contains("systemctl stop mariadb");
        assertThat(c.agents().agent("db2").orElseThrow().port()).isEqualTo(9999);
        assertThat(c.agents().agent("r1").orElseThrow().listenAddress()).isEqualTo("0.0.0.0");
        assertThat(c.agents().access().toString()).doesNotContain("agent-token");
    }

    @Test
    void shouldLoadTheBackupSection() throws IOException {
        RingmasterConfig c = load(BASE + """
                backup:
                  repository: backups
                  from: r1
                  schedule: { full: 1d, incremental: 1h, verify: 12h }
                  retention: { daily: 3, weekly: 2, monthly: 1 }
                """);

        BackupConfig b = c.backup();
        assertThat(b.repository()).contains(dir.resolve("backups"));
        assertThat(b.from()).contains("r1");
        assertThat(b.archive()).isTrue();
        assertThat(b.fullEvery()).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(b.incrementalEvery()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(b.verifyEvery()).isEqualTo(java.time.Duration.ofHours(12));
        assertThat(List.of(b.keepDaily(), b.keepWeekly(), b.keepMonthly())).containsExactly(3, 2, 1);
        assertThat(load(BASE).backup().enabled()).isFalse();
    }

    @Test
    void shouldRefuseABadBackupSection() {
        assertRefused(BASE + "backup:\n  from: db1\n", "backup.repository", "missing");
        assertRefused(BASE + "backup:\n  repository: /b\n  from: db9\n", "backup.from", "db9");
        assertRefused(BASE + "backup:\n  repository: /b\n  schedule: { incremental: 1h }\n",
                "backup.schedule.incremental", "full");
        assertRefused(BASE + "backup:\n  repository: /b\n  schedule: { full: 10s }\n", "backup.schedule.full",
                "at least 1m");
        assertRefused(BASE + "backup:\n  repository: /b\n  retention: { daily: 0, weekly: 0, monthly: 0 }\n",
                "backup.retention.daily", "keeps nothing");
    }

    @Test
    void shouldDefaultTheLeaseToThreeCheckPeriods() throws IOException {
        RingmasterConfig c = load("monitor:\n  check_period: 2s\n" + BASE
                + "agents:\n  hosts:\n    - name: db1\n      listen: 127.0.0.1\n");

        assertThat(c.agents().lease()).isEqualTo(java.time.Duration.ofSeconds(6));
        assertThat(c.agents().access().hasToken()).isFalse();
    }

    @Test
    void shouldRefuseRoleAddressesWithoutAgents() {
        assertRefused(BASE + replace(ROLES, "hosts: [db1, db2]\n", "hosts: [db1, db2]\n    ips: [10.0.0.100]\n"),
                "roles[writer].ips", "add an agents: section");
    }

    @Test
    void shouldRefuseTwoAddressesForTheWriter() {
        assertRefused(BASE + replace(ROLES, "hosts: [db1, db2]\n",
                "hosts: [db1, db2]\n    ips: [10.0.0.100, 10.0.0.101]\n") + AGENTS, "roles[writer].ips",
                "one address at most");
    }

    @Test
    void shouldRefuseAnAddressThatIsNotAnIpOrIsAHostsOwn() {
        assertRefused(BASE + replace(ROLES, "hosts: [db1, db2]\n", "hosts: [db1, db2]\n    ips: [10.0.0.300]\n")
                + AGENTS, "roles[writer].ips", "not an IPv4 address");
        assertRefused(BASE + replace(ROLES, "hosts: [db1, db2]\n", "hosts: [db1, db2]\n    ips: [10.0.0.2]\n")
                + AGENTS, "roles[writer].ips", "a host's own address");
    }

    @Test
    void shouldRefuseARoleHostWithoutAnAgentOrInterface() {
        String roles = replace(ROLES, "hosts: [db1, db2]\n", "hosts: [db1, db2]\n    ips: [10.0.0.100]\n");
        assertRefused(BASE + roles + "agents:\n  token: 0123456789abcdef-agent-token\n  hosts:\n    - name: db1\n"
                + "      interface: lo\n", "agents.hosts",
                "host 'db2' holds role 'writer'");
        assertRefused(BASE + roles + "agents:\n  token: 0123456789abcdef-agent-token\n  hosts:\n    - name: db1\n"
                + "      interface: lo\n    - name: db2\n",
                "agents.hosts[db2].interface", "missing (required)");
    }

    @Test
    void shouldRefuseAnOpenAgentWithoutToken() {
        assertRefused(BASE + "agents:\n  hosts:\n    - name: db1\n      listen: 0.0.0.0\n", "agents.token",
                "missing (required)");
    }

    @Test
    void shouldRefuseAnAgentOfAnUnknownHostOrALeaseShorterThanTwoRounds() {
        assertRefused(BASE + "agents:\n  hosts:\n    - name: db9\n", "agents.hosts[db9].name", "not a host");
        assertRefused(BASE + "agents:\n  lease: 1s\n  hosts:\n    - name: db1\n", "agents.lease",
                "shorter than two check periods");
    }

    @Test
    void shouldRefuseDuplicateYamlKeyNamingTheField() {
        assertRefused(replace(BASE, "address: 10.0.0.2\n", "address: 10.0.0.2\n    address: 10.0.0.9\n"),
                "hosts[db2].address", "Duplicate field 'address'");
    }

    @Test
    void shouldRefuseDuplicatePasswordKeyWithoutShowingEitherValue() {
        assertRefused(replace(BASE, "    user: mon\n", "    user: mon\n    password: " + MONITOR_PASSWORD + "\n"),
                "credentials.monitor.password", "Duplicate field");
    }

    // ---- missing fields ----------------------------------------------------------------------------------

    @Test
    void shouldRefuseFileWithoutHosts() {
        assertRefused(BASE.substring(0, BASE.indexOf("hosts:")), "hosts", "missing (required)");
    }

    @Test
    void shouldRefuseEmptyHostList() {
        assertRefused(BASE.substring(0, BASE.indexOf("hosts:")) + "hosts: []\n", "hosts", "at least one host");
    }

    @Test
    void shouldRefuseHostsThatAreNotAList() {
        assertRefused(BASE.substring(0, BASE.indexOf("hosts:")) + "hosts: db1\n", "hosts", "must be a list");
    }

    @Test
    void shouldRefuseFileWithoutCredentials() {
        assertRefused(BASE.substring(BASE.indexOf("hosts:")), "credentials", "missing (required)");
    }

    @Test
    void shouldRefuseCredentialsWithoutReplicationAccount() {
        String noRepl = BASE.substring(0, BASE.indexOf("  replication:")) + BASE.substring(BASE.indexOf("hosts:"));
        assertRefused(noRepl, "credentials.replication", "missing (required)");
    }

    @Test
    void shouldRefuseMonitorCredentialsWithoutUser() {
        assertRefused(replace(BASE, "    user: mon\n", ""), "credentials.monitor.user", "missing (required)");
    }

    @Test
    void shouldRefuseEmptyMonitorUser() {
        assertRefused(replace(BASE, "user: mon", "user: ''"), "credentials.monitor.user", "must not be empty");
    }

    @Test
    void shouldRefuseHostWithoutName() {
        assertRefused(replace(BASE, "  - name: db2\n    address", "  - address"), "hosts[1].name",
                "missing (required)");
    }

    @Test
    void shouldRefuseHostWithoutAddress() {
        assertRefused(replace(BASE, "    address: 10.0.0.2\n", ""), "hosts[db2].address", "missing (required)");
    }

    @Test
    void shouldRefuseRoleWithoutMode() {
        assertRefused(BASE + replace(ROLES, "    mode: exclusive\n", ""), "roles[writer].mode", "missing (required)");
    }

    @Test
    void shouldRefuseRoleWithoutHosts() {
        assertRefused(BASE + replace(ROLES, "    hosts: [db1, db2, r1]\n", ""), "roles[reader].hosts",
                "at least one host");
    }

    // ---- duplicates --------------------------------------------------------------------------------------

    @Test
    void shouldRefuseDuplicateHostName() {
        assertRefused(replace(BASE, "name: db2", "name: db1"), "hosts[1].name", "duplicate host name 'db1'");
    }

    @Test
    void shouldRefuseDuplicateRoleName() {
        assertRefused(BASE + replace(ROLES, "name: reader", "name: writer"), "roles[1].name",
                "duplicate role name 'writer'");
    }

    @Test
    void shouldRefuseTwoHostsOnTheSameAddressAndPort() {
        assertRefused(replace(BASE, "address: 10.0.0.3", "address: 10.0.0.1"), "hosts[r1].port",
                "another host already uses 10.0.0.1:3306");
    }

    @Test
    void shouldAcceptTwoHostsOnTheSameAddressWithDifferentPorts() throws IOException {
        RingmasterConfig c = load(replace(BASE, "address: 10.0.0.2\n", "address: 10.0.0.1\n    port: 3307\n"));

        assertThat(c.host("db2").endpoint()).isEqualTo("10.0.0.1:3307");
    }

    @Test
    void shouldRefuseHostListedTwiceInARole() {
        assertRefused(BASE + replace(ROLES, "[db1, db2, r1]", "[db1, db2, db1]"), "roles[reader].hosts",
                "listed twice");
    }

    // ---- bad values --------------------------------------------------------------------------------------

    @Test
    void shouldRefusePortZero() {
        assertRefused(withDb2Port("0"), "hosts[db2].port", "whole number from 1 to 65535, not '0'");
    }

    @Test
    void shouldRefusePortAbove65535() {
        assertRefused(withDb2Port("70000"), "hosts[db2].port", "not '70000'");
    }

    @Test
    void shouldRefusePortThatIsText() {
        assertRefused(withDb2Port("mysql"), "hosts[db2].port", "not 'mysql'");
    }

    @Test
    void shouldRefuseListenAddressWithoutPort() {
        assertRefused("monitor: {listen: localhost}\n" + BASE, "monitor.listen", "must be address:port");
    }

    @Test
    void shouldRefuseListenPortOutOfRange() {
        assertRefused("monitor: {listen: '127.0.0.1:0'}\n" + BASE, "monitor.listen", "1..65535");
    }

    @Test
    void shouldRefuseDurationThatIsAWord() {
        assertRefused("monitor: {check_period: fast}\n" + BASE, "monitor.check_period",
                "'fast' is not a duration");
    }

    @Test
    void shouldRefuseNegativeDuration() {
        assertRefused("monitor: {trap_period: -1s}\n" + BASE, "monitor.trap_period", "'-1s' is not a duration");
    }

    @Test
    void shouldRefuseZeroWherePositiveDurationIsRequired() {
        for (String key : List.of("check_period", "timeout", "max_backlog", "catchup_timeout", "action_timeout",
                "flap_duration")) {
            assertRefused("monitor: {" + key + ": 0s}\n" + BASE, "monitor." + key, "must be greater than zero");
        }
    }

    @Test
    void shouldRefuseDurationLongerThanAYear() {
        assertRefused("monitor: {flap_duration: 9000h}\n" + BASE, "monitor.flap_duration", "longer than a year");
    }

    @Test
    void shouldRefuseFlapCountOutOfRange() {
        assertRefused("monitor: {flap_count: 0}\n" + BASE, "monitor.flap_count", "from 1 to 1000");
    }

    @Test
    void shouldRefuseBadHostMode() {
        assertRefused(replace(BASE, "mode: replica", "mode: standby"), "hosts[r1].mode",
                "must be master or replica, not 'standby'");
    }

    @Test
    void shouldRefuseBadRoleMode() {
        assertRefused(BASE + replace(ROLES, "mode: balanced", "mode: roundrobin"), "roles[reader].mode",
                "must be exclusive or balanced");
    }

    @Test
    void shouldRefuseBadMonitorMode() {
        assertRefused("monitor: {mode: automatic}\n" + BASE, "monitor.mode", "ACTIVE, MANUAL, WAIT, PASSIVE");
    }

    @Test
    void shouldRefuseBadHeartbeatSchema() {
        assertRefused("monitor: {heartbeat_schema: 'a;drop'}\n" + BASE, "monitor.heartbeat_schema",
                "plain schema name");
    }

    @Test
    void shouldRefuseBadHostName() {
        assertRefused(replace(BASE, "name: db2", "name: 'db 2'"), "hosts[1].name", "not a valid name");
    }

    @Test
    void shouldKeepMessageOnOneLineWhenValueHoldsANewline() {
        assertRefused("monitor: {mode: \"auto\\nmatic\"}\n" + BASE, "monitor.mode", "not 'auto");
    }

    // ---- topology references -----------------------------------------------------------------------------

    @Test
    void shouldRefuseReplicaWithoutMaster() {
        assertRefused(replace(BASE, "    master: db1\n", ""), "hosts[r1].master", "must name the master");
    }

    @Test
    void shouldRefuseMasterNamingAMaster() {
        assertRefused(replace(BASE, "address: 10.0.0.2\n", "address: 10.0.0.2\n    master: db1\n"),
                "hosts[db2].master", "only a replica names");
    }

    @Test
    void shouldRefuseReplicaNamingUnknownMaster() {
        assertRefused(replace(BASE, "master: db1", "master: db9"), "hosts[r1].master",
                "'db9' is not a master host");
    }

    @Test
    void shouldRefuseReplicaNamingAnotherReplica() {
        String twoReplicas = BASE + "  - {name: r2, address: 10.0.0.4, mode: replica, master: r1}\n";
        assertRefused(twoReplicas, "hosts[r2].master", "'r1' is not a master host");
    }

    @Test
    void shouldRefuseConfigurationWithoutAnyMaster() {
        String replicasOnly = BASE.substring(0, BASE.indexOf("hosts:"))
                + "hosts:\n  - {name: r1, address: 10.0.0.3, mode: replica, master: r1}\n";
        assertRefused(replicasOnly, "hosts[r1].master", "is not a master host");
    }

    @Test
    void shouldRefuseRoleNamingUnknownHost() {
        assertRefused(BASE + replace(ROLES, "[db1, db2, r1]", "[db1, db2, db7]"), "roles[reader].hosts",
                "unknown host 'db7'");
    }

    @Test
    void shouldRefuseExclusiveRoleOnAReplica() {
        assertRefused(BASE + replace(ROLES, "[db1, db2]", "[db1, r1]"), "roles[writer].hosts",
                "'r1' is a replica");
    }

    @Test
    void shouldRefusePreferredHostOutsideTheRole() {
        assertRefused(BASE + replace(ROLES, "hosts: [db1, db2]", "hosts: [db1]\n    prefer: db2"),
                "roles[writer].prefer", "'db2' is not one of the role's hosts");
    }

    @Test
    void shouldRefuseTwoExclusiveRoles() {
        assertRefused(BASE + ROLES + "  - {name: backup_writer, mode: exclusive, hosts: [db2]}\n", "roles",
                "only one exclusive");
    }

    // ---- environment, syntax, files ----------------------------------------------------------------------

    @Test
    void shouldRefuseReferenceToUnsetVariableNamingTheFieldAndTheVariable() {
        assertRefused(replace(BASE, "${MON_PASSWORD}", "${MONITOR_PW}"), "credentials.monitor.password",
                "environment variable MONITOR_PW is not set");
    }

    @Test
    void shouldRefuseInvalidYamlWithLineNumber() {
        assertRefused(replace(BASE, "  - name: db2\n", "  - name: db2\n   oops: [\n"), null,
                "invalid YAML at line");
    }

    @Test
    void shouldNotShowPasswordFromALineThatIsInvalidYaml() {
        for (String broken : List.of("\"" + MONITOR_PASSWORD, "[" + MONITOR_PASSWORD, "'" + MONITOR_PASSWORD,
                "{" + MONITOR_PASSWORD, MONITOR_PASSWORD + ": x", MONITOR_PASSWORD + "\n  \tuser: x")) {
            assertRefused(replace(BASE, "${MON_PASSWORD}", broken), null, "invalid YAML");
        }
    }

    @Test
    void shouldRefuseSecondYamlDocument() {
        assertRefused(BASE + "---\ncluster: other\n", "", "one YAML document");
    }

    @Test
    void shouldAcceptDocumentMarkersAroundASingleDocument() throws IOException {
        assertThat(load("---\n" + BASE + "---\n# end\n").hosts()).hasSize(3);
    }

    @Test
    void shouldRefuseEmptyFile() {
        assertRefused("", "", "empty");
        assertRefused("# nothing but a comment\n", "", "empty");
    }

    @Test
    void shouldRefuseFileThatIsNotAMapping() {
        assertRefused("- db1\n- db2\n", "", "must be a mapping");
    }

    @Test
    void shouldRefuseHostThatIsNotAMapping() {
        assertRefused(BASE + "  - db3\n", "hosts[3]", "must be a mapping");
    }

    @Test
    void shouldRefuseMissingFileNamingIt() {
        Path missing = dir.resolve("nope.yml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(missing, ENV_LOOKUP));

        assertThat(e.getMessage()).isEqualTo(missing + ": no such file");
        assertThat(e.field()).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private RingmasterConfig load(String yaml) throws IOException {
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, ENV_LOOKUP);
    }

    /**
     * Asserts the text is refused with a one-line message that names the file, the field (when {@code field} is
     * not null) and the problem, and shows no password.
     */
    private void assertRefused(String yaml, String field, String problem) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));

        assertThat(e).as("refused:%n%s", yaml).isNotNull();
        String msg = e.getMessage();
        assertThat(msg).doesNotContain("\n", "\r").startsWith(file + ": ").contains(problem)
                .doesNotContain(MONITOR_PASSWORD, REPL_PASSWORD);
        if (field != null) {
            assertThat(e.field()).isEqualTo(field);
            assertThat(msg).startsWith(field.isEmpty() ? file + ": " : file + ": " + field + ": ");
        }
    }

    private static String withDb2Port(String port) {
        return replace(BASE, "address: 10.0.0.2\n", "address: 10.0.0.2\n    port: " + port + "\n");
    }

    private static String replace(String text, String old, String replacement) {
        assertThat(text).contains(old);
        return text.replace(old, replacement);
    }
}
