package io.ringmaster.mysql;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actions that change a server, each on a fresh connection bounded by the action timeout, each logged with
 * the reason it was taken. Stateless apart from configuration; thread-safe.
 */
public final class SqlActions {
    private static final Logger log = LoggerFactory.getLogger(SqlActions.class);
    private final Dialect dialect;
    private final Credentials admin;
    private final Credentials replication;
    private final Duration timeout;

    /**
     * @param dialect     SQL flavor
     * @param admin       the account that acts (the monitor's)
     * @param replication the account replicas use to connect to their source
     * @param timeout     bound on connecting and on each statement
     */
    public SqlActions(Dialect dialect, Credentials admin, Credentials replication, Duration timeout) {
        this.dialect = dialect;
        this.admin = admin;
        this.replication = replication;
        this.timeout = timeout;
    }

    /** The SQL flavor. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Sets {@code read_only}.
     *
     * @throws SQLException when the host cannot be reached in time or refuses
     */
    public void setReadOnly(HostConfig host, boolean readOnly, String reason) throws SQLException {
        log.info("{}: SET GLOBAL read_only={} ({})", host.name(), readOnly ? "ON" : "OFF", reason);
        exec(host, "SET GLOBAL read_only=" + (readOnly ? "ON" : "OFF"));
    }

    /**
     * Kills every client session except replication threads, system threads and this connection, so that no
     * transaction already running on a fenced writer can still commit.
     *
     * @return how many sessions were killed
     * @throws SQLException when the host cannot be reached in time
     */
    public int killClientSessions(HostConfig host, String reason) throws SQLException {
        try (Connection c = open(host); Statement st = c.createStatement()) {
            return killClientSessions(host, st, reason);
        }
    }

    /**
     * Fences a host on one connection: read_only=ON, then every client session killed (as
     * {@link #killClientSessions(HostConfig, String)}).
     *
     * @return how many sessions were killed
     * @throws SQLException when the host cannot be reached in time or refuses (read_only may then still be OFF)
     */
    public int fence(HostConfig host, String reason) throws SQLException {
        try (Connection c = open(host)) {
            return fence(c, host, reason);
        }
    }

