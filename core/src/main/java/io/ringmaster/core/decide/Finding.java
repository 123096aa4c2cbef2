package io.ringmaster.core.decide;

import io.ringmaster.core.analysis.ErrantTransactions;
import java.util.List;

/**
 * A problem the monitor reports instead of (or before) acting on it: a closed set of codes, like orchestrator's
 * analysis codes, each with the host it is about and how an operator clears it. Sealed, so that a new code does
 * not compile until every switch over findings handles it. Immutable.
 */
public sealed interface Finding {
    /** A stable code for scripts and alerts, e.g. {@code WriterUnreachable}. */
    default String code() {
        return getClass().getSimpleName();
    }

    /** The host the finding is about, or "" when it is about the cluster or the monitor. */
    String host();

    /** One line for logs, {@code show} and the API. */
    String summary();

    /** What clears it, one line. */
    String howToClear();

    /**
     * The monitor cannot reach the writer, but hosts replicating from it still have a connected IO thread: the
     * writer is probably alive and the problem is between the monitor and it. No failover.
     */
    record WriterUnreachable(String host, List<String> stillConnected) implements Finding {
        public WriterUnreachable {
            stillConnected = List.copyOf(stillConnected);
        }

        public String summary() {
            return "monitor cannot reach writer " + host + " but " + String.join(", ", stillConnected)
                    + " still replicate from it: not failing over (network problem between monitor and writer?)";
        }

        public String howToClear() {
            return "restore the monitor's path to " + host + "; if " + host + " is really gone, its replicas lose it "
                    + "within slave_net_timeout and the failover follows";
        }
    }

    /**
     * The monitor can reach neither the writer nor any host replicating from it: nothing confirms the writer is
     * dead. No automatic failover.
     */
    record WriterUnconfirmed(String host, List<String> silent) implements Finding {
        public WriterUnconfirmed {
            silent = List.copyOf(silent);
        }

        public String summary() {
            return "monitor cannot reach writer " + host + " nor any host replicating from it ("
                    + String.join(", ", silent) + "): cannot confirm it is dead, not failing over";
        }

        public String howToClear() {
            return "restore the monitor's network path; if " + host + " is known dead, force the failover with "
                    + "'ringmaster move-role --force writer HOST'";
        }
    }

    /** An automatic failover is needed but the anti-flap block period of the last one has not passed. */
    record FailoverBlocked(String host, String why) implements Finding {
        public String summary() {
            return "not failing over from " + host + ": " + why;
        }

        public String howToClear() {
            return "look at the last failover (ringmaster recoveries), then run 'ringmaster acknowledge'";
        }
    }

    /** The writer role needs a holder and no master can take it. */
    record NoCandidate(String host, String why) implements Finding {
        public String summary() {
            return "no writer: " + why;
        }

        public String howToClear() {
            return "bring a master back ONLINE (ringmaster set-online HOST) or force one (move-role --force)";
        }
    }

    /** A pre_failover hook vetoed the failover. */
    record FailoverVetoed(String host, String why) implements Finding {
        public String summary() {
            return why;
        }

        public String howToClear() {
            return "fix what the pre_failover hook refuses; the next round asks it again";
        }
    }

    /** A host holds GTIDs the writer lacks: it stays out of every role. */
    record ErrantTransactionsFound(String host, List<ErrantTransactions.Range> ranges) implements Finding {
        public ErrantTransactionsFound {
            ranges = List.copyOf(ranges);
        }

        public String summary() {
            return host + ": errant transactions " + ErrantTransactions.describe(ranges);
        }

        public String howToClear() {
            return "rebuild it from a clean donor: 'ringmaster rebuild " + host + "' (clone, catch-up, checksum, then "
                    + "ONLINE); 'ringmaster errant " + host + "' lists them";
        }
    }

    /** None of the monitor's ping_ips answers: it distrusts its own network and freezes every state. */
    record MonitorNetworkDown(String why) implements Finding {
        public String host() {
            return "";
        }

        public String summary() {
            return why;
        }

        public String howToClear() {
            return "restore the monitor host's network; states move again once a ping_ips target answers";
        }
    }

    /** The monitor was paused, starved or saw its clock jump: the round's observations were dropped. */
    record MonitorPaused(String why) implements Finding {
        public String host() {
            return "";
        }

        public String summary() {
            return why + ": dropping this round's checks and re-checking every host before acting";
        }

        public String howToClear() {
            return "clears by itself at the next round; if it repeats, give the monitor CPU and a steady clock";
        }
    }

    /** A scheduled checksum found tables that differ from the writer's (or could not run). */
    record ChecksumDrift(String key, String summary) implements Finding {
        public String host() {
            return "";
        }

        public String howToClear() {
            return "repair with 'ringmaster sync --table T --to HOST', or rebuild a diverged host with 'ringmaster "
                    + "rebuild HOST'; the next checksum clears it";
        }
    }

