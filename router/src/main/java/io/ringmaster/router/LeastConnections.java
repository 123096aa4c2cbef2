package io.ringmaster.router;

import io.ringmaster.core.routing.RouteTable.Backend;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Least-connections choice for balanced roles: the holder with the fewest open connections; among equals, the one
 * a rotating counter points at, so equal hosts take turns instead of the first always winning.
 *
 * <p>Pure and stateless; thread-safe.
 */
public final class LeastConnections {
    private LeastConnections() {}

    /**
     * Chooses a backend.
     *
     * @param candidates the eligible holders, in route-table order; may be empty
     * @param open       open connections of a backend now (any non-negative count; read once per candidate)
     * @param turn       a counter that grows by one per choice (any value, negative wraps safely)
     * @return the chosen backend, empty when there is no candidate
     */
    public static Optional<Backend> choose(List<Backend> candidates, ToIntFunction<Backend> open, long turn) {
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        int n = candidates.size();
        int[] counts = new int[n];
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            counts[i] = open.applyAsInt(candidates.get(i));
            min = Math.min(min, counts[i]);
        }
        int ties = 0;
        for (int c : counts) {
            if (c == min) {
                ties++;
            }
        }
        int pick = (int) Math.floorMod(turn, (long) ties);
        for (int i = 0; i < n; i++) {
            if (counts[i] == min && pick-- == 0) {
                return Optional.of(candidates.get(i));
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
