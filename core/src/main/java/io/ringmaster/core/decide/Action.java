package io.ringmaster.core.decide;

import io.ringmaster.core.plan.RingChange;
import io.ringmaster.core.plan.WriterChange;

/**
 * One thing the monitor must do to the servers after a round's decision, in the decision's order. Sealed, so the
 * executor handles every kind. Each says what its failure means for the actions after it ({@link #onFailure()}).
 */
public sealed interface Action {
    /** What a failed action means for the actions that follow it in the same decision. */
    enum OnFailure {
        /** Log it and go on: a later round tries again. */
        GO_ON,
        /** No later action that makes a host writable may run (invariant 1: fenced before another is writable). */
        NO_WRITABLE_AFTER
    }

    /** The host acted on. */
    String host();

    /** Why, for the log and the audit. */
    String reason();

    /** What its failure means for the actions after it. */
    OnFailure onFailure();

    /** Moves the writer role: a failover, switchover or first promotion, run step by step by the executor. */
    record ChangeWriter(WriterChange change, String reason) implements Action {
        public String host() {
            return change.to();
        }

        public OnFailure onFailure() {
            return OnFailure.GO_ON;
        }
    }

    /**
     * Closes the masters' ring around a master that died, or puts a returning master back into it (issue 9), run
     * step by step and audited by the executor, which commits each moved source and, when the mandatory steps
     * succeeded, the new ring record.
     */
    record ChangeRing(RingChange change, String reason) implements Action {
        public String host() {
            return change.host();
        }

        public OnFailure onFailure() {
            return OnFailure.GO_ON;
        }
    }

    /** read_only=ON and client sessions killed on a host that must not take writes. */
    record Fence(String host, String reason) implements Action {
        public OnFailure onFailure() {
            return OnFailure.NO_WRITABLE_AFTER;
        }
    }

    /** read_only=OFF on the writer, which is read_only. */
    record MakeWritable(String host, String reason) implements Action {
        public OnFailure onFailure() {
            return OnFailure.GO_ON;
        }
    }

    /**
     * Points {@code host} at {@code source} by GTID and starts replication; on success the executor records the new
     * source in the state.
     */
    record Repoint(String host, String source, String reason) implements Action {
        public OnFailure onFailure() {
            return OnFailure.GO_ON;
        }
    }

    /** Writes the writer's heartbeat row (server_id {@code serverId}, the monitor's clock in microseconds). */
    record WriteHeartbeat(String host, long serverId) implements Action {
        public String reason() {
            return "heartbeat";
        }

        public OnFailure onFailure() {
            return OnFailure.GO_ON;
        }
    }

    /**
     * Stops replication on {@code host} from {@code source} and forgets the link ({@code STOP SLAVE; RESET SLAVE
     * ALL}): a writer adopted at start-up must not replicate from a host that is not ONLINE (a dead old writer's
     * binary log would flow into it when it came back). On success the executor removes {@code host}'s source from
     * the state; the ring is healed later, once {@code source} is ONLINE again.
     */
    record Detach(String host, String source, String reason) implements Action {
        public OnFailure onFailure() {
            return OnFailure.GO_ON;
        }
    }
}
