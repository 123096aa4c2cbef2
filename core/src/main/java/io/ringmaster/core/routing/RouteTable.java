package io.ringmaster.core.routing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds each role right now, as routers need it: the monitor publishes a new table whenever a holder
 * changes, and also the moment a writer change starts (with no writer and {@code writerChanging} set), so a
 * router stops sending writes to the old writer before it is fenced and holds new writer connections until the
 * new writer is writable.
 *
 * @param version        increases by one at every publication (for long-polling: "give me a newer one")
 * @param epoch          the cluster's writer epoch; a table with a lower epoch is stale (fencing token)
 * @param issued         when the monitor published it (the writer's lease is counted from here)
 * @param writerChanging a failover or switchover is running: hold writer connections, do not refuse them yet
 * @param roles          role name to its holders, in role order; an exclusive role has at most one
 */
public record RouteTable(long version, long epoch, Instant issued, boolean writerChanging,
                         Map<String, List<Backend>> roles) {

    /**
     * One holder of a role.
     *
     * @param host    host name
     * @param address address clients connect to
     * @param port    MySQL port
     */
    public record Backend(String host, String address, int port) {
        public Backend {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(address, "address");
        }
    }

    public RouteTable {
        Objects.requireNonNull(issued, "issued");
        Map<String, List<Backend>> copy = new LinkedHashMap<>();
        roles.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        roles = java.util.Collections.unmodifiableMap(copy);
    }

    /** The holders of a role, never null. */
    public List<Backend> holders(String role) {
        return roles.getOrDefault(role, List.of());
    }

    /** The single holder of an exclusive role, if any. */
    public Optional<Backend> holder(String role) {
        List<Backend> h = holders(role);
        return h.isEmpty() ? Optional.empty() : Optional.of(h.get(0));
    }
}