    /**
     * The backup schedule ({@code backup.schedule}): a scheduled backup or verify failed, one is overdue, or the
     * newest verification failed.
     *
     * @param key     {@code backup-failed}, {@code verify-failed}, {@code backup-overdue}, ...
     * @param summary one line
     */
    record BackupProblem(String key, String summary) implements Finding {
        public String host() {
            return "";
        }

        public String howToClear() {
            return "see 'ringmaster backups'; take or verify one by hand ('ringmaster backup', 'ringmaster backup "
                    + "verify ID'); the next scheduled run that succeeds clears it";
        }
    }

    // ---- issue 9 item 6: a cluster without a writer, a topology that does not match the state -----------------

    /**
     * The cluster has no writer at the end of a round and no writer change is under way: why, which host holds the
     * most of each GTID domain (its {@code gtid_current_pos}, or the last one seen when it does not answer), and the
     * command that would restore service.
     *
     * @param host          the host the command acts on, "" when none
     * @param why           why no writer was chosen, one line
     * @param mostPerDomain GTID domain to the host(s) holding the most of it and their position, e.g.
     *                      {@code "db1 (1-1-12)"}; may be empty when no host was ever seen
     * @param command       the command that would restore service, e.g. {@code ringmaster set-online db1}
     */
    record NoWriter(String host, String why, java.util.Map<Long, String> mostPerDomain, String command)
            implements Finding {
        public NoWriter {
            mostPerDomain = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(mostPerDomain));
        }

        public String summary() {
            StringBuilder b = new StringBuilder("no writer: ").append(why).append("; most transactions:");
            if (mostPerDomain.isEmpty()) {
                b.append(" unknown (no host seen yet)");
            }
            mostPerDomain.forEach((d, h) -> b.append(" domain ").append(d).append(' ').append(h).append(';'));
            if (b.charAt(b.length() - 1) == ';') {
                b.setLength(b.length() - 1);
            }
            return b.toString();
        }

        public String howToClear() {
            return "restore service with '" + command + "'";
        }
    }

    // ---- least privilege (issue 9, item 2)

    /** The monitor account lacks privileges on a host for something the monitor may have to do there. */
    record MissingPrivilege(io.ringmaster.core.privilege.PrivilegeGap gap) implements Finding {
        public String host() {
            return gap.host();
        }

        public String summary() {
            return "missing privilege: " + gap.describe();
        }

        public String howToClear() {
            return "on " + gap.host() + ": " + String.join("; ", gap.grants())
                    + " (see 'ringmaster grants'); the monitor checks again every few minutes";
        }
    }

    /**
     * At start-up a host replicates from somewhere else than the state says, and the monitor cannot repair it now
     * (the source the state names does not answer or is not ONLINE).
     *
     * @param host     the replica
     * @param observed the host it replicates from now ("" when it replicates from nobody or an unknown server)
     * @param expected the source the state names
     */
    record TopologyMismatch(String host, String observed, String expected, String why) implements Finding {
        public String summary() {
            return host + " replicates from " + (observed.isEmpty() ? "nobody known" : observed) + ", the state says "
                    + expected + ": " + why;
        }

        public String howToClear() {
            return "bring " + expected + " back ONLINE (the monitor then repoints " + host + "), or repoint " + host
                    + " by hand";
        }
    }

    /**
     * A writer change was planned and refused before its first step: the monitor lacks a privilege that one of its
     * steps needs, so it would stop half way (for example at RESET SLAVE ALL, error 1227, with no writer).
     */
    record WriterChangeRefused(String host, String why) implements Finding {
        public String summary() {
            return why;
        }

        public String howToClear() {
            return "grant the missing privileges (the MissingPrivilege findings give the GRANT statements); the next "
                    + "round plans the change again";
        }
    }

    /**
     * The binlog archive (issue 11) has a gap, or its archiver is stalled (the stream is down or no longer advances
     * while the writer does): a point-in-time recovery past that point would be refused.
     *
     * @param key     {@code archive-gap} or {@code archive-stalled}
     * @param summary one line with the gap's range or the stall's cause
     */
    record ArchiveProblem(String key, String summary) implements Finding {
        public String host() {
            return "";
        }

        public String howToClear() {
            return key.equals("archive-gap") ? "take a new full backup (PITR works from backups after the gap); "
                    + "'ringmaster archive status' shows the range covered"
                    : "check the writer's binary logs and the replication account's REPLICATION SLAVE grant; "
                    + "'ringmaster archive status' shows the last error";
        }
    }

    /**
     * {@code ringmaster lint}'s checks, which the monitor runs every {@code monitor.lint_period}, found a setting or a
     * table on a host that will hurt later (log_slave_updates off on a master with replicas, a MyISAM table...).
     *
     * @param host    the host ("" for the cluster)
     * @param check   the lint check's code, e.g. {@code non-innodb}
     * @param problem what is wrong, one line
     * @param fix     the exact fix, one line
     */
    record LintViolation(String host, String check, String problem, String fix) implements Finding {
        public String summary() {
            return "lint " + check + (host.isEmpty() ? "" : " on " + host) + ": " + problem;
        }

        public String howToClear() {
            return fix + " (the next lint run clears it)";
        }
    }
}
