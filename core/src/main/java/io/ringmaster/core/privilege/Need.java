package io.ringmaster.core.privilege;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Something Ringmaster does on a server that needs privileges: the unit in which missing privileges are reported
 * ("db2 lacks RELOAD for: cut a link to a dead writer"). {@link PrivilegeRequirements} maps (version, need) to
 * privileges.
 */
public enum Need {
    /** Every check: SHOW SLAVE STATUS and the heartbeat read. */
    CHECK(Account.MONITOR, "monitor checks (SHOW SLAVE STATUS, read the heartbeat table)"),
    /** The writer's heartbeat (and bootstrap's marker). */
    HEARTBEAT(Account.MONITOR, "write the heartbeat on the writer (CREATE, REPLACE INTO the heartbeat table)"),
    /** SET GLOBAL read_only, both ways. */
    READ_ONLY(Account.MONITOR, "fence a writer and promote a new one (SET GLOBAL read_only)"),
    /** Seeing and killing other users' sessions when fencing. */
    KILL_SESSIONS(Account.MONITOR, "cut a fenced writer's client sessions (see them in PROCESSLIST, KILL CONNECTION)"),
    /** SHOW SLAVE STATUS before waiting for a relay log to be applied. */
    CATCH_UP(Account.MONITOR, "catch up before a promotion (SHOW SLAVE STATUS, MASTER_GTID_WAIT)"),
    /** STOP SLAVE SQL_THREAD. */
    STOP_APPLIER(Account.MONITOR, "stop applying from a dead writer (STOP SLAVE SQL_THREAD)"),
    /** STOP SLAVE, CHANGE MASTER, START SLAVE. */
    REPOINT(Account.MONITOR, "move a replication link (STOP SLAVE, CHANGE MASTER TO, START SLAVE)"),
    /** STOP SLAVE, RESET SLAVE ALL. */
    DETACH(Account.MONITOR, "cut a link to a dead writer (STOP SLAVE, RESET SLAVE ALL)"),
    /** Fetching a dead writer's transactions from a peer: a temporary link, then RESET SLAVE ALL. */
    FETCH_FROM_PEERS(Account.MONITOR, "fetch a dead writer's transactions from a peer (CHANGE MASTER TO, "
            + "START SLAVE, RESET SLAVE ALL)"),
    /** Bootstrap: SET GLOBAL gtid_domain_id. */
    SET_DOMAIN_ID(Account.BOOTSTRAP, "bootstrap: give each master its own gtid_domain_id (SET GLOBAL gtid_domain_id)"),
    /** Bootstrap: SET GLOBAL auto_increment_increment/offset. */
    SET_AUTO_INCREMENT(Account.BOOTSTRAP, "bootstrap: space auto-increment values (SET GLOBAL auto_increment_*)"),
    /** Bootstrap: replica-side settings. */
    SET_REPLICA_SETTINGS(Account.BOOTSTRAP, "bootstrap: replica settings (SET GLOBAL gtid_strict_mode, "
            + "slave_net_timeout, rpl_semi_sync_slave_enabled)"),
    /** Bootstrap: semi-synchronous replication on masters. */
    SET_SEMI_SYNC_MASTER(Account.BOOTSTRAP, "bootstrap: semi-synchronous masters (SET GLOBAL rpl_semi_sync_master_*)"),
    /** Bootstrap: the replication account, created without binary logging. */
    CREATE_REPLICATION_USER(Account.BOOTSTRAP, "bootstrap: create the replication user unlogged (SET SESSION "
            + "sql_log_bin=0, CREATE USER, GRANT REPLICATION SLAVE)"),
    /** Bootstrap: reading each host's own transactions to tell account changes from data. */
    READ_HISTORY(Account.BOOTSTRAP, "bootstrap: inspect existing binary log history (SHOW BINARY LOGS, "
            + "SHOW BINLOG EVENTS)"),
    /** The binlog archive (backup.archive): list the writer's binary logs; the stream itself logs in as replication. */
    ARCHIVE(Account.ARCHIVE, "binlog archive: find where to resume on the writer (SHOW BINARY LOGS, SHOW MASTER "
            + "STATUS; the stream logs in as the replication account)"),
    /** The replication account's IO thread. */
    REPLICATE(Account.REPLICATION, "replicas read the binary log (the IO thread's connection)"),
    /** A clone's donor: mariadb-backup --backup --stream through the agent (BACKUP STAGE, SHOW MASTER STATUS). */
    CLONE_DONOR(Account.AGENT, "clone from this host (mariadb-backup --backup: BACKUP STAGE, the processlist, "
            + "SHOW MASTER STATUS)"),
    /** A clone's donor that is a replica: --safe-slave-backup --slave-info. */
    CLONE_DONOR_REPLICA(Account.AGENT, "clone from this replica (mariadb-backup --safe-slave-backup --slave-info: "
            + "SHOW SLAVE STATUS, STOP and START SLAVE SQL_THREAD)"),
    /** A cloned host joining replication from its copy's position. */
    CLONE_TARGET(Account.AGENT, "clone onto this host (STOP SLAVE, RESET SLAVE ALL, RESET MASTER, SET GLOBAL "
            + "gtid_binlog_state and gtid_slave_pos, CHANGE MASTER TO, START SLAVE, SHOW SLAVE STATUS)");

