package io.ringmaster.core.plan;

/**
 * One time-bounded action of a {@link RingChange}. Sealed, so the executor handles every kind.
 */
public sealed interface RingStep {
    /** The host the step acts on. */
    String host();

    /** A line for logs and the audit trail. */
    String describe();

    /** True when its failure stops the change (the steps after it are not run). */
    boolean mandatory();

    /**
     * Waits, bounded by the catch-up timeout, until {@code host} has applied what its IO thread already received
     * from the dead master (its relay log). Best effort: what it did not apply, its new source sends again.
     */
    record CatchUpRelayLog(String host) implements RingStep {
        public String describe() {
            return "wait until " + host + " has applied its relay log";
        }

        public boolean mandatory() {
            return false;
        }
    }

    /**
     * Moves {@code host} under {@code newSource} without a gap: stops its applier, waits (bounded) until
     * {@code newSource} has applied {@code host}'s gtid_current_pos, then points it there with
     * MASTER_USE_GTID=slave_pos and starts replication. When the wait fails, {@code host}'s replication is started
     * again as it was.
     *
     * @param mandatory true for a master that closes or reopens the ring, false for a replica
     */
    record MoveUnder(String host, String newSource, boolean mandatory) implements RingStep {
        public String describe() {
            return "move " + host + " under " + newSource + " (once " + newSource + " has what " + host + " has)";
        }
    }

    /** Points a returning master at its upstream with MASTER_USE_GTID=slave_pos and starts replication. */
    record Repoint(String host, String newSource) implements RingStep {
        public String describe() {
            return "repoint " + host + " to replicate from " + newSource;
        }

        public boolean mandatory() {
            return true;
        }
    }

    /** Stops replication on {@code host} for good: its source {@code fromHost} is gone and nobody replaces it. */
    record Detach(String host, String fromHost) implements RingStep {
        public String describe() {
            return "stop replication on " + host + " from " + fromHost;
        }

        public boolean mandatory() {
            return true;
        }
    }
}
