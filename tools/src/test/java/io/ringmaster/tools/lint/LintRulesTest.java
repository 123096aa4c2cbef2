package io.ringmaster.tools.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rule by rule: a clean pair with a replica, then one gotcha at a time, and the exit bits they give. */
class LintRulesTest {
    private final RingmasterConfig pair = ConfigLoader.parse(String.join("\n",
            "cluster: t",
            "credentials:",
            "  monitor: {user: root, password: \"\"}",
            "  replication: {user: repl, password: \"x\"}",
            "hosts:",
            "  - {name: db1, address: 127.0.0.1, port: 3301, mode: master}",
            "  - {name: db2, address: 127.0.0.1, port: 3302, mode: master}",
            "  - {name: db3, address: 127.0.0.1, port: 3303, mode: replica, master: db1}",
            "roles:",
            "  - {name: writer, mode: exclusive, hosts: [db1, db2], prefer: db1}",
            ""), "test", Path.of("."), null, k -> null);

    private static Map<String, String> clean(int id, boolean writer) {
        Map<String, String> v = new HashMap<>();
        v.put("server_id", Integer.toString(id));
        v.put("gtid_domain_id", Integer.toString(id));
        v.put("log_bin", "ON");
        v.put("log_slave_updates", "ON");
        v.put("read_only", writer ? "OFF" : "ON");
        v.put("auto_increment_increment", "2");
        v.put("auto_increment_offset", Integer.toString(Math.min(id, 2)));
        v.put("binlog_format", "ROW");
        v.put("binlog_row_image", "FULL");
        v.put("gtid_strict_mode", "ON");
        v.put("rpl_semi_sync_master_enabled", id <= 2 ? "ON" : "OFF");
        v.put("rpl_semi_sync_master_timeout", "10000");
        v.put("rpl_semi_sync_master_wait_point", "AFTER_SYNC");
        v.put("rpl_semi_sync_master_status", "ON");
        v.put("rpl_semi_sync_slave_enabled", "ON");
        v.put("slave_net_timeout", "4");
        v.put("version", "10.11.6-MariaDB-0+deb12u1-log");
        v.put("replicate_do_db", "");
        return v;
    }

    private static HostFacts facts(String host, Map<String, String> vars, List<String> nonInno, List<String> noPk,
                                   double clock) {
        return new HostFacts(host, Optional.empty(), vars, OptionalDouble.of(2), true, nonInno, noPk,
                OptionalDouble.of(clock));
    }

    private Map<String, HostFacts> topology(UnaryOperator<Map<String, HostFacts>> change) {
        Map<String, HostFacts> f = new LinkedHashMap<>();
        f.put("db1", facts("db1", clean(1, true), List.of(), List.of(), 0));
        f.put("db2", facts("db2", clean(2, false), List.of(), List.of(), 3));
        f.put("db3", facts("db3", clean(3, false), List.of(), List.of(), -2));
        return change.apply(f);
    }

    private static Map<String, HostFacts> with(Map<String, HostFacts> f, String host, String var, String value) {
        HostFacts h = f.get(host);
        Map<String, String> v = new HashMap<>(h.variables());
        v.put(var, value);
        f.put(host, new HostFacts(host, h.error(), v, h.heartbeatSeconds(), h.replicating(), h.nonInnoDb(),
                h.withoutPrimaryKey(), h.clockOffsetMs()));
        return f;
    }

    private List<LintFinding> lint(Map<String, HostFacts> f) {
        return LintRules.check(pair, f, Optional.empty());
    }

    private static Set<String> codes(List<LintFinding> l) {
        return l.stream().map(x -> x.host() + " " + x.check().code()).collect(Collectors.toSet());
    }

    private static int exit(List<LintFinding> l) {
        return new Lint.Report(l, java.time.Duration.ZERO).exitCode();
    }

    @Test
    void shouldFindNothingInACleanTopology() {
        assertThat(lint(topology(f -> f))).isEmpty();
    }

