package io.ringmaster.core.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A planned move of the writer role.
 *
 * @param kind       why the writer moves
 * @param from       the old writer; empty when there was none
 * @param to         the new writer
 * @param steps      the steps, in order
 * @param rollback   steps to run when a mandatory step fails (undo a fence), in order; may be empty
 * @param newSources host to replication source after the change (hosts absent do not replicate)
 */
public record WriterChange(Kind kind, Optional<String> from, String to, List<Step> steps, List<Step> rollback,
                           Map<String, String> newSources) {
    public WriterChange {
        steps = List.copyOf(steps);
        rollback = List.copyOf(rollback);
        newSources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(newSources)); // keeps order
    }

    /** Why the writer moves. */
    public enum Kind {
        /** Planned: the old writer answers; no committed transaction may be lost. */
        SWITCHOVER,
        /** Unplanned: the old writer is gone. */
        FAILOVER,
        /** No writer yet (first start): one is chosen and made writable. */
        INITIAL
    }
}
