package io.ringmaster.tools.lint;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Reads what {@link LintRules} needs from one live server: its global variables and two status values, whether it
 * replicates, its user tables that are not InnoDB or have no primary key (from {@code information_schema}), and its
 * clock against ours. Only reads; every statement bounded by the timeout. Stateless, thread-safe.
 */
public final class LintReader {
    /** Variables read (MySQL 8.4's replica/source names are read too and stored under these names). */
    static final List<String> VARIABLES = List.of("server_id", "gtid_domain_id", "log_bin", "log_slave_updates",
            "read_only", "auto_increment_increment", "auto_increment_offset", "binlog_format", "binlog_row_image",
            "gtid_strict_mode", "rpl_semi_sync_master_enabled", "rpl_semi_sync_master_timeout",
            "rpl_semi_sync_master_wait_point", "rpl_semi_sync_slave_enabled", "slave_net_timeout", "version",
            "replicate_do_db", "replicate_ignore_db", "replicate_do_table", "replicate_ignore_table",
            "replicate_wild_do_table", "replicate_wild_ignore_table");
    private static final Map<String, String> MYSQL_NAMES = Map.of("log_replica_updates", "log_slave_updates",
            "replica_net_timeout", "slave_net_timeout", "rpl_semi_sync_source_enabled", "rpl_semi_sync_master_enabled",
            "rpl_semi_sync_source_timeout", "rpl_semi_sync_master_timeout", "rpl_semi_sync_source_wait_point",
            "rpl_semi_sync_master_wait_point", "rpl_semi_sync_replica_enabled", "rpl_semi_sync_slave_enabled");
    private static final String SYSTEM_SCHEMAS = "'mysql','information_schema','performance_schema','sys'";

    private LintReader() {}

    /**
     * Reads one host; a host that cannot be read gives {@link HostFacts#unreadable} with the reason (error code and
     * SQLSTATE), never an exception.
     *
     * @param skipSchema a schema of Ringmaster's own (the heartbeat schema), left out of the table checks
     */
    public static HostFacts read(HostConfig host, Credentials account, Duration timeout, String skipSchema) {
        try (Connection c = Connections.open(host.address(), host.port(), account, timeout);
             Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
            Map<String, String> vars = new HashMap<>();
            List<String> names = new ArrayList<>(VARIABLES);
            names.addAll(MYSQL_NAMES.keySet());
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN ("
                    + names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(",")) + ")")) {
                while (rs.next()) {
                    String n = rs.getString(1).toLowerCase(Locale.ROOT);
                    vars.put(MYSQL_NAMES.getOrDefault(n, n), rs.getString(2) == null ? "" : rs.getString(2));
                }
            }
            OptionalDouble heartbeat = OptionalDouble.empty();
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN "
                    + "('Rpl_semi_sync_master_status', 'Rpl_semi_sync_source_status', 'Slave_heartbeat_period')")) {
                while (rs.next()) {
                    String n = rs.getString(1).toLowerCase(Locale.ROOT);
                    if (n.equals("slave_heartbeat_period")) {
                        heartbeat = parse(rs.getString(2));
                    } else {
                        vars.put("rpl_semi_sync_master_status", rs.getString(2));
                    }
                }
            }
            boolean replicating;
            try (ResultSet rs = st.executeQuery(MariaDbDialect.INSTANCE.showReplicaStatus())) {
                replicating = rs.next();
            }
            if (!replicating) {
                heartbeat = OptionalDouble.empty();
            }
            String skip = SYSTEM_SCHEMAS + ",'" + skipSchema.replace("'", "''") + "'";
            List<String> engines = list(st, "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' (', IFNULL(ENGINE, '?'), "
                    + "')') FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ("
                    + skip + ") AND IFNULL(ENGINE, '') <> 'InnoDB' ORDER BY TABLE_SCHEMA, TABLE_NAME");
            List<String> noPk = list(st, "SELECT CONCAT(t.TABLE_SCHEMA, '.', t.TABLE_NAME) FROM information_schema.TABLES"
                    + " t LEFT JOIN information_schema.TABLE_CONSTRAINTS k ON k.TABLE_SCHEMA = t.TABLE_SCHEMA AND "
                    + "k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_TYPE = 'PRIMARY KEY' WHERE t.TABLE_TYPE = "
                    + "'BASE TABLE' AND t.TABLE_SCHEMA NOT IN (" + skip + ") AND k.CONSTRAINT_NAME IS NULL "
                    + "ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME");
            long before = System.currentTimeMillis();
            long beforeNs = System.nanoTime();
            double server;
            try (ResultSet rs = st.executeQuery("SELECT UNIX_TIMESTAMP(NOW(6)) * 1000")) {
                rs.next();
                server = rs.getDouble(1);
            }
            double mid = before + (System.nanoTime() - beforeNs) / 2e6;
            return new HostFacts(host.name(), Optional.empty(), vars, heartbeat, replicating, engines, noPk,
                    OptionalDouble.of(server - mid));
        } catch (SQLException e) {
            return HostFacts.unreadable(host.name(), SqlErrors.describe(e));
        }
    }

    private static List<String> list(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static OptionalDouble parse(String v) {
        try {
            return v == null ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