    @Test
    void shouldReportLogSlaveUpdatesOffOnEveryMasterOfATopologyWithReplicas() {
        List<LintFinding> l = lint(topology(f -> with(with(f, "db1", "log_slave_updates", "OFF"),
                "db2", "log_slave_updates", "OFF")));
        // db2 has no replica now, but a failover moves db3 under it
        assertThat(codes(l)).containsExactlyInAnyOrder("db1 log-slave-updates", "db2 log-slave-updates");
        assertThat(l.get(0).fix()).contains("log_slave_updates = ON").contains("[mysqld] of db1");
        assertThat(exit(l)).isEqualTo(LintStatus.REPLICATION.bit());
        // a replica does not need it, nor a pair of masters without replicas
        assertThat(lint(topology(f -> with(f, "db3", "log_slave_updates", "OFF")))).isEmpty();
        RingmasterConfig bare = ConfigLoader.parse(String.join("\n", "cluster: t", "credentials:",
                "  monitor: {user: root, password: \"\"}", "  replication: {user: repl, password: \"x\"}", "hosts:",
                "  - {name: db1, address: 127.0.0.1, port: 3301, mode: master}",
                "  - {name: db2, address: 127.0.0.1, port: 3302, mode: master}", ""), "test", Path.of("."), null,
                k -> null);
        Map<String, HostFacts> two = topology(f -> with(f, "db2", "log_slave_updates", "OFF"));
        two.remove("db3");
        assertThat(LintRules.check(bare, two, Optional.empty())).isEmpty();
    }

    @Test
    void shouldReportDuplicateServerIdAndMastersSharingAGtidDomain() {
        List<LintFinding> l = lint(topology(f -> with(with(f, "db3", "server_id", "1"), "db2", "gtid_domain_id",
                "1")));
        assertThat(codes(l)).containsExactlyInAnyOrder("db3 server-id", "db2 gtid-domain-id");
        assertThat(l).filteredOn(x -> x.check() == LintCheck.SERVER_ID).first()
                .satisfies(x -> assertThat(x.fix()).startsWith("SET GLOBAL server_id = ").doesNotContain("= 1;"));
    }

    @Test
    void shouldReportAutoIncrementCollisions() {
        assertThat(codes(lint(topology(f -> with(f, "db2", "auto_increment_offset", "1")))))
                .containsExactly("db2 auto-increment");
        assertThat(codes(lint(topology(f -> with(f, "db1", "auto_increment_increment", "1")))))
                .containsExactly("db1 auto-increment");
        List<LintFinding> l = lint(topology(f -> with(f, "db2", "auto_increment_offset", "1")));
        assertThat(l.get(0).fix()).contains("auto_increment_increment = 2, auto_increment_offset = 2");
        assertThat(exit(l)).isEqualTo(8);
    }

    @Test
    void shouldReportReadOnlyOffOnAReplicaAndOnAPassiveMasterButNotOnTheWriter() {
        List<LintFinding> l = lint(topology(f -> with(with(f, "db3", "read_only", "OFF"), "db2", "read_only",
                "OFF")));
        assertThat(codes(l)).containsExactlyInAnyOrder("db2 read-only", "db3 read-only"); // db1 is preferred
        assertThat(l.get(0).fix()).startsWith("SET GLOBAL read_only = ON");
        // the monitor's writer wins over the guess
        assertThat(codes(LintRules.check(pair, topology(f -> with(f, "db2", "read_only", "OFF")),
                Optional.of("db2")))).containsExactly("db1 read-only");
    }

    @Test
    void shouldReportBinlogFormatRowImageStrictModeAndFilters() {
        List<LintFinding> l = lint(topology(f -> with(with(with(with(f, "db2", "binlog_format", "MIXED"), "db3",
                "binlog_row_image", "MINIMAL"), "db3", "gtid_strict_mode", "OFF"), "db3", "replicate_do_db", "app")));
        assertThat(codes(l)).containsExactlyInAnyOrder("db2 binlog", "db3 binlog", "db3 gtid-strict-mode",
                "db3 replication-filters");
        assertThat(exit(l)).isEqualTo(4 | 16);
    }

