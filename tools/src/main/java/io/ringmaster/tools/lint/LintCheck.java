package io.ringmaster.tools.lint;

/**
 * The checks of {@code ringmaster lint}, each with its code (shown in reports and in the monitor's
 * {@code LintViolation} findings) and the exit bit it sets ({@link LintStatus}). Immutable.
 */
public enum LintCheck {
    UNREACHABLE("unreachable", LintStatus.ERROR, "the host could not be read"),
    LOG_SLAVE_UPDATES("log-slave-updates", LintStatus.REPLICATION,
            "log_slave_updates off on a master of a topology with replicas (they miss the other masters' changes)"),
    SERVER_ID("server-id", LintStatus.REPLICATION, "server_id 0 or shared by two hosts"),
    GTID_DOMAIN_ID("gtid-domain-id", LintStatus.REPLICATION, "two masters share a gtid_domain_id"),
    AUTO_INCREMENT("auto-increment", LintStatus.WRITE_COLLISION,
            "auto_increment_increment/offset of the masters can give the same id twice"),
    READ_ONLY("read-only", LintStatus.REPLICATION, "a passive master or a replica with read_only OFF"),
    BINLOG("binlog", LintStatus.DURABILITY,
            "binary log off, binlog_format not ROW or binlog_row_image not FULL (checksum, sync, PITR need them)"),
    GTID_STRICT_MODE("gtid-strict-mode", LintStatus.REPLICATION, "gtid_strict_mode OFF"),
    SEMI_SYNC("semi-sync", LintStatus.DURABILITY,
            "semi-sync off, or a timeout/no-replica setting that silently falls back to async"),
    DETECTION_TIME("detection-time", LintStatus.DETECTION,
            "slave_net_timeout or the heartbeat period too long for the monitor's detection time"),
    REPLICATION_FILTERS("replication-filters", LintStatus.REPLICATION,
            "replicate_do/ignore filters (the hosts drift apart, failover loses data)"),
    NON_INNODB("non-innodb", LintStatus.TABLES, "tables not in InnoDB (MyISAM is not crash-safe on replicas)"),
    NO_PRIMARY_KEY("no-primary-key", LintStatus.TABLES, "tables without a primary key (no safe chunking or sync)"),
    SERVER_VERSION("server-version", LintStatus.DRIFT, "hosts run different server versions"),
    CLOCK("clock", LintStatus.DRIFT, "host clocks more than 1 s apart");

    private final String code;
    private final LintStatus bit;
    private final String description;

    LintCheck(String code, LintStatus bit, String description) {
        this.code = code;
        this.bit = bit;
        this.description = description;
    }

    /** The code, e.g. {@code non-innodb}. */
    public String code() {
        return code;
    }

    /** The exit bit a violation sets. */
    public LintStatus status() {
        return bit;
    }

    /** What the check looks for, one line. */
    public String description() {
        return description;
    }
}
