package io.ringmaster.router;

import io.ringmaster.core.routing.RouteTable;
import io.ringmaster.core.routing.RouteTable.Backend;
import java.util.List;
import java.util.Objects;

/**
 * Where one listener may send connections right now: the backends, or none and why. Computed by a pure function of
 * the route table, the listener and the writer lease; immutable.
 *
 * @param backends the allowed backends, in route-table order; empty while connections must be held
 * @param reason   why there is no backend (for the refusal message and the counters); empty when there are backends
 */
public record Destinations(List<Backend> backends, String reason) {
    public Destinations {
        backends = List.copyOf(backends);
        Objects.requireNonNull(reason, "reason");
    }

    /** Nothing yet: the router has not received a route table. */
    public static final Destinations NONE = new Destinations(List.of(), "the router has no route table yet");

    /** True when connections can be forwarded. */
    public boolean routable() {
        return !backends.isEmpty();
    }

    /** True when {@code b} is one of the allowed backends. */
    public boolean allows(Backend b) {
        return backends.contains(b);
    }

    /**
     * The destinations of a listener.
     *
     * @param listener   the listener
     * @param table      the latest route table, never null
     * @param exclusive  true when the listener's role is the exclusive (writer) role
     * @param leaseValid false when a standalone router's writer lease ran out (the exclusive role then has nobody)
     * @param silentMs   how long the monitor has been silent, for the reason (ignored while the lease is valid);
     *                   negative before the first answer
     */
    public static Destinations of(RouterConfig.Listener listener, RouteTable table, boolean exclusive,
                                  boolean leaseValid, long silentMs) {
        String role = listener.role();
        if (exclusive) {
            if (!leaseValid && silentMs < 0) {
                return new Destinations(List.of(), "no writer available: no answer from the monitor yet");
            }
            if (!leaseValid) {
                return new Destinations(List.of(), "no writer available: no news from the monitor for "
                        + silentMs + " ms (the writer lease ran out)");
            }
            if (table.writerChanging()) {
                return new Destinations(List.of(), "no writer available: a writer change (failover or switchover)"
                        + " is in progress");
            }
            List<Backend> holder = table.holders(role);
            if (holder.isEmpty()) {
                return new Destinations(List.of(), "no writer available: no host holds role '" + role + "'");
            }
            return new Destinations(holder.subList(0, 1), "");
        }
        List<Backend> holders = table.holders(role);
        if (!listener.hosts().isEmpty()) {
            holders = holders.stream().filter(b -> listener.hosts().contains(b.host())).toList();
        }
        if (holders.isEmpty()) {
            return new Destinations(List.of(), "no ONLINE host holds role '" + role + "'"
                    + (listener.hosts().isEmpty() ? "" : " among " + String.join(", ", listener.hosts())));
        }
        return new Destinations(holders, "");
    }
}
