package io.ringmaster.mysql;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.observe.ReplicaLink;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Runs MMM's checks against one host: ping (TCP connect), mysql (login and status queries), and reads the
 * replication status and the heartbeat row. Every network step is bounded by the check timeout, so a frozen
 * server makes the probe fail, not hang.
 *
 * <p>Stateless apart from its configuration; thread-safe (one probe may run per host concurrently).
 */
public final class HostProbe {
    private final Dialect dialect;
    private final Credentials account;
    private final Duration timeout;
    private final String heartbeatSchema;
    private final Clock clock;

    /** What one probe learned: the observation, plus the heartbeat timestamp found on the host. */
    public record Result(HostObservation observation, OptionalLong heartbeatMicros) {}

    /**
     * @param dialect         SQL flavor
     * @param account         the monitor's account
     * @param timeout         bound on each network step (connect, each query)
     * @param heartbeatSchema schema of the heartbeat table
     * @param clock           the monitor's clock
     */
    public HostProbe(Dialect dialect, Credentials account, Duration timeout, String heartbeatSchema, Clock clock) {
        this.dialect = dialect;
        this.account = account;
        this.timeout = timeout;
        this.heartbeatSchema = heartbeatSchema;
        this.clock = clock;
    }

    /**
     * Probes a host.
     *
     * @param host           the host
     * @param heartbeatOwner server_id whose heartbeat row to read (the writer's), or empty to skip
     * @return the result, never null; failures are reported inside the observation, never thrown
     */
    public Result probe(HostConfig host, OptionalLong heartbeatOwner) {
        String ping;
        try {
            ping = ping(host);
        } catch (ConnectException e) {
            return new Result(HostObservation.refused(host.name(), clock.instant(), "TCP connect to " + host.endpoint()
                    + " refused: " + e.getMessage()), OptionalLong.empty());
        }
        if (!ping.isEmpty()) {
            return new Result(HostObservation.failed(host.name(), clock.instant(), false, ping), OptionalLong.empty());
        }
        try (Connection c = Connections.open(host.address(), host.port(), account, timeout);
             Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, Math.ceil(timeout.toMillis() / 1000.0)));
            boolean readOnly;
            long serverId;
            long domain;
            GtidPosition binlog;
            GtidPosition current;
            long uptime;
            try (ResultSet rs = st.executeQuery(dialect.statusQuery())) {
                rs.next();
                readOnly = rs.getBoolean(1);
                serverId = rs.getLong(2);
                domain = rs.getLong(3);
                binlog = GtidPosition.parse(rs.getString(4));
                current = GtidPosition.parse(rs.getString(5));
                uptime = Long.parseLong(rs.getString(6));
            }
            Optional<ReplicaLink> link = readLink(st, dialect);
            OptionalLong beat = OptionalLong.empty();
            if (heartbeatOwner.isPresent()) {
                beat = readHeartbeat(st, heartbeatOwner.getAsLong());
            }
            HostObservation o = new HostObservation(host.name(), clock.instant(), true, true, "", readOnly, serverId,
                    domain, uptime, binlog, current, link, Optional.empty(), false);
            return new Result(o, beat);
        } catch (SQLException e) {
            return new Result(HostObservation.failed(host.name(), clock.instant(), true, SqlErrors.describe(e)),
                    OptionalLong.empty());
        } catch (RuntimeException e) {
            return new Result(HostObservation.failed(host.name(), clock.instant(), true,
                    "unexpected answer: " + e.getMessage()), OptionalLong.empty());
        }
    }

    /**
     * TCP connect to the server port, bounded by the timeout.
     *
     * @return "" when it connected, else why not
     * @throws ConnectException when the connection was refused (RST): nothing listens on the port
     */
    private String ping(HostConfig host) throws ConnectException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host.address(), host.port()), (int) Math.max(1, timeout.toMillis()));
            return "";
        } catch (ConnectException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                throw e;
            }
            return "TCP connect to " + host.endpoint() + " failed: " + e.getMessage();
        } catch (IOException e) {
            return "TCP connect to " + host.endpoint() + " failed: " + e.getMessage();
        }
    }

    /**
     * Reads the default replication connection's status.
     *
     * @return the link, or empty when no replication is configured
     * @throws SQLException on a server error
     */
    public static Optional<ReplicaLink> readLink(Statement st, Dialect dialect) throws SQLException {
        try (ResultSet rs = st.executeQuery(dialect.showReplicaStatus())) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String host = rs.getString("Master_Host");
            if (host == null || host.isEmpty()) {
                return Optional.empty();
            }
            String io = rs.getString("Slave_IO_Running");
            String sql = rs.getString("Slave_SQL_Running");
            String sbm = rs.getString("Seconds_Behind_Master");
            String usingGtid = rs.getString("Using_Gtid");
            return Optional.of(new ReplicaLink(host, rs.getInt("Master_Port"), "Yes".equalsIgnoreCase(io),
                    io == null ? "No" : io, "Yes".equalsIgnoreCase(sql), rs.getInt("Last_IO_Errno"),
                    nz(rs.getString("Last_IO_Error")), rs.getInt("Last_SQL_Errno"), nz(rs.getString("Last_SQL_Error")),
                    usingGtid != null && !"No".equalsIgnoreCase(usingGtid),
                    GtidPosition.parse(rs.getString(dialect.receivedGtidColumn())),
                    sbm == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(sbm))));
        }
    }

    private OptionalLong readHeartbeat(Statement st, long owner) {
        try (ResultSet rs = st.executeQuery("SELECT ts_us FROM " + heartbeatSchema
                + ".heartbeat WHERE server_id = " + owner)) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        } catch (SQLException e) {
            return OptionalLong.empty(); // table not there yet: lag unknown
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
