package io.ringmaster.tools.bootstrap;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.mysql.Dialect;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds replication for a configured topology on running servers: the same code serves
 * {@code ringmaster bootstrap} on real servers and {@code ringmaster sandbox up}.
 *
 * <p>{@link #plan()} only reads. It checks every host (unique server_id; binary log on; log_slave_updates on
 * every master; a distinct gtid_domain_id per master; auto_increment_increment at least the number of masters
 * with distinct offsets; read_only everywhere but the initial writer) and lists the changes that can be made
 * online. What needs a restart is reported, all at once, naming the host and the configuration line to add,
 * and nothing is applied. {@link #apply} makes the changes (the replication user is created with the binary log
 * off for that session, so bootstrap adds no transactions to any host's history), points every link at its
 * source with MASTER_USE_GTID=slave_pos, then waits until every thread runs and a marker transaction written on
 * the writer has reached every host.
 *
 * <p>Not thread-safe; use one instance per run.
 */
public final class Bootstrap {
    private final RingmasterConfig config;
    private final Consumer<String> log;
    private final SqlActions sql;
    private final Dialect dialect = MariaDbDialect.INSTANCE;
    private final boolean semiSync;

    /** The server settings bootstrap reads from each host. */
    private record Facts(long serverId, boolean logBin, boolean logSlaveUpdates, long domainId, long aiIncrement,
                         long aiOffset, boolean readOnly, boolean strictMode, boolean semiSyncMaster,
                         boolean semiSyncReplica, String waitPoint, long netTimeout, Optional<ReplicaLink> link,
                         GtidPosition binlogPos, GtidPosition slavePos) {}

    /**
     * The {@code slave_net_timeout} bootstrap sets, s: a replica notices a dead, frozen or cut-off source this soon
     * (its heartbeat period becomes half of it at CHANGE MASTER). The monitor declares a writer dead only when its
     * replicas lost it too, so this bounds failover time; MariaDB's default of 60 s would make it a minute.
     * Orchestrator recommends 4 s for the same reason (docs/configuration-failure-detection.md).
     */
    public static final int NET_TIMEOUT_SECONDS = 4;

    /**
     * @param config the topology; the monitor account acts, the replication account is created
     * @param log    receives one line per step, for the operator
     */
    public Bootstrap(RingmasterConfig config, Consumer<String> log) {
        this(config, log, true);
    }

    /**
     * @param config   the topology; the monitor account acts, the replication account is created
     * @param log      receives one line per step, for the operator
     * @param semiSync set up semi-synchronous replication (masters wait, with wait point AFTER_SYNC, until a
     *                 replica has a transaction in its relay log before acknowledging the commit), without which
     *                 a failover can lose acknowledged commits; see https://mariadb.com/kb/en/semisynchronous-replication/
     */
    public Bootstrap(RingmasterConfig config, Consumer<String> log, boolean semiSync) {
        this.semiSync = semiSync;
        this.config = config;
        this.log = log;
        this.sql = new SqlActions(dialect, config.monitorUser(), config.replicationUser(),
                config.monitor().actionTimeout());
    }

    /**
     * Reads every host and plans the changes.
     *
     * @return the plan; its actions may be empty when everything is in place
     * @throws BootstrapException listing every host that cannot be reached and every setting that needs a restart
     */
    public BootstrapPlan plan() throws BootstrapException {
        List<String> problems = new ArrayList<>();
        Map<String, Facts> facts = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            try {
                facts.put(h.name(), read(h));
            } catch (SQLException e) {
                String what = SqlErrors.isPrivilegeError(e) ? "cannot read its settings as "
                        : SqlErrors.isLoginRefused(e) ? "cannot log in as " : "cannot connect as ";
                problems.add(h.name() + " (" + h.endpoint() + "): " + what + config.monitorUser().user()
                        + ": " + SqlErrors.describe(e));
            }
        }
        if (!problems.isEmpty()) {
            throw new BootstrapException(problems);
        }
        List<HostConfig> masters = config.masters();
        String writer = initialWriter(facts);
        List<BootstrapPlan.Action> actions = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<Long, String> serverIds = new HashMap<>();
        Map<Long, String> domains = new HashMap<>();
        Map<Long, String> offsets = new HashMap<>();
        for (HostConfig h : config.hosts()) {
            Facts f = facts.get(h.name());
            String other = serverIds.putIfAbsent(f.serverId(), h.name());
            if (other != null || f.serverId() == 0) {
                problems.add(h.name() + ": server_id " + f.serverId() + (other == null ? " is 0" : " is also "
                        + other + "'s") + "; set a unique one: add 'server_id = " + suggestServerId(h)
                        + "' under [mysqld] and restart (or SET GLOBAL server_id)");
            }
            if (!f.logBin()) {
                problems.add(h.name() + ": the binary log is off; add 'log_bin = " + h.name()
                        + "-bin' and 'log_slave_updates = ON' under [mysqld] and restart");
            } else if (h.isMaster() && !f.logSlaveUpdates()) {
                problems.add(h.name() + ": log_slave_updates is OFF on a master, so its replicas would miss the"
                        + " other masters' changes; add 'log_slave_updates = ON' under [mysqld] and restart");
            }
        }
        int index = 0;
        Map<String, Long> writeDomains = new LinkedHashMap<>();
        for (HostConfig m : masters) {
            index++;
            Facts f = facts.get(m.name());
            writeDomains.put(m.name(), f.domainId());
            List<String> stmts = new ArrayList<>();
            List<String> what = new ArrayList<>();
            String dOther = domains.putIfAbsent(f.domainId(), m.name());
            if (masters.size() > 1 && dOther != null) {
                long d = freeDomain(facts, index);
                domains.put(d, m.name());
                writeDomains.put(m.name(), d);
                stmts.add("SET GLOBAL gtid_domain_id = " + d);
                what.add("gtid_domain_id " + f.domainId() + " -> " + d + " (was also " + dOther + "'s)");
                notes.add(m.name() + ": add 'gtid_domain_id = " + d + "' under [mysqld] to keep it after a restart");
            }
            if (masters.size() > 1) {
                long inc = Math.max(f.aiIncrement(), masters.size());
                long off = f.aiOffset();
                if (off < 1 || off > inc || offsets.containsKey(off)) {
                    off = index;
                }
                offsets.put(off, m.name());
                if (inc != f.aiIncrement() || off != f.aiOffset()) {
                    stmts.add("SET GLOBAL auto_increment_increment = " + inc);
                    stmts.add("SET GLOBAL auto_increment_offset = " + off);
                    what.add("auto_increment_increment/offset " + f.aiIncrement() + "/" + f.aiOffset() + " -> "
                            + inc + "/" + off);
                    notes.add(m.name() + ": add 'auto_increment_increment = " + inc + "' and 'auto_increment_offset = "
                            + off + "' under [mysqld] to keep them after a restart");
                }
            }
            if (!stmts.isEmpty()) {
                actions.add(new BootstrapPlan.Action(m.name(), String.join(", ", what), stmts));
            }
        }
        if (!problems.isEmpty()) {
            throw new BootstrapException(problems);
        }
        for (HostConfig h : config.hosts()) {
            Facts f = facts.get(h.name());
            if (!f.strictMode()) {
                actions.add(new BootstrapPlan.Action(h.name(), "gtid_strict_mode OFF -> ON (safe automation)",
                        List.of("SET GLOBAL gtid_strict_mode = ON")));
                notes.add(h.name() + ": add 'gtid_strict_mode = ON' under [mysqld] to keep it after a restart");
            }
            if (semiSync && h.isMaster() && (!f.semiSyncMaster() || !"AFTER_SYNC".equalsIgnoreCase(f.waitPoint()))) {
                actions.add(new BootstrapPlan.Action(h.name(), "semi-synchronous replication on as a master "
                        + "(wait point AFTER_SYNC): acknowledged commits survive a failover",
                        List.of("SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC",
                                "SET GLOBAL rpl_semi_sync_master_enabled = ON")));
                notes.add(h.name() + ": add 'rpl_semi_sync_master_enabled = ON' and "
                        + "'rpl_semi_sync_master_wait_point = AFTER_SYNC' under [mysqld] to keep them after a restart");
            }
            if (semiSync && !f.semiSyncReplica()) {
                List<String> stmts = new ArrayList<>(List.of("SET GLOBAL rpl_semi_sync_slave_enabled = ON"));
                if (f.link().isPresent() && f.link().get().ioRunning()) {
                    stmts.add("STOP SLAVE IO_THREAD");
                    stmts.add("START SLAVE IO_THREAD");
                }
                actions.add(new BootstrapPlan.Action(h.name(), "semi-synchronous replication on as a replica",
                        stmts));
                notes.add(h.name() + ": add 'rpl_semi_sync_slave_enabled = ON' under [mysqld] to keep it after a restart");
            }
            if (f.netTimeout() > NET_TIMEOUT_SECONDS) {
                List<String> stmts = new ArrayList<>(List.of("SET GLOBAL slave_net_timeout = " + NET_TIMEOUT_SECONDS));
                String why = "";
                if (f.link().isPresent()) {
                    // the heartbeat period of a link is fixed at CHANGE MASTER: lower it too, or an idle source
                    // would look dead every few seconds
                    stmts.addAll(List.of(dialect.stopReplica(), dialect.heartbeatPeriod(NET_TIMEOUT_SECONDS / 2.0),
                            dialect.startReplica()));
                    why = ", its link's heartbeat every " + NET_TIMEOUT_SECONDS / 2.0 + " s";
                }
                actions.add(new BootstrapPlan.Action(h.name(), "slave_net_timeout " + f.netTimeout() + " -> "
                        + NET_TIMEOUT_SECONDS + " s" + why + ": it notices a dead or frozen source in "
                        + NET_TIMEOUT_SECONDS + " s, not " + f.netTimeout() + " s", stmts));
                notes.add(h.name() + ": add 'slave_net_timeout = " + NET_TIMEOUT_SECONDS
                        + "' under [mysqld] to keep it after a restart");
            }
            if (!h.name().equals(writer) && !f.readOnly()) {
                actions.add(new BootstrapPlan.Action(h.name(), "read_only OFF -> ON (not the writer)",
                        List.of("SET GLOBAL read_only = ON")));
            }
        }
        String user = config.replicationUser().user();
        String pw = config.replicationUser().password().reveal();
        for (HostConfig h : config.hosts()) {
            String account = Dialect.quote(user) + "@'%'";
            actions.add(new BootstrapPlan.Action(h.name(), "replication user " + user
                    + "@'%' with REPLICATION SLAVE only (not binlogged)",
                    List.of("SET SESSION sql_log_bin = 0",
                            "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + Dialect.quote(pw),
                            "ALTER USER " + account + " IDENTIFIED BY " + Dialect.quote(pw),
                            "GRANT REPLICATION SLAVE ON *.* TO " + account,
                            "SET SESSION sql_log_bin = 1")));
        }
        for (Map.Entry<String, String> link : Planner.initialSources(config).entrySet()) {
            HostConfig h = config.host(link.getKey());
            HostConfig src = config.host(link.getValue());
            Optional<ReplicaLink> current = facts.get(h.name()).link();
            if (current.isPresent() && current.get().readsFrom(src.address(), src.port())
                    && current.get().threadsRunning() && current.get().usingGtid()) {
                continue;
            }
            actions.add(new BootstrapPlan.Action(h.name(), "replicate from " + src.name() + " (" + src.endpoint()
                    + ") with MASTER_USE_GTID=slave_pos" + current.map(l -> ", replacing link to " + l.sourceHost()
                    + ":" + l.sourcePort()).orElse(""),
                    List.of(dialect.stopReplica(),
                            dialect.changeSource(src.address(), src.port(), user, pw),
                            dialect.startReplica())));
        }
        if (facts.get(writer).readOnly()) {
            actions.add(new BootstrapPlan.Action(writer, "read_only ON -> OFF (initial writer)",
                    List.of("SET GLOBAL read_only = OFF")));
        }
        // the same checks in a dry run and a real run: a plan is returned only when both pass
        Preflight preflight = new Preflight(config);
        problems.addAll(preflight.privileges(actions));
        List<HistoryCheck.HostHistory> histories = new ArrayList<>();
        Map<String, Long> ids = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            Facts f = facts.get(h.name());
            ids.put(h.name(), f.serverId());
            histories.add(new HistoryCheck.HostHistory(h.name(), f.serverId(), f.binlogPos(), f.slavePos(),
                    Optional.ofNullable(writeDomains.get(h.name()))));
        }
        problems.addAll(preflight.history(histories, ids));
        if (!problems.isEmpty()) {
            throw new BootstrapException(problems);
        }
        return new BootstrapPlan(writer, actions, notes);
    }

    /**
     * Makes the planned changes, then waits until replication flows on every link.
     *
     * @param plan        from {@link #plan()}
     * @param waitTimeout bound on waiting for replication to flow
     * @throws BootstrapException when a change fails (naming the host, and what was already applied) or
     *                            replication does not flow in time
     */
    public void apply(BootstrapPlan plan, Duration waitTimeout) throws BootstrapException {
        int done = 0;
        String pw = config.replicationUser().password().reveal();
        for (BootstrapPlan.Action a : plan.actions()) {
            log.accept("  " + a);
            String current = "";
            try (Connection c = sql.open(config.host(a.host())); Statement st = c.createStatement()) {
                st.setQueryTimeout((int) Math.max(1, config.monitor().actionTimeout().toSeconds()));
                for (String stmt : a.statements()) {
                    current = stmt;
                    st.execute(stmt);
                }
            } catch (SQLException e) {
                // a server's error may quote the statement, which may hold the replication password
                String why = mask(SqlErrors.describe(e), pw);
                String at = current.isEmpty() ? "" : " at '" + mask(current, pw) + "'";
                throw new BootstrapException(a.host() + ": " + a.description() + " failed" + at + ": " + why
                        + " (" + done + " of " + plan.actions().size() + " changes were applied before it)");
            }
            done++;
        }
        waitForFlow(plan.initialWriter(), waitTimeout);
    }

    private static String mask(String text, String secret) {
        return secret.isEmpty() ? text : text.replace(secret, "****");
    }

    /**
     * Every link must run without error (both threads, no error number) and keep running for
     * {@link #STEADY_MS}; then a marker written on the writer must reach every host. Every broken link is reported,
     * not only the first.
     */
    private void waitForFlow(String writer, Duration timeout) throws BootstrapException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, String> sources = Planner.initialSources(config);
        Map<String, String> broken = new LinkedHashMap<>();
        Map<String, Instant> runningSince = new HashMap<>();
        Instant now = Instant.now();
        while (true) {
            broken.clear();
            now = Instant.now();
            for (Map.Entry<String, String> link : sources.entrySet()) {
                HostConfig h = config.host(link.getKey());
                String problem;
                try {
                    Optional<ReplicaLink> l = sql.replicaLink(h);
                    boolean failed = l.isPresent() && (l.get().lastIoErrno() != 0 || l.get().lastSqlErrno() != 0)
                            && !l.get().ioState().equalsIgnoreCase("Connecting");
                    if (l.isPresent() && l.get().threadsRunning() && !failed) {
                        runningSince.putIfAbsent(h.name(), now);
                        continue;
                    }
                    problem = (failed ? "failed: " : "not running: ")
                            + l.map(ReplicaLink::problem).orElse("no replication configured");
                } catch (SQLException e) {
                    problem = "cannot be read: " + SqlErrors.describe(e);
                }
                runningSince.remove(h.name());
                broken.put(h.name(), h.name() + ": replication from " + link.getValue() + " " + problem);
            }
            boolean steady = broken.isEmpty() && runningSince.values().stream()
                    .allMatch(t -> Duration.between(t, Instant.now()).toMillis() >= STEADY_MS);
            if (steady) {
                break;
            }
            if (now.isAfter(deadline)) {
                List<String> lines = new ArrayList<>(broken.values());
                lines.add(0, broken.size() + " of " + sources.size() + " link(s) broken after "
                        + timeout.toSeconds() + " s");
                throw new BootstrapException(lines);
            }
            sleep(100);
        }
        HostConfig w = config.host(writer);
        GtidPosition marker;
        try {
            sql.ensureHeartbeatTable(w, config.monitor().heartbeatSchema());
            marker = sql.binlogPosition(w);
        } catch (SQLException e) {
            throw new BootstrapException(writer + ": cannot write the marker transaction: " + SqlErrors.describe(e));
        }
        List<String> late = new ArrayList<>();
        for (HostConfig h : config.hosts()) {
            Duration left = Duration.between(Instant.now(), deadline);
            try {
                if (!sql.waitForGtid(h, marker, left.isNegative() ? Duration.ZERO : left,
                        "bootstrap: replication must flow")) {
                    late.add(h.name() + ": did not apply the writer's marker " + marker + " within "
                            + timeout.toSeconds() + " s" + sql.replicaLink(h).map(l -> " (" + l.problem() + ")")
                            .orElse(""));
                }
            } catch (SQLException e) {
                late.add(h.name() + ": waiting for the marker failed: " + SqlErrors.describe(e));
            }
        }
        if (!late.isEmpty()) {
            throw new BootstrapException(late);
        }
        log.accept("  replication flows on every link (marker " + marker + " reached every host)");
    }

    /** How long every link must run without error before bootstrap trusts it, ms (a 1950 shows within it). */
    static final long STEADY_MS = 1500;

    private Facts read(HostConfig h) throws SQLException {
        try (Connection c = sql.open(h); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, config.monitor().actionTimeout().toSeconds()));
            try (ResultSet rs = st.executeQuery("SELECT @@server_id, @@log_bin, @@log_slave_updates, "
                    + "@@gtid_domain_id, @@auto_increment_increment, @@auto_increment_offset, @@read_only, "
                    + "@@gtid_strict_mode, @@rpl_semi_sync_master_enabled, @@rpl_semi_sync_slave_enabled, "
                    + "@@rpl_semi_sync_master_wait_point, @@slave_net_timeout, @@global.gtid_binlog_pos, "
                    + "@@global.gtid_slave_pos")) {
                rs.next();
                long serverId = rs.getLong(1);
                boolean logBin = rs.getBoolean(2);
                boolean lsu = rs.getBoolean(3);
                long domain = rs.getLong(4);
                long inc = rs.getLong(5);
                long off = rs.getLong(6);
                boolean ro = rs.getBoolean(7);
                boolean strict = rs.getBoolean(8);
                boolean ssm = rs.getBoolean(9);
                boolean sss = rs.getBoolean(10);
                String wp = rs.getString(11);
                long nt = rs.getLong(12);
                GtidPosition binlog = GtidPosition.parse(rs.getString(13));
                GtidPosition slave = GtidPosition.parse(rs.getString(14));
                return new Facts(serverId, logBin, lsu, domain, inc, off, ro, strict, ssm, sss, wp, nt,
                        io.ringmaster.mysql.HostProbe.readLink(st, dialect), binlog, slave);
            }
        }
    }

    private String initialWriter(Map<String, Facts> facts) {
        List<String> writable = config.masters().stream().map(HostConfig::name)
                .filter(n -> !facts.get(n).readOnly()).toList();
        if (writable.size() == 1) {
            return writable.get(0);
        }
        return config.writerRole().flatMap(RoleConfig::prefer)
                .or(() -> config.writerRole().map(r -> r.hosts().get(0)))
                .orElse(config.masters().get(0).name());
    }

    private long suggestServerId(HostConfig h) {
        return config.hosts().indexOf(h) + 1;
    }

    private static long freeDomain(Map<String, Facts> facts, long start) {
        long d = start;
        while (true) {
            long candidate = d;
            if (facts.values().stream().noneMatch(f -> f.domainId() == candidate
                    || f.binlogPos().domains().contains(candidate))) {
                return candidate;
            }
            d++;
        }
    }

    private static void sleep(long ms) throws BootstrapException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BootstrapException("interrupted while waiting for replication");
        }
    }
}
