package io.ringmaster.mysql;

/**
 * The SQL text that differs between server flavors. One thin implementation per flavor (MariaDB first; MySQL
 * 8.4's CHANGE REPLICATION SOURCE / SHOW REPLICA STATUS / WAIT_FOR_EXECUTED_GTID_SET where it differs).
 * Implementations are stateless and thread-safe. Values passed in are quoted by the dialect.
 */
public interface Dialect {
    /** The statement that shows the default replication connection's status. */
    String showReplicaStatus();

    /** Stops both replication threads. */
    String stopReplica();

    /** Stops the SQL (applier) thread only. */
    String stopApplier();

    /** Starts both replication threads. */
    String startReplica();

    /** Forgets the replication connection (after STOP). */
    String resetReplicaAll();

    /** Sets how often an idle source sends a heartbeat to this replica, s (replication stopped). */
    String heartbeatPeriod(double seconds);

    /**
     * Points replication at a source, positioned by GTID (MariaDB: MASTER_USE_GTID=slave_pos).
     *
     * @param host     source address
     * @param port     source port
     * @param user     replication user
     * @param password replication password; only in the statement, never logged
     */
    String changeSource(String host, int port, String user, String password);

    /**
     * A query returning one row, one integer column: 0 when {@code gtidPosition} was applied within
     * {@code timeoutSeconds}, -1 on timeout.
     */
    String waitForGtid(String gtidPosition, double timeoutSeconds);

    /** A query returning read_only, server_id, gtid_domain_id, gtid_binlog_pos, gtid_current_pos, Uptime. */
    String statusQuery();

    /** The name of the column of {@link #showReplicaStatus()} that holds the received GTID position. */
    String receivedGtidColumn();

    /** Quotes a string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\'' -> b.append("''");
                case '\\' -> b.append("\\\\");
                case '\0' -> b.append("\\0");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}