    /** Which configured account needs it. */
    public enum Account {
        /** The monitor account, for the monitor's work. */
        MONITOR,
        /** The monitor account, for bootstrap only (bootstrap acts as the monitor account). */
        BOOTSTRAP,
        /** The replication account. */
        REPLICATION,
        /** The monitor account, when the monitor keeps the binlog archive ({@code backup.archive}). */
        ARCHIVE,
        /** The monitor account, as the agents use it on their own server for clone and rebuild. */
        AGENT
    }

    private final Account account;
    private final String description;

    Need(Account account, String description) {
        this.account = account;
        this.description = description;
    }

    /** Which account needs it. */
    public Account account() {
        return account;
    }

    /** What it is for, one line, naming the statements. */
    public String description() {
        return description;
    }

    /** Every need of an account, in declaration order. */
    public static List<Need> of(Account account) {
        return java.util.Arrays.stream(values()).filter(n -> n.account == account).toList();
    }

    /**
     * The need behind one statement bootstrap runs, from its text; empty for statements that need no privilege
     * beyond a login (SELECT of variables, SET SESSION of ordinary variables).
     */
    public static Optional<Need> ofStatement(String sql) {
        String s = sql.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (s.startsWith("SET GLOBAL GTID_DOMAIN_ID")) {
            return Optional.of(SET_DOMAIN_ID);
        }
        if (s.startsWith("SET GLOBAL AUTO_INCREMENT")) {
            return Optional.of(SET_AUTO_INCREMENT);
        }
        if (s.startsWith("SET GLOBAL GTID_STRICT_MODE") || s.startsWith("SET GLOBAL SLAVE_NET_TIMEOUT")
                || s.startsWith("SET GLOBAL RPL_SEMI_SYNC_SLAVE") || s.startsWith("CHANGE MASTER TO MASTER_HEARTBEAT")) {
            return Optional.of(SET_REPLICA_SETTINGS);
        }
        if (s.startsWith("SET GLOBAL RPL_SEMI_SYNC_MASTER")) {
            return Optional.of(SET_SEMI_SYNC_MASTER);
        }
        if (s.startsWith("SET GLOBAL READ_ONLY")) {
            return Optional.of(READ_ONLY);
        }
        if (s.startsWith("SET SESSION SQL_LOG_BIN") || s.startsWith("CREATE USER") || s.startsWith("ALTER USER")
                || s.startsWith("GRANT ")) {
            return Optional.of(CREATE_REPLICATION_USER);
        }
        if (s.startsWith("STOP SLAVE") || s.startsWith("START SLAVE") || s.startsWith("CHANGE MASTER")) {
            return Optional.of(REPOINT);
        }
        if (s.startsWith("RESET SLAVE")) {
            return Optional.of(DETACH);
        }
        if (s.startsWith("CREATE DATABASE") || s.startsWith("CREATE TABLE") || s.startsWith("REPLACE INTO")) {
            return Optional.of(HEARTBEAT);
        }
        return Optional.empty();
    }
}
