package io.ringmaster.tools.checksum;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.Dialect;
import io.ringmaster.mysql.MariaDbDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * One connection to one host for the consistency tools, with the session settings every host must share so that
 * the same query gives the same answer: time_zone '+00:00' (TIMESTAMP text), REPEATABLE READ, a 1 s InnoDB lock
 * wait (a locked chunk is retried, never waited on for long, as pt-table-checksum does). Every query is bounded by
 * the socket timeout given at open, and checksum queries also by {@code max_statement_time} on the server.
 *
 * <p>Not thread-safe: one thread uses a session at a time.
 */
public final class HostSession implements AutoCloseable {
    private final HostConfig host;
    private final Connection connection;
    private final String user;
    private final Dialect dialect = MariaDbDialect.INSTANCE;

    private HostSession(HostConfig host, Connection connection, String user) {
        this.host = host;
        this.connection = connection;
        this.user = user;
    }

    /**
     * Opens a session.
     *
     * @param socketTimeout bound on connecting and on each read; must exceed the longest wait asked of the session
     * @throws SQLException when the host cannot be reached in time or refuses
     */
    public static HostSession open(HostConfig host, Credentials account, Duration socketTimeout) throws SQLException {
        Connection c = Connections.open(host.address(), host.port(), account, socketTimeout);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00', SESSION innodb_lock_wait_timeout = 1, "
                    + "SESSION wait_timeout = 28800");
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new HostSession(host, c, account.user());
    }

    /** The host. */
    public HostConfig host() {
        return host;
    }

    /** The account's user name (never the password), for messages. */
    public String user() {
        return user;
    }

    /** The JDBC connection, for callers that run their own statements (same thread rules). */
    public Connection connection() {
        return connection;
    }

    /**
     * Runs a chunk checksum query as one consistent read (autocommit).
     *
     * @param sql      from {@link RowHashSql#chunkQuery}
     * @param withSum  the query's SUM is part of the checksum
     * @param bound    server-side bound (max_statement_time)
     * @throws SQLException on a server error or when the bound runs out
     */
    public ChunkSum checksum(String sql, boolean withSum, Duration bound) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(bounded(sql, bound))) {
            rs.next();
            return ChunkSum.of(rs.getLong(1), rs.getString(2), rs.getString(3), withSum);
        }
    }

    /** A writer's chunk checksum with the GTID position that covers every change to the chunk's rows. */
    public record Locked(ChunkSum sum, GtidPosition position) {}

    /**
     * On the writer: runs a {@code LOCK IN SHARE MODE} chunk query in a transaction, then reads
     * {@code gtid_binlog_pos} while the shared locks are held, then commits. Every transaction that changed the
     * chunk's rows committed before the locks were granted, and MariaDB writes a transaction to the binary log
     * before it commits in InnoDB, so the position includes all of them; none can change the rows until commit.
     * Locks are held for this one chunk only.
     *
     * @throws SQLException on a server error, a lock wait timeout (1 s) or when the bound runs out
     */
    public Locked checksumLocked(String sql, boolean withSum, Duration bound) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("START TRANSACTION");
            try {
                ChunkSum sum;
                try (ResultSet rs = st.executeQuery(bounded(sql, bound))) {
                    rs.next();
                    sum = ChunkSum.of(rs.getLong(1), rs.getString(2), rs.getString(3), withSum);
                }
                GtidPosition pos;
                try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
                    rs.next();
                    pos = GtidPosition.parse(rs.getString(1));
                }
                st.execute("COMMIT");
                return new Locked(sum, pos);
            } catch (SQLException e) {
                rollbackQuietly(st);
                throw e;
            }
        }
    }

    /**
     * On the writer: starts a transaction WITH CONSISTENT SNAPSHOT and returns the GTID position the snapshot
     * stands at. MariaDB takes such a snapshot in step with the binary log and reports its place there
     * (Binlog_snapshot_file / _position); {@code gtid_binlog_pos} read afterwards is the snapshot's own position
     * when the binary log has not moved since (SHOW MASTER STATUS still at that place). When it has moved, the
     * transaction is rolled back and the result is empty: the caller falls back to {@link #checksumLocked}.
     * No row lock is taken. On success the transaction stays open for {@link #checksumInSnapshot}.
     *
     * @throws SQLException on a server error
     */
    public Optional<GtidPosition> beginSnapshot() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            try {
                String file = null;
                String offset = null;
                try (ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")) {
                    while (rs.next()) {
                        if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                            file = rs.getString(2);
                        } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                            offset = rs.getString(2);
                        }
                    }
                }
                GtidPosition pos;
                try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
                    rs.next();
                    pos = GtidPosition.parse(rs.getString(1));
                }
                boolean still;
                try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                    still = rs.next() && file != null && file.equals(rs.getString(1))
                            && offset != null && offset.equals(rs.getString(2));
                }
                if (still) {
                    return Optional.of(pos);
                }
                st.execute("ROLLBACK");
                return Optional.empty();
            } catch (SQLException e) {
                rollbackQuietly(st);
                throw e;
            }
        }
    }

    /**
     * Runs a chunk query inside the snapshot of {@link #beginSnapshot} and ends the transaction.
     *
     * @throws SQLException on a server error or when the bound runs out
     */
    public ChunkSum checksumInSnapshot(String sql, boolean withSum, Duration bound) throws SQLException {
        try (Statement st = connection.createStatement()) {
            try {
                ChunkSum sum;
                try (ResultSet rs = st.executeQuery(bounded(sql, bound))) {
                    rs.next();
                    sum = ChunkSum.of(rs.getLong(1), rs.getString(2), rs.getString(3), withSum);
                }
                st.execute("COMMIT");
                return sum;
            } catch (SQLException e) {
                rollbackQuietly(st);
                throw e;
            }
        }
    }

    /** {@code @@global.gtid_current_pos}. */
    public GtidPosition currentPosition() throws SQLException {
        return GtidPosition.parse(queryString("SELECT @@global.gtid_current_pos"));
    }

    /**
     * Waits until this host has applied {@code position}: only the domains it lacks are waited for (its own
     * domains are in gtid_current_pos, which MASTER_GTID_WAIT does not follow), with MASTER_GTID_WAIT bounded by
     * {@code timeout}.
     *
     * @param known a position this host is known to have reached already, may be empty
     * @return the position now known reached (at least {@code position}), or empty when the wait timed out
     * @throws SQLException on a server error
     */
    public Optional<GtidPosition> waitFor(GtidPosition position, GtidPosition known, Duration timeout)
            throws SQLException {
        if (known.contains(position)) {
            return Optional.of(known);
        }
        GtidPosition current = currentPosition();
        GtidPosition missing = GtidPosition.empty();
        for (GtidPosition.Gtid g : position.gtids()) {
            if (current.seq(g.domain()) < g.seq()) {
                missing = missing.union(GtidPosition.of(g));
            }
        }
        if (!missing.isEmpty()) {
            String r = queryString(dialect.waitForGtid(missing.toString(), timeout.toMillis() / 1000.0));
            if (!"0".equals(r)) {
                return Optional.empty();
            }
        }
        return Optional.of(current.union(position));
    }

    /**
     * Why replication on this host does not run, if it is configured and not running.
     *
     * @return e.g. {@code "Slave_SQL_Running=No: 1062 Duplicate entry"}, or empty when running or not configured
     */
    public Optional<String> replicationProblem() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(dialect.showReplicaStatus())) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String io = rs.getString("Slave_IO_Running");
            String sql = rs.getString("Slave_SQL_Running");
            if ("Yes".equalsIgnoreCase(io) && "Yes".equalsIgnoreCase(sql)) {
                return Optional.empty();
            }
            String err = rs.getInt("Last_SQL_Errno") != 0 ? rs.getInt("Last_SQL_Errno") + " "
                    + rs.getString("Last_SQL_Error") : rs.getInt("Last_IO_Errno") != 0
                    ? rs.getInt("Last_IO_Errno") + " " + rs.getString("Last_IO_Error") : "";
            return Optional.of("Slave_IO_Running=" + io + ", Slave_SQL_Running=" + sql
                    + (err.isEmpty() ? "" : ": " + err.lines().findFirst().orElse(err)));
        }
    }

    /** Runs a query returning one string (null when no row). */
    public String queryString(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Runs statements in order. */
    public void exec(String... statements) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** True while the connection is usable. */
    public boolean isValid() {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a broken connection: nothing to do
        }
    }

    /** {@code sql} bounded on the server: {@code SET STATEMENT max_statement_time=S FOR sql}. */
    public static String bounded(String sql, Duration bound) {
        double seconds = Math.max(0.001, bound.toMillis() / 1000.0);
        return "SET STATEMENT max_statement_time=" + String.format(java.util.Locale.ROOT, "%.3f", seconds)
                + " FOR " + sql;
    }

    private static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // the connection is broken; the server rolls back when it notices
        }
    }
}
