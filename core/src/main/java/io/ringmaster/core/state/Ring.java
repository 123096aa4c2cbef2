package io.ringmaster.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The intended replication ring of the masters and who is cut out of it now. Each master replicates from the
 * previous member in {@code order} and feeds the next one (a pair: each from the other). When a master dies the
 * monitor closes the ring around it and records it in {@code outOfRing}; it stays out (also once it is back and
 * waits in AWAITING_RECOVERY) until {@code set-online} and the rejoin that follows put it back at its place.
 * Persisted with the rest of the {@link ClusterState}. Immutable and thread-safe.
 *
 * @param order     the masters in ring order (configuration order when first created), never null; empty in a state
 *                  saved before rings were kept, in which case callers use the configuration's order
 * @param outOfRing masters the ring was closed around, in the order they left, never null
 */
public record Ring(List<String> order, List<String> outOfRing) {
    /** No ring recorded (a state saved by an older monitor). */
    public static final Ring NONE = new Ring(List.of(), List.of());

    public Ring {
        order = order == null ? List.of() : List.copyOf(order);
        outOfRing = outOfRing == null ? List.of() : List.copyOf(outOfRing);
    }

    /** A whole ring of these masters, in this order. */
    public static Ring of(List<String> masters) {
        return new Ring(masters, List.of());
    }

    /** True when the ring was closed around {@code host} and it has not been put back. */
    public boolean isOut(String host) {
        return outOfRing.contains(host);
    }

    /** This ring with {@code host} cut out (no change when it is out already). */
    public Ring cutOut(String host) {
        if (isOut(host)) {
            return this;
        }
        List<String> out = new ArrayList<>(outOfRing);
        out.add(host);
        return new Ring(order, out);
    }

    /** This ring with {@code host} back at its place. */
    public Ring putBack(String host) {
        return new Ring(order, outOfRing.stream().filter(h -> !h.equals(host)).toList());
    }

    /**
     * The nearest member before {@code host} in ring order that is not out of the ring and passes {@code live}.
     *
     * @return empty when there is none but {@code host} itself, or {@code host} is not in the ring
     */
    public Optional<String> upstreamOf(String host, Predicate<String> live) {
        return walk(host, -1, live);
    }

    /** The nearest member after {@code host} in ring order that is not out of the ring and passes {@code live}. */
    public Optional<String> downstreamOf(String host, Predicate<String> live) {
        return walk(host, 1, live);
    }

    private Optional<String> walk(String host, int direction, Predicate<String> live) {
        int i = order.indexOf(host);
        int n = order.size();
        if (i < 0) {
            return Optional.empty();
        }
        for (int k = 1; k < n; k++) {
            String m = order.get(((i + direction * k) % n + n) % n);
            if (!isOut(m) && live.test(m)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