    @Test
    void shouldReportSemiSyncOffShortTimeoutsAndAFallBackToAsync() {
        assertThat(codes(lint(topology(f -> with(f, "db2", "rpl_semi_sync_master_enabled", "OFF")))))
                .containsExactly("db2 semi-sync");
        assertThat(codes(lint(topology(f -> with(f, "db1", "rpl_semi_sync_master_timeout", "100")))))
                .containsExactly("db1 semi-sync");
        assertThat(codes(lint(topology(f -> with(f, "db1", "rpl_semi_sync_master_status", "OFF")))))
                .containsExactly("db1 semi-sync");
        // a passive master's status is not its problem: it commits nothing
        assertThat(lint(topology(f -> with(f, "db2", "rpl_semi_sync_master_status", "OFF")))).isEmpty();
        assertThat(codes(lint(topology(f -> with(f, "db3", "rpl_semi_sync_slave_enabled", "OFF")))))
                .containsExactly("db3 semi-sync");
    }

    @Test
    void shouldReportSlaveNetTimeoutAndHeartbeatTooLongForDetection() {
        List<LintFinding> l = lint(topology(f -> with(f, "db3", "slave_net_timeout", "60")));
        assertThat(codes(l)).containsExactly("db3 detection-time");
        assertThat(l.get(0).fix()).contains("SET GLOBAL slave_net_timeout = 4").contains("MASTER_HEARTBEAT_PERIOD = 2");
        assertThat(exit(l)).isEqualTo(32);
        // heartbeat 2 s against a 3 s timeout: an idle source would look dead
        assertThat(codes(lint(topology(f -> with(f, "db2", "slave_net_timeout", "3")))))
                .containsExactly("db2 detection-time");
    }

    @Test
    void shouldListNonInnoDbTablesAndTablesWithoutPrimaryKeyWithTheirAlterTable() {
        List<LintFinding> l = lint(topology(f -> {
            f.put("db3", facts("db3", clean(3, false), List.of("app.legacy (MyISAM)"), List.of("app.log"), 0));
            return f;
        }));
        assertThat(codes(l)).containsExactlyInAnyOrder("db3 non-innodb", "db3 no-primary-key");
        assertThat(l).filteredOn(x -> x.check() == LintCheck.NON_INNODB).first()
                .satisfies(x -> assertThat(x.fix()).isEqualTo("ALTER TABLE `app`.`legacy` ENGINE=InnoDB;"));
        assertThat(exit(l)).isEqualTo(64);
    }

    @Test
    void shouldReportDifferingVersionsAgainstTheWriterAndClocksApart() {
        List<LintFinding> l = lint(topology(f -> {
            with(f, "db3", "version", "10.6.12-MariaDB");
            f.put("db2", facts("db2", clean(2, false), List.of(), List.of(), 2500));
            return f;
        }));
        assertThat(codes(l)).containsExactlyInAnyOrder("db3 server-version", "db2 clock");
        assertThat(l).filteredOn(x -> x.check() == LintCheck.SERVER_VERSION).first()
                .satisfies(x -> assertThat(x.problem()).contains("10.6.12").contains("10.11.6"));
        assertThat(exit(l)).isEqualTo(128);
    }

    @Test
    void shouldReportAHostThatCannotBeReadAndCheckTheOthers() {
        List<LintFinding> l = lint(topology(f -> {
            f.put("db2", HostFacts.unreadable("db2", "(conn=0) Connection refused"));
            return with(f, "db3", "read_only", "OFF");
        }));
        assertThat(codes(l)).containsExactlyInAnyOrder("db2 unreachable", "db3 read-only");
        assertThat(exit(l)).isEqualTo(1 | 4);
    }
}
