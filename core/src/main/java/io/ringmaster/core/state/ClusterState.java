package io.ringmaster.core.state;

import io.ringmaster.core.model.MonitorMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The monitor's whole memory: mode, every host's record, who holds which role, and where every host currently
 * replicates from. This is what the state store persists; every decision is a pure function of it, the
 * latest observations, the configuration and the clock.
 *
 * @param mode      the monitor mode
 * @param modeSince when the mode was entered (WAIT counts from here)
 * @param hosts     host name to record, in configuration order
 * @param roles     role name to holders (exclusive roles: zero or one holder)
 * @param sources   host name to the host it replicates from; a host absent here is not expected to replicate
 * @param epoch     incremented at every writer change; fencing token for routers and agents
 * @param updated   when this state was computed
 * @param ring      the intended ring order of the masters and who is cut out of it ({@link Ring#NONE} in a state
 *                  saved before rings were kept), never null
 */
public record ClusterState(
        MonitorMode mode,
        Instant modeSince,
        Map<String, HostRecord> hosts,
        Map<String, List<String>> roles,
        Map<String, String> sources,
        long epoch,
        Instant updated,
        Ring ring) {

    /** A state without a recorded ring (the decider uses the configuration's order). */
    public ClusterState(MonitorMode mode, Instant modeSince, Map<String, HostRecord> hosts,
                        Map<String, List<String>> roles, Map<String, String> sources, long epoch, Instant updated) {
        this(mode, modeSince, hosts, roles, sources, epoch, updated, Ring.NONE);
    }

    public ClusterState {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(modeSince, "modeSince");
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        Map<String, List<String>> r = new LinkedHashMap<>();
        roles.forEach((k, v) -> r.put(k, List.copyOf(v)));
        roles = java.util.Collections.unmodifiableMap(r);
        sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        Objects.requireNonNull(updated, "updated");
        ring = ring == null ? Ring.NONE : ring;
    }

    /** The record of a host, or null when the host was never seen. */
    public HostRecord host(String name) {
        return hosts.get(name);
    }

    /** The holders of a role, never null. */
    public List<String> holders(String role) {
        return roles.getOrDefault(role, List.of());
    }

    /** The single holder of an exclusive role, if any. */
    public Optional<String> holder(String role) {
        List<String> h = holders(role);
        return h.isEmpty() ? Optional.empty() : Optional.of(h.get(0));
    }

    /** The roles a host holds, in role order. */
    public List<String> rolesOf(String host) {
        return roles.entrySet().stream().filter(e -> e.getValue().contains(host)).map(Map.Entry::getKey).toList();
    }

    /** A copy with other host records. */
    public ClusterState withHosts(Map<String, HostRecord> newHosts, Instant now) {
        return new ClusterState(mode, modeSince, newHosts, roles, sources, epoch, now, ring);
    }

    /** A copy with other role holders. */
    public ClusterState withRoles(Map<String, List<String>> newRoles) {
        return new ClusterState(mode, modeSince, hosts, newRoles, sources, epoch, updated, ring);
    }

    /** A copy with other replication sources. */
    public ClusterState withSources(Map<String, String> newSources) {
        return new ClusterState(mode, modeSince, hosts, roles, newSources, epoch, updated, ring);
    }

    /** A copy in another mode, entered now. */
    public ClusterState withMode(MonitorMode newMode, Instant now) {
        return new ClusterState(newMode, now, hosts, roles, sources, epoch, updated, ring);
    }

    /** A copy with another ring record. */
    public ClusterState withRing(Ring newRing) {
        return new ClusterState(mode, modeSince, hosts, roles, sources, epoch, updated, newRing);
    }

    /** A copy with the epoch advanced by one (a writer change). */
    public ClusterState nextEpoch() {
        return new ClusterState(mode, modeSince, hosts, roles, sources, epoch + 1, updated, ring);
    }
}