    /**
     * As {@link #fence(HostConfig, String)}, on a connection the caller opened (with {@link #open}) and closes:
     * one that waits for a server to come back is opened quietly, and the fence is logged only when it lands.
     */
    public int fence(Connection c, HostConfig host, String reason) throws SQLException {
        log.info("{}: SET GLOBAL read_only=ON and kill client sessions ({})", host.name(), reason);
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds());
            st.execute("SET GLOBAL read_only=ON");
            return killClientSessions(host, st, reason);
        }
    }

    /**
     * As {@link #killClientSessions(HostConfig, String)}, on a connection the caller opened and closes (the agent's,
     * through the unix socket while the TCP port is blocked).
     */
    public int killClientSessions(Connection c, HostConfig host, String reason) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds());
            return killClientSessions(host, st, reason);
        }
    }

    private int killClientSessions(HostConfig host, Statement st, String reason) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT ID FROM information_schema.PROCESSLIST "
                + "WHERE ID <> CONNECTION_ID() AND USER NOT IN ('system user', 'event_scheduler', "
                + Dialect.quote(replication.user()) + ") AND COMMAND NOT IN "
                + "('Binlog Dump', 'Binlog Dump GTID', 'Daemon', 'Slave_IO', 'Slave_SQL', 'Slave_worker')")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        int killed = 0;
        for (long id : ids) {
            try {
                st.execute("KILL CONNECTION " + id);
                killed++;
            } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.NO_SUCH_THREAD) {
                    throw e;
                }
            }
        }
        log.info("{}: killed {} client session(s) ({})", host.name(), killed, reason);
        return killed;
    }

    /** Reads {@code @@gtid_binlog_pos}. */
    public GtidPosition binlogPosition(HostConfig host) throws SQLException {
        return GtidPosition.parse(queryString(host, "SELECT @@global.gtid_binlog_pos"));
    }

    /** Reads {@code @@gtid_current_pos}. */
    public GtidPosition currentPosition(HostConfig host) throws SQLException {
        return GtidPosition.parse(queryString(host, "SELECT @@global.gtid_current_pos"));
    }

    /** Reads the default replication connection's status, if any. */
    public Optional<ReplicaLink> replicaLink(HostConfig host) throws SQLException {
        try (Connection c = open(host); Statement st = c.createStatement()) {
            return HostProbe.readLink(st, dialect);
        }
    }

    /**
     * Waits until the host has applied {@code position} (MASTER_GTID_WAIT), at most {@code wait}.
     *
     * @return true when applied in time, false on timeout
     * @throws SQLException when the host cannot be reached
     */
    public boolean waitForGtid(HostConfig host, GtidPosition position, Duration wait, String reason)
            throws SQLException {
        if (position.isEmpty()) {
            return true;
        }
        Duration bound = wait.plus(timeout);
        try (Connection c = Connections.open(host.address(), host.port(), admin, bound);
             Statement st = c.createStatement()) {
            // Domains the host already has (including those it wrote itself, which MASTER_GTID_WAIT would not
            // see: it follows gtid_slave_pos only) need no wait.
            GtidPosition current;
            try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_current_pos")) {
                rs.next();
                current = GtidPosition.parse(rs.getString(1));
            }
            GtidPosition missing = GtidPosition.empty();
            for (GtidPosition.Gtid g : position.gtids()) {
                if (current.seq(g.domain()) < g.seq()) {
                    missing = missing.union(GtidPosition.of(g));
                }
            }
            if (missing.isEmpty()) {
                return true;
            }
            log.info("{}: waiting up to {} ms to apply {} ({})", host.name(), wait.toMillis(), missing, reason);
            try (ResultSet rs = st.executeQuery(dialect.waitForGtid(missing.toString(), wait.toMillis() / 1000.0))) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        }
    }

    /** Stops replication. */
    public void stopReplica(HostConfig host, String reason) throws SQLException {
        log.info("{}: STOP SLAVE ({})", host.name(), reason);
        exec(host, dialect.stopReplica());
    }

    /**
     * Stops the SQL thread only ({@code STOP SLAVE SQL_THREAD}): nothing more is applied, at once, even while the
     * IO thread hangs on a frozen source (which a full STOP SLAVE waits for).
     */
    public void stopApplier(HostConfig host, String reason) throws SQLException {
        log.info("{}: STOP SLAVE SQL_THREAD ({})", host.name(), reason);
        exec(host, dialect.stopApplier());
    }

    /** Stops replication and forgets the source. */
    public void resetReplica(HostConfig host, String reason) throws SQLException {
        log.info("{}: STOP SLAVE; RESET SLAVE ALL ({})", host.name(), reason);
        exec(host, dialect.stopReplica(), dialect.resetReplicaAll());
    }

    /**
     * Points the host at {@code source} by GTID and starts replication.
     *
     * @throws SQLException when the host refuses or cannot be reached
     */
    public void replicateFrom(HostConfig host, HostConfig source, String reason) throws SQLException {
        log.info("{}: CHANGE MASTER TO {} ({}) MASTER_USE_GTID=slave_pos; START SLAVE ({})", host.name(),
                source.name(), source.endpoint(), reason);
        exec(host, dialect.stopReplica(),
                dialect.changeSource(source.address(), source.port(), replication.user(),
                        replication.password().reveal()),
                dialect.startReplica());
    }

    /**
     * Makes sure the heartbeat table exists (on the writer; it replicates everywhere).
     */
    public void ensureHeartbeatTable(HostConfig writer, String schema) throws SQLException {
        exec(writer, "CREATE DATABASE IF NOT EXISTS " + schema,
                "CREATE TABLE IF NOT EXISTS " + schema + ".heartbeat (server_id INT UNSIGNED NOT NULL PRIMARY KEY, "
                        + "ts_us BIGINT NOT NULL, host VARCHAR(64) NOT NULL) ENGINE=InnoDB");
    }

    /**
     * Writes the writer's heartbeat row: its server_id and a timestamp in microseconds since the epoch, taken
     * from the monitor's clock.
     */
    public void writeHeartbeat(HostConfig writer, String schema, long serverId, long micros) throws SQLException {
        exec(writer, "REPLACE INTO " + schema + ".heartbeat (server_id, ts_us, host) VALUES (" + serverId + ", "
                + micros + ", " + Dialect.quote(writer.name()) + ")");
    }

    /**
     * {@code RESET MASTER} for a server that was just started, preceded by statements that make InnoDB flush its
     * redo log now. A binary log reset waits until InnoDB has flushed its redo log past the binlog's last checkpoint
     * request; on a freshly started server that happens only at InnoDB's once-a-second background flush, so the
     * reset took 0.8-0.9 s (measured on MariaDB 10.11 with a prepared mariadb-backup copy; 30-40 ms with the flush).
     * {@code FLUSH LOCAL ENGINE LOGS} flushes durably only while {@code innodb_flush_log_at_trx_commit = 1} (InnoDB's
     * {@code innobase_flush_logs}), hence the setting is raised for that one statement and put back. Nothing of it
     * is written to the binary log. Needs the privilege to set global variables (the monitor account has it).
     *
     * @return the statements, in order, to run on one connection
     */
    public static List<String> resetBinaryLog() {
        return List.of("SET @ringmaster_flush = @@global.innodb_flush_log_at_trx_commit",
                "SET GLOBAL innodb_flush_log_at_trx_commit = 1", "FLUSH LOCAL ENGINE LOGS",
                "SET GLOBAL innodb_flush_log_at_trx_commit = @ringmaster_flush", "RESET MASTER");
    }

    /** Runs statements in order on one connection. */
    public void exec(HostConfig host, String... statements) throws SQLException {
        try (Connection c = open(host); Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds());
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** Runs a query returning one string. */
    public String queryString(HostConfig host, String sql) throws SQLException {
        try (Connection c = open(host); Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds());
            try (ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Opens a connection as the acting account, bounded by the action timeout. */
    public Connection open(HostConfig host) throws SQLException {
        return Connections.open(host.address(), host.port(), admin, timeout);
    }

    private int seconds() {
        return (int) Math.max(1, Math.ceil(timeout.toMillis() / 1000.0));
    }
}
