package io.ringmaster.tools.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rule by rule: which existing binary log histories let GTID replication start under gtid_strict_mode. */
class HistoryCheckTest {
    private static HistoryCheck.HostHistory h(String name, long id, String binlog, String slave, Long domain) {
        return new HistoryCheck.HostHistory(name, id, GtidPosition.parse(binlog), GtidPosition.parse(slave),
                Optional.ofNullable(domain));
    }

    @Test
    void shouldPassEmptyHistories() {
        assertThat(HistoryCheck.analyze(List.of(h("db1", 1, "", "", 1L), h("db2", 2, "", "", 2L)))).isEmpty();
    }

    @Test
    void shouldRefuseMastersThatEachCreatedAccountsInTheirOwnDomain() {
        // each would replay the other's CREATE USER from the start of its domain (1396 where the account exists)
        List<HistoryCheck.Conflict> c = HistoryCheck.analyze(List.of(h("db1", 1, "1-1-3", "", 1L),
                h("db2", 2, "2-2-5", "", 2L), h("r1", 3, "3-3-2", "", null)));
        assertThat(c).extracting(HistoryCheck.Conflict::host).containsExactly("db1", "db2", "r1");
        assertThat(c.get(0).own()).containsExactly(new GtidPosition.Gtid(1, 1, 3));
        assertThat(c.get(0).reasons()).anyMatch(r -> r.startsWith("db2 would replay domain 1 from its start"))
                .anyMatch(r -> r.startsWith("r1 would replay domain 1"));
    }

    @Test
    void shouldRefuseAReplicasOwnTransactionsWhichWouldBeErrant() {
        List<HistoryCheck.Conflict> c = HistoryCheck.analyze(List.of(h("db1", 1, "", "", 1L), h("db2", 2, "", "", 2L),
                h("r1", 3, "3-3-2", "", null)));
        assertThat(c).extracting(HistoryCheck.Conflict::host).containsExactly("r1");
        assertThat(c.get(0).own()).containsExactly(new GtidPosition.Gtid(3, 3, 2));
        assertThat(c.get(0).reasons().get(0)).contains("errant");
    }

    @Test
    void shouldPassAReplicatedClusterWhoseReplicasRecordWhatTheyReceived() {
        assertThat(HistoryCheck.analyze(List.of(h("db1", 1, "1-1-100,2-2-7", "2-2-7", 1L),
                h("db2", 2, "1-1-90,2-2-7", "1-1-90", 2L), h("r1", 3, "1-1-100,2-2-7", "1-1-100,2-2-7", null))))
                .isEmpty();
    }

    @Test
    void shouldRefuseServersThatAllWroteDomainZeroNamingEachHostsGtid() {
        List<HistoryCheck.Conflict> c = HistoryCheck.analyze(List.of(h("db1", 1, "0-1-5", "", 1L),
                h("db2", 2, "0-2-5", "", 2L), h("r1", 3, "", "", null)));
        assertThat(c).extracting(HistoryCheck.Conflict::host).containsExactly("db1", "db2");
        assertThat(c.get(0).own()).containsExactly(new GtidPosition.Gtid(0, 1, 5));
        assertThat(c.get(0).reasons().get(0)).contains("db1 0-1-5, db2 0-2-5").contains("1950");
    }

    @Test
    void shouldRefuseAHostHoldingAnotherServersGtidsItsSlavePosDoesNotRecord() {
        List<HistoryCheck.Conflict> c = HistoryCheck.analyze(List.of(h("db1", 7, "", "", 1L),
                h("db2", 2, "9-9-5", "", 2L)));
        assertThat(c).extracting(HistoryCheck.Conflict::host).containsExactly("db1");
        assertThat(c.get(0).own()).isEmpty();
        assertThat(c.get(0).reasons().get(0)).contains("9-9-5").contains("gtid_slave_pos");
    }

    @Test
    void shouldRefuseAMasterThatWillWriteInADomainWhereAnotherHostIsAhead() {
        List<HistoryCheck.Conflict> c = HistoryCheck.analyze(List.of(h("db1", 1, "", "", 7L),
                h("db2", 2, "7-9-4", "7-9-4", 2L)));
        assertThat(c).extracting(HistoryCheck.Conflict::host).containsExactly("db1");
        assertThat(c.get(0).reasons()).anyMatch(r -> r.contains("will write in domain 7 where db2 holds 7-9-4"));
    }

    @Test
    void shouldTellAccountChangesFromData() {
        OwnTransactions accounts = OwnTransactions.classify(List.of(new String[] {"Gtid", "GTID 0-1-1"},
                new String[] {"Query", "CREATE USER m@'%' IDENTIFIED BY 'secret'"}, new String[] {"Gtid", "GTID 0-1-2"},
                new String[] {"Query", "use `mysql`; GRANT RELOAD ON *.* TO m@'%'"},
                new String[] {"Gtid", "GTID 0-1-3"}, new String[] {"Query", "FLUSH PRIVILEGES"}), true);
        assertThat(accounts.onlyAccounts()).isTrue();
        assertThat(accounts.describe()).isEqualTo("3 transaction(s): CREATE USER 1, GRANT 1, FLUSH PRIVILEGES 1")
                .doesNotContain("secret");
        OwnTransactions data = OwnTransactions.classify(List.of(new String[] {"Gtid", "BEGIN GTID 0-1-4"},
                new String[] {"Query", "INSERT INTO t VALUES (1)"}, new String[] {"Xid", "COMMIT /* xid=3 */"}), true);
        assertThat(data.onlyAccounts()).isFalse();
        assertThat(data.describe()).isEqualTo("1 transaction(s): INSERT 1");
    }
}
