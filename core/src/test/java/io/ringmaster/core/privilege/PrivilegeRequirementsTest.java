package io.ringmaster.core.privilege;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of (version, need) -> privileges, and of reading SHOW GRANTS. */
class PrivilegeRequirementsTest {
    private static final ServerVersion V10_4 = ServerVersion.mariadb(10, 4, 34);
    private static final ServerVersion V10_5_8 = ServerVersion.mariadb(10, 5, 8);
    private static final ServerVersion V10_5_9 = ServerVersion.mariadb(10, 5, 9);
    private static final ServerVersion V10_6 = ServerVersion.mariadb(10, 6, 21);
    private static final ServerVersion V10_11 = ServerVersion.mariadb(10, 11, 19);
    private static final ServerVersion V11_4 = ServerVersion.mariadb(11, 4, 5);

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(V10_4, Need.CHECK, "REPLICATION CLIENT, SELECT ON `ringmaster`.*"),
                Arguments.of(V10_5_8, Need.CHECK, "REPLICATION SLAVE ADMIN, SELECT ON `ringmaster`.*"),
                Arguments.of(V10_5_9, Need.CHECK, "SLAVE MONITOR, SELECT ON `ringmaster`.*"),
                Arguments.of(V10_11, Need.CHECK, "SLAVE MONITOR, SELECT ON `ringmaster`.*"),
                Arguments.of(V10_4, Need.READ_ONLY, "SUPER"),
                Arguments.of(V10_6, Need.READ_ONLY, "READ_ONLY ADMIN"),
                Arguments.of(V10_11, Need.READ_ONLY, "READ_ONLY ADMIN"),
                Arguments.of(V10_4, Need.KILL_SESSIONS, "PROCESS, SUPER"),
                Arguments.of(V10_11, Need.KILL_SESSIONS, "PROCESS, CONNECTION ADMIN"),
                Arguments.of(V10_4, Need.DETACH, "SUPER, RELOAD"),
                Arguments.of(V10_6, Need.DETACH, "REPLICATION SLAVE ADMIN, RELOAD"),
                Arguments.of(V10_11, Need.DETACH, "REPLICATION SLAVE ADMIN, RELOAD"),
                Arguments.of(V10_11, Need.REPOINT, "REPLICATION SLAVE ADMIN"),
                Arguments.of(V10_11, Need.STOP_APPLIER, "REPLICATION SLAVE ADMIN"),
                Arguments.of(V10_11, Need.CATCH_UP, "SLAVE MONITOR"),
                Arguments.of(V10_5_8, Need.CATCH_UP, "REPLICATION SLAVE ADMIN"),
                Arguments.of(V10_11, Need.FETCH_FROM_PEERS, "REPLICATION SLAVE ADMIN, RELOAD, SLAVE MONITOR"),
                Arguments.of(V10_11, Need.CLONE_DONOR, "RELOAD, PROCESS, BINLOG MONITOR"),
                Arguments.of(V10_4, Need.CLONE_DONOR, "RELOAD, PROCESS, REPLICATION CLIENT"),
                Arguments.of(V10_11, Need.CLONE_DONOR_REPLICA, "SLAVE MONITOR, REPLICATION SLAVE ADMIN"),
                Arguments.of(V10_11, Need.CLONE_TARGET,
                        "REPLICATION SLAVE ADMIN, RELOAD, REPLICATION MASTER ADMIN, SLAVE MONITOR"),
                Arguments.of(V10_4, Need.CLONE_TARGET, "SUPER, RELOAD, REPLICATION CLIENT"),
                Arguments.of(V10_11, Need.HEARTBEAT,
                        "CREATE ON `ringmaster`.*, INSERT ON `ringmaster`.*, DELETE ON `ringmaster`.*"),
                Arguments.of(V10_11, Need.SET_DOMAIN_ID, "REPLICATION MASTER ADMIN"),
                Arguments.of(V10_11, Need.SET_SEMI_SYNC_MASTER, "REPLICATION MASTER ADMIN"),
                Arguments.of(V10_11, Need.SET_AUTO_INCREMENT, "SUPER"),
                Arguments.of(V10_11, Need.SET_REPLICA_SETTINGS, "REPLICATION SLAVE ADMIN"),
                Arguments.of(V10_11, Need.CREATE_REPLICATION_USER,
                        "CREATE USER, BINLOG ADMIN, REPLICATION SLAVE, GRANT OPTION"),
                Arguments.of(V10_4, Need.CREATE_REPLICATION_USER,
                        "CREATE USER, SUPER, REPLICATION SLAVE, GRANT OPTION"),
                Arguments.of(V10_11, Need.READ_HISTORY, "BINLOG MONITOR"),
                Arguments.of(V11_4, Need.REPLICATE, "REPLICATION SLAVE"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("table")
    void shouldNameThePrivilegesEachNeedTakesOnEachVersion(ServerVersion v, Need need, String expected) {
        assertThat(String.join(", ", PrivilegeRequirements.required(v, need, "ringmaster").stream()
                .map(Privilege::toString).toList())).isEqualTo(expected);
    }

    @Test
    void shouldParseVersionTextIncludingTheReplicationPrefix() {
        assertThat(ServerVersion.parse("10.11.19-MariaDB-0+deb12u1-log")).isEqualTo(V10_11);
        assertThat(ServerVersion.parse("5.5.5-10.6.21-MariaDB")).isEqualTo(V10_6);
        assertThat(ServerVersion.parse("8.4.3").mariadb()).isFalse();
    }

    @Test
    void shouldFindNothingMissingForTheGrantsTheAdvicePrints() {
        List<Need> needs = Need.of(Need.Account.MONITOR);
        List<String> advice = GrantAdvice.lines(V10_11, needs, "`m`@`%`", "ringmaster");
        List<String> asShowGrants = advice.stream().filter(l -> l.startsWith("GRANT")).map(l -> l.replace(";", ""))
                .toList();
        HeldPrivileges held = HeldPrivileges.parse(asShowGrants);
        for (Need n : needs) {
            assertThat(PrivilegeRequirements.missing(V10_11, n, "ringmaster", held)).as(n.name()).isEmpty();
        }
        assertThat(advice).anyMatch(l -> l.startsWith("-- RELOAD: ") && l.contains("RESET SLAVE ALL"));
    }

    @Test
    void shouldReportRelaodMissingFromARealShowGrantsLine() {
        HeldPrivileges held = HeldPrivileges.parse(List.of(
                "GRANT PROCESS, SLAVE MONITOR, REPLICATION SLAVE ADMIN, READ_ONLY ADMIN, CONNECTION ADMIN ON *.* TO "
                        + "`m`@`%` IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'",
                "GRANT SELECT, INSERT, DELETE, CREATE ON `ringmaster`.* TO `m`@`%`"));
        assertThat(PrivilegeRequirements.missing(V10_11, Need.DETACH, "ringmaster", held))
                .containsExactly(Privilege.global("RELOAD"));
        assertThat(PrivilegeRequirements.missing(V10_11, Need.HEARTBEAT, "ringmaster", held)).isEmpty();
        assertThat(PrivilegeRequirements.missing(V10_11, Need.CREATE_REPLICATION_USER, "ringmaster", held))
                .containsExactly(Privilege.global("CREATE USER"), Privilege.global("BINLOG ADMIN"),
                        Privilege.global("REPLICATION SLAVE"), Privilege.global("GRANT OPTION"));
    }

    @Test
    void shouldCountSuperForSplitPrivilegesButNotForReadOnlyFrom10_11() {
        HeldPrivileges held = HeldPrivileges.parse(List.of("GRANT SUPER, RELOAD ON *.* TO `m`@`%`"));
        assertThat(held.has(Privilege.global("REPLICATION SLAVE ADMIN"), V10_11)).isTrue();
        assertThat(held.has(Privilege.global("READ_ONLY ADMIN"), V10_6)).isTrue();
        assertThat(held.has(Privilege.global("READ_ONLY ADMIN"), V10_11)).isFalse();
        assertThat(held.has(Privilege.global("REPLICATION SLAVE ADMIN"), V11_4)).isFalse();
        assertThat(held.has(Privilege.global("PROCESS"), V10_6)).isFalse();
    }

    @Test
    void shouldUnderstandAllPrivilegesAliasesGrantOptionAndRoles() {
        HeldPrivileges held = HeldPrivileges.parse(List.of(
                "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
                "GRANT `dba` TO `root`@`localhost`"));
        assertThat(held.has(Privilege.global("RELOAD"), V10_11)).isTrue();
        assertThat(held.has(Privilege.global(HeldPrivileges.GRANT_OPTION), V10_11)).isTrue();
        assertThat(held.has(Privilege.onSchema("INSERT", "ringmaster"), V10_11)).isTrue();
        assertThat(held.roles()).containsExactly("`dba`");
        HeldPrivileges old = HeldPrivileges.parse(List.of("GRANT REPLICATION CLIENT, REPLICA MONITOR ON *.* TO `m`@`%`",
                "GRANT ALL PRIVILEGES ON `ringmaster`.* TO `m`@`%`"));
        assertThat(old.has(Privilege.global("BINLOG MONITOR"), V10_11)).isTrue();
        assertThat(old.has(Privilege.global("SLAVE MONITOR"), V10_11)).isTrue();
        assertThat(old.has(Privilege.global(HeldPrivileges.GRANT_OPTION), V10_11)).isFalse();
        assertThat(old.has(Privilege.onSchema("DELETE", "ringmaster"), V10_11)).isTrue();
        assertThat(old.has(Privilege.onSchema("DELETE", "other"), V10_11)).isFalse();
    }

    @Test
    void shouldRenderGrantOptionAsWithGrantOptionOnTheGlobalStatement() {
        assertThat(GrantStatements.render("'r'@'%'", List.of(Privilege.global("REPLICATION SLAVE"),
                Privilege.global(HeldPrivileges.GRANT_OPTION), Privilege.onSchema("SELECT", "ringmaster"))))
                .containsExactly("GRANT REPLICATION SLAVE ON *.* TO 'r'@'%' WITH GRANT OPTION",
                        "GRANT SELECT ON `ringmaster`.* TO 'r'@'%'");
    }

    @Test
    void shouldMapBootstrapStatementsToTheirNeeds() {
        assertThat(Need.ofStatement("SET GLOBAL gtid_domain_id = 2")).contains(Need.SET_DOMAIN_ID);
        assertThat(Need.ofStatement("SET GLOBAL auto_increment_offset = 2")).contains(Need.SET_AUTO_INCREMENT);
        assertThat(Need.ofStatement("SET SESSION sql_log_bin = 0")).contains(Need.CREATE_REPLICATION_USER);
        assertThat(Need.ofStatement("CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = 2.000"))
                .contains(Need.SET_REPLICA_SETTINGS);
        assertThat(Need.ofStatement("CHANGE MASTER TO MASTER_HOST='x'")).contains(Need.REPOINT);
        assertThat(Need.ofStatement("SELECT 1")).isEmpty();
    }
}
