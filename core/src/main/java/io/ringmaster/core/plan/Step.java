package io.ringmaster.core.plan;

/**
 * One guarded, time-bounded action of a writer change. The planner produces them; the executor runs them in
 * order and stops at the first mandatory step that fails. Sealed, so a new kind of step does not compile until
 * the executor handles it.
 */
public sealed interface Step {
    /** The host the step acts on. */
    String host();

    /** A line for logs and the audit trail. */
    String describe();

    /**
     * Makes a host unable to take writes: read_only=ON, then client sessions killed.
     *
     * @param bestEffort true when the host is presumed dead, so failure to reach it does not stop the change
     */
    record Fence(String host, boolean bestEffort) implements Step {
        public String describe() {
            return "fence " + host + " (read_only=ON, kill client sessions" + (bestEffort ? ", best effort)" : ")");
        }
    }

    /** Undoes a fence: read_only=OFF on the old writer when a switchover is abandoned. */
    record Unfence(String host) implements Step {
        public String describe() {
            return "unfence " + host + " (read_only=OFF: switchover abandoned)";
        }
    }

    /** Waits, bounded, until {@code host} has applied everything in {@code sourceHost}'s binary log. */
    record CatchUpToSource(String host, String sourceHost) implements Step {
        public String describe() {
            return "wait until " + host + " has applied " + sourceHost + "'s gtid_binlog_pos";
        }
    }

    /**
     * Before a switchover's fence, while the old writer still takes writes: waits, bounded and best effort, until
     * {@code host} has applied what {@code sourceHost} had written when the step began, so that the catch-up behind
     * the fence (when writes are blocked) only covers the lag that is left.
     */
    record ApproachSource(String host, String sourceHost) implements Step {
        public String describe() {
            return "let " + host + " apply " + sourceHost + "'s binary log while writes still flow";
        }
    }

    /** Waits, bounded, until {@code host} has applied what its IO thread already received (Gtid_IO_Pos). */
    record CatchUpRelayLog(String host) implements Step {
        public String describe() {
            return "wait until " + host + " has applied its relay log";
        }
    }

    /**
     * After a failover's relay-log catch-up, fetches from any other host the dead writer's transactions that
     * {@code host} never received (with semi-synchronous replication an acknowledged commit may have reached only
     * one replica): {@code host} replicates by GTID from the most advanced host until it has them, then its own
     * link is put back. Best effort: what cannot be fetched is reported as lost.
     */
    record CatchUpFromPeers(String host, String deadWriter) implements Step {
        public String describe() {
            return "fetch onto " + host + " what other hosts received from " + deadWriter + " and it did not";
        }
    }

    /**
     * Stops a host from applying anything more from {@code fromHost} ({@code STOP SLAVE SQL_THREAD}), before the
     * promotion: the IO thread may hang on a frozen source for up to 3 x slave_net_timeout, the SQL thread stops at
     * once; what the IO thread still receives is never applied and goes when the link is cut after the promotion.
     */
    record StopApplier(String host, String fromHost) implements Step {
        public String describe() {
            return "stop applying on " + host + " what comes from " + fromHost;
        }
    }

    /** Stops replication on a host whose source is gone (the dead writer). */
    record Detach(String host, String fromHost) implements Step {
        public String describe() {
            return "stop replication on " + host + " from " + fromHost;
        }
    }

    /** Points a host at a new source with MASTER_USE_GTID=slave_pos and starts replication. */
    record Repoint(String host, String newSource) implements Step {
        public String describe() {
            return "repoint " + host + " to replicate from " + newSource;
        }
    }

    /** Makes the new writer writable: read_only=OFF. */
    record Promote(String host) implements Step {
        public String describe() {
            return "promote " + host + " (read_only=OFF)";
        }
    }
}
