package io.ringmaster.tools.bootstrap;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.privilege.Need;
import io.ringmaster.core.privilege.PrivilegeGap;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.GrantReader;
import io.ringmaster.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks bootstrap makes before it changes anything, the same in a dry run and a real run, so that a dry run
 * that passes means the real run can: the monitor account's privileges on every host (for bootstrap's own
 * statements on that host and for everything the monitor does later) and the binary log history of every host
 * ({@link HistoryCheck}). Each problem is one line naming the host and the fix. Not thread-safe.
 */
final class Preflight {
    private final RingmasterConfig config;

    Preflight(RingmasterConfig config) {
        this.config = config;
    }

    /**
     * Reads SHOW GRANTS of the monitor account on every host.
     *
     * @param actions the planned changes (their statements tell which of bootstrap's needs each host has)
     * @return one line per host that lacks privileges, naming each action that needs them and the GRANT that fixes it
     */
    List<String> privileges(List<BootstrapPlan.Action> actions) {
        List<String> problems = new ArrayList<>();
        for (HostConfig h : config.hosts()) {
            Set<Need> needs = new LinkedHashSet<>(Need.of(Need.Account.MONITOR));
            actions.stream().filter(a -> a.host().equals(h.name())).flatMap(a -> a.statements().stream())
                    .forEach(s -> Need.ofStatement(s).ifPresent(needs::add));
            try {
                GrantReader.HostGrants g = GrantReader.read(h, config.monitorUser(), config.monitor().actionTimeout());
                List<PrivilegeGap> gaps = g.gaps(needs, config.monitor().heartbeatSchema());
                if (gaps.isEmpty()) {
                    continue;
                }
                List<String> what = new ArrayList<>();
                List<io.ringmaster.core.privilege.Privilege> all = new ArrayList<>();
                for (PrivilegeGap gap : gaps) {
                    what.add(gap.need().description() + " needs " + String.join(", ",
                            gap.missing().stream().map(Object::toString).toList()));
                    gap.missing().forEach(p -> {
                        if (!all.contains(p)) {
                            all.add(p);
                        }
                    });
                }
                problems.add(h.name() + ": missing privileges of " + g.account() + " on " + g.version() + ": "
                        + String.join("; ", what) + (g.held().roles().isEmpty() ? ""
                        : " (privileges of roles " + g.held().roles() + " are not counted)") + "; fix: "
                        + String.join("; ", io.ringmaster.core.privilege.GrantStatements.render(g.account(), all))
                        + " (see 'ringmaster grants')");
            } catch (SQLException e) {
                problems.add(h.name() + ": cannot read the grants of " + config.monitorUser().user() + ": "
                        + SqlErrors.describe(e));
            }
        }
        return problems;
    }

    /**
     * Compares the binary log history of every host ({@link HistoryCheck}) and, for each host in conflict, reads its
     * own transactions to say whether RESET MASTER can drop them.
     *
     * @param histories every host's positions, in configuration order
     * @param serverIds host name to server_id
     * @return one line per host in conflict, with the GTIDs per host and the fix; empty when compatible
     */
    List<String> history(List<HistoryCheck.HostHistory> histories, Map<String, Long> serverIds) {
        List<String> problems = new ArrayList<>();
        for (HistoryCheck.Conflict c : HistoryCheck.analyze(histories)) {
            HostConfig h = config.host(c.host());
            String fix;
            if (c.own().isEmpty()) {
                fix = "record what it already has as applied (STOP SLAVE; SET GLOBAL gtid_slave_pos = "
                        + "@@global.gtid_binlog_pos) if it replicated that history, or rebuild it from a copy of a "
                        + "host that keeps its history";
            } else {
                fix = ownFix(h, serverIds.get(c.host()), c.own());
            }
            problems.add(c.host() + ": binary log history conflicts: " + String.join("; ", c.reasons()) + "; fix: "
                    + fix);
        }
        return problems;
    }

    private String ownFix(HostConfig h, long serverId, List<GtidPosition.Gtid> own) {
        String gtids = String.join(",", own.stream().map(g -> g.domain() + "-" + g.serverId() + "-1.."
                + g.seq()).toList());
        try (Connection c = Connections.open(h.address(), h.port(), config.monitorUser(),
                config.monitor().actionTimeout())) {
            OwnTransactions t = OwnTransactions.read(c, serverId);
            if (t.onlyAccounts()) {
                return "on " + h.name() + " run RESET MASTER (and SET GLOBAL gtid_slave_pos = '' if it has one): its"
                        + " own transactions " + gtids + " are only account changes (" + t.describe() + "), and the"
                        + " accounts stay";
            }
            return "its own transactions " + gtids + " hold data (" + t.describe() + "): rebuild " + h.name()
                    + " from a copy of a host that keeps its history (mariadb-backup or mariadb-dump), or remove them"
                    + " by hand";
        } catch (SQLException e) {
            return "cannot inspect its own transactions " + gtids + " (" + SqlErrors.describe(e) + "): if they are "
                    + "only account changes (CREATE USER, GRANT) run RESET MASTER on " + h.name() + ", else rebuild it "
                    + "from a copy of a host that keeps its history";
        }
    }
}
