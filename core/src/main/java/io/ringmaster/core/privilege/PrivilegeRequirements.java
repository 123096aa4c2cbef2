package io.ringmaster.core.privilege;

import io.ringmaster.core.plan.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Which privileges each {@link Need} takes on a given server version: a pure table, checked against MariaDB
 * 10.11's own errors ({@code 1227 ... you need (at least one of) the RELOAD privilege(s)}) and the privilege pages
 * of https://mariadb.com/kb/en/grant/:
 * <ul>
 *   <li>MariaDB 10.5.2 split SUPER into BINLOG ADMIN, BINLOG MONITOR (the new name of REPLICATION CLIENT),
 *       CONNECTION ADMIN, READ_ONLY ADMIN, REPLICATION MASTER ADMIN, REPLICATION SLAVE ADMIN, ...; before it, SUPER
 *       covers them and SHOW SLAVE STATUS needs REPLICATION CLIENT;</li>
 *   <li>10.5.2 to 10.5.8: SHOW SLAVE STATUS needs REPLICATION SLAVE ADMIN; from 10.5.9 SLAVE MONITOR;</li>
 *   <li>RESET SLAVE needs RELOAD in every version (on 10.11 RELOAD alone runs RESET SLAVE ALL);</li>
 *   <li>seeing other users' sessions in PROCESSLIST needs PROCESS (without it the fence silently finds nothing
 *       to kill), and KILL of them CONNECTION ADMIN (SUPER before 10.5.2);</li>
 *   <li>SET GLOBAL auto_increment_increment needs SUPER even on 10.11 (no split privilege covers it);</li>
 *   <li>MASTER_GTID_WAIT and reading @@gtid_* need nothing;</li>
 *   <li>clone (checked on 10.11.19, one privilege removed at a time): mariadb-backup --backup --stream needs RELOAD
 *       and PROCESS (it stops at start without them) and BINLOG MONITOR (SHOW MASTER STATUS at its end); not LOCK
 *       TABLES (BACKUP STAGE takes RELOAD); on a replica --slave-info adds SLAVE MONITOR and --safe-slave-backup
 *       REPLICATION SLAVE ADMIN (STOP SLAVE SQL_THREAD). The target: SET GLOBAL gtid_binlog_state needs REPLICATION
 *       MASTER ADMIN (or SUPER), gtid_slave_pos REPLICATION SLAVE ADMIN, RESET MASTER and RESET SLAVE ALL RELOAD.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class PrivilegeRequirements {
    /** The read_only privilege; from 10.11.0 SUPER no longer covers it (MDEV-29596). */
    public static final String READ_ONLY_ADMIN = "READ_ONLY ADMIN";

    private PrivilegeRequirements() {}

    /**
     * The privileges {@code need} takes on {@code version}.
     *
     * @param heartbeatSchema the schema of the heartbeat table (privileges on it are schema-level)
     * @return never empty, in the order they are best granted
     */
    public static List<Privilege> required(ServerVersion version, Need need, String heartbeatSchema) {
        boolean split = version.atLeast(10, 5, 2);
        String slaveAdmin = split ? "REPLICATION SLAVE ADMIN" : "SUPER";
        String masterAdmin = split ? "REPLICATION MASTER ADMIN" : "SUPER";
        String slaveStatus = version.atLeast(10, 5, 9) ? "SLAVE MONITOR"
                : split ? "REPLICATION SLAVE ADMIN" : "REPLICATION CLIENT";
        List<Privilege> p = new ArrayList<>();
        switch (need) {
            case CHECK -> {
                p.add(Privilege.global(slaveStatus));
                p.add(Privilege.onSchema("SELECT", heartbeatSchema));
            }
            case HEARTBEAT -> {
                p.add(Privilege.onSchema("CREATE", heartbeatSchema));
                p.add(Privilege.onSchema("INSERT", heartbeatSchema));
                p.add(Privilege.onSchema("DELETE", heartbeatSchema));
            }
            case READ_ONLY -> p.add(Privilege.global(split ? READ_ONLY_ADMIN : "SUPER"));
            case KILL_SESSIONS -> {
                p.add(Privilege.global("PROCESS"));
                p.add(Privilege.global(split ? "CONNECTION ADMIN" : "SUPER"));
            }
            case CATCH_UP -> p.add(Privilege.global(slaveStatus));
            case STOP_APPLIER, REPOINT, SET_REPLICA_SETTINGS -> p.add(Privilege.global(slaveAdmin));
            case DETACH -> {
                p.add(Privilege.global(slaveAdmin));
                p.add(Privilege.global("RELOAD"));
            }
            case FETCH_FROM_PEERS -> {
                p.add(Privilege.global(slaveAdmin));
                p.add(Privilege.global("RELOAD"));
                p.add(Privilege.global(slaveStatus));
            }
            case SET_DOMAIN_ID, SET_SEMI_SYNC_MASTER -> p.add(Privilege.global(masterAdmin));
            case SET_AUTO_INCREMENT -> p.add(Privilege.global("SUPER"));
            case CREATE_REPLICATION_USER -> {
                p.add(Privilege.global("CREATE USER"));
                p.add(Privilege.global(split ? "BINLOG ADMIN" : "SUPER"));
                p.add(Privilege.global("REPLICATION SLAVE"));
                p.add(Privilege.global(HeldPrivileges.GRANT_OPTION));
            }
            case READ_HISTORY -> p.add(Privilege.global(split ? "BINLOG MONITOR" : "REPLICATION SLAVE"));
            case REPLICATE -> p.add(Privilege.global("REPLICATION SLAVE"));
            case ARCHIVE -> p.add(Privilege.global(split ? "BINLOG MONITOR" : "REPLICATION CLIENT"));
            case CLONE_DONOR -> {
                p.add(Privilege.global("RELOAD"));
                p.add(Privilege.global("PROCESS"));
                p.add(Privilege.global(split ? "BINLOG MONITOR" : "REPLICATION CLIENT"));
            }
            case CLONE_DONOR_REPLICA -> {
                p.add(Privilege.global(slaveStatus));
                p.add(Privilege.global(slaveAdmin));
            }
            case CLONE_TARGET -> {
                p.add(Privilege.global(slaveAdmin));
                p.add(Privilege.global("RELOAD"));
                p.add(Privilege.global(masterAdmin));
                p.add(Privilege.global(slaveStatus));
            }
        }
        return List.copyOf(p.stream().distinct().toList());
    }

    /** What {@code required} lacks in {@code held}, in the same order; empty when nothing is missing. */
    public static List<Privilege> missing(ServerVersion version, Need need, String heartbeatSchema,
                                          HeldPrivileges held) {
        return required(version, need, heartbeatSchema).stream().filter(p -> !held.has(p, version)).toList();
    }

    /**
     * The needs of one writer-change step on its host. A promotion also fences any other host it finds writable,
     * which is that host's {@link Need#READ_ONLY} and {@link Need#KILL_SESSIONS}, checked as part of every fence.
     */
    public static List<Need> needsOf(Step step) {
        return switch (step) {
            case Step.Fence f -> List.of(Need.READ_ONLY, Need.KILL_SESSIONS);
            case Step.Unfence u -> List.of(Need.READ_ONLY);
            case Step.ApproachSource a -> List.of();
            case Step.CatchUpToSource c -> List.of();
            case Step.CatchUpRelayLog c -> List.of(Need.CATCH_UP);
            case Step.CatchUpFromPeers c -> List.of(Need.FETCH_FROM_PEERS);
            case Step.StopApplier s -> List.of(Need.STOP_APPLIER);
            case Step.Detach d -> List.of(Need.DETACH);
            case Step.Repoint r -> List.of(Need.REPOINT);
            case Step.Promote p -> List.of(Need.READ_ONLY);
        };
    }
}
