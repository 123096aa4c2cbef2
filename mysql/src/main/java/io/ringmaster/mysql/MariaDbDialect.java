package io.ringmaster.mysql;

import java.util.Locale;

/**
 * MariaDB 10.6+ syntax (tested on 10.11 and 11.4). See https://mariadb.com/kb/en/change-master-to/ and
 * https://mariadb.com/kb/en/master_gtid_wait/. Stateless and thread-safe.
 */
public final class MariaDbDialect implements Dialect {
    /** The shared instance. */
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {}

    @Override
    public String showReplicaStatus() {
        return "SHOW SLAVE STATUS";
    }

    @Override
    public String stopReplica() {
        return "STOP SLAVE";
    }

    @Override
    public String stopApplier() {
        return "STOP SLAVE SQL_THREAD";
    }

    @Override
    public String startReplica() {
        return "START SLAVE";
    }

    @Override
    public String resetReplicaAll() {
        return "RESET SLAVE ALL";
    }

    @Override
    public String heartbeatPeriod(double seconds) {
        return "CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = " + String.format(Locale.ROOT, "%.3f", seconds);
    }

    @Override
    public String changeSource(String host, int port, String user, String password) {
        return "CHANGE MASTER TO MASTER_HOST=" + Dialect.quote(host) + ", MASTER_PORT=" + port
                + ", MASTER_USER=" + Dialect.quote(user) + ", MASTER_PASSWORD=" + Dialect.quote(password)
                + ", MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos";
    }

    @Override
    public String waitForGtid(String gtidPosition, double timeoutSeconds) {
        return "SELECT MASTER_GTID_WAIT(" + Dialect.quote(gtidPosition) + ", "
                + String.format(Locale.ROOT, "%.3f", timeoutSeconds) + ")";
    }

    @Override
    public String statusQuery() {
        return "SELECT @@global.read_only, @@global.server_id, @@global.gtid_domain_id, @@global.gtid_binlog_pos, "
                + "@@global.gtid_current_pos, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                + "WHERE VARIABLE_NAME = 'UPTIME')";
    }

    @Override
    public String receivedGtidColumn() {
        return "Gtid_IO_Pos";
    }
}
