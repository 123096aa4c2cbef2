package io.ringmaster.core.plan;

import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.Ring;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A planned change of the masters' ring that is not a writer change: closing it around a master that died, or
 * putting a master that came back into its old place. Immutable.
 *
 * @param kind       close or rejoin
 * @param host       the master the ring closes around, or the one that rejoins
 * @param steps      the steps, in order
 * @param newSources host to replication source for the hosts the steps move (only those); "" for a host that
 *                   replicates from nobody afterwards
 * @param newRing    the ring record once the change is done
 */
public record RingChange(Kind kind, String host, List<RingStep> steps, Map<String, String> newSources,
                         Ring newRing) {
    public RingChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        steps = List.copyOf(steps);
        newSources = Collections.unmodifiableMap(new LinkedHashMap<>(newSources));
        Objects.requireNonNull(newRing, "newRing");
    }

    /** What the change does. */
    public enum Kind {
        /** A master that is not the writer died: its downstream master reads from its upstream, its replicas move. */
        CLOSE,
        /** A master the ring was closed around is ONLINE again: it goes back between its upstream and downstream. */
        REJOIN
    }

    /** {@code state} once every step succeeded: the moved sources and the new ring record. */
    public ClusterState applyTo(ClusterState state) {
        return withSource(state, newSources.keySet()).withRing(newRing);
    }

    /** {@code state} with the new sources of {@code hosts} only (the steps that moved them succeeded). */
    public ClusterState withSource(ClusterState state, java.util.Collection<String> hosts) {
        Map<String, String> sources = new LinkedHashMap<>(state.sources());
        for (String h : hosts) {
            String src = newSources.get(h);
            if (src == null) {
                continue;
            }
            if (src.isEmpty()) {
                sources.remove(h);
            } else {
                sources.put(h, src);
            }
        }
        return state.withSources(sources);
    }

    /** One line for logs and the audit. */
    public String describe() {
        return (kind == Kind.CLOSE ? "close the ring around " : "put back into the ring: ") + host;
    }
}
