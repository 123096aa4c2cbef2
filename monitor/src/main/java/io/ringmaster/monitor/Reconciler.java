package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the servers back in line with the state every round: read_only where it belongs, replicas of a dead
 * master moved under the writer, a master cut off by a failover re-attached to the ring once that is safe. Each
 * change is logged with its reason.
 *
 * <p>Single-threaded: called by the monitor under its lock.
 */
final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private final RingmasterConfig config;
    private final SqlActions sql;

    Reconciler(RingmasterConfig config, SqlActions sql) {
        this.config = config;
        this.sql = sql;
    }

    /**
     * read_only OFF on the ONLINE writer, ON (with client sessions cut) everywhere else; the writer is made
     * writable only once no other answering host is (invariant 1).
     */
    void reassertReadOnly(ClusterState state, Optional<String> writer, Map<String, HostObservation> obs) {
        boolean othersReadOnly = true;
        for (HostConfig h : config.hosts()) {
            HostObservation o = obs.get(h.name());
            if (o == null || !o.sqlOk() || writer.filter(h.name()::equals).isPresent()) {
                continue;
            }
            if (!o.readOnly()) {
                try {
                    sql.setReadOnly(h, true, "re-assert: " + h.name() + " does not hold the writer role");
                    sql.killClientSessions(h, "re-assert: " + h.name() + " was writable without the writer role");
                } catch (SQLException e) {
                    othersReadOnly = false;
                    log.error("{}: cannot set read_only=ON: {}", h.name(), SqlErrors.describe(e));
                }
            }
        }
        if (writer.isEmpty() || !othersReadOnly) {
            return;
        }
        HostObservation o = obs.get(writer.get());
        HostRecord r = state.host(writer.get());
        if (o != null && o.sqlOk() && o.readOnly() && r != null && r.state() == HostState.ONLINE) {
            try {
                sql.setReadOnly(config.host(writer.get()), false, "re-assert: " + writer.get()
                        + " holds the writer role");
            } catch (SQLException e) {
                log.error("{}: cannot set read_only=OFF: {}", writer.get(), SqlErrors.describe(e));
            }
        }
    }

    /**
     * Moves a replica whose master is HARD_OFFLINE under the writer, so it keeps receiving changes.
     *
     * @return the state with the new sources
     */
    ClusterState rescueOrphans(ClusterState state, Optional<String> writer) {
        if (state.mode() != MonitorMode.ACTIVE || writer.isEmpty()) {
            return state;
        }
        Map<String, String> sources = new LinkedHashMap<>(state.sources());
        boolean changed = false;
        for (Map.Entry<String, String> e : state.sources().entrySet()) {
            HostConfig h = config.host(e.getKey());
            HostRecord src = state.host(e.getValue());
            if (h.isMaster() || e.getValue().equals(writer.get()) || src == null
                    || src.state() != HostState.HARD_OFFLINE) {
                continue;
            }
            try {
                sql.replicateFrom(h, config.host(writer.get()), "its master " + e.getValue() + " is HARD_OFFLINE");
                sources.put(h.name(), writer.get());
                changed = true;
            } catch (SQLException ex) {
                log.error("{}: cannot repoint to {}: {}", h.name(), writer.get(), SqlErrors.describe(ex));
            }
        }
        return changed ? state.withSources(sources) : state;
    }

    /**
     * Re-attaches a master that replicates from nobody (its source died in a failover) to its ring upstream once
     * that upstream is ONLINE again and holds no errant transaction, so the pair or ring is whole again.
     *
     * @param errantHosts hosts holding errant transactions: never replicated from
     * @return the state with the new sources
     */
    ClusterState healRing(ClusterState state, Map<String, HostObservation> obs, Set<String> errantHosts) {
        if (state.mode() != MonitorMode.ACTIVE) {
            return state;
        }
        Map<String, String> sources = new LinkedHashMap<>(state.sources());
        boolean changed = false;
        for (HostConfig m : config.masters()) {
            Optional<HostConfig> up = config.ringUpstreamOf(m.name());
            if (sources.containsKey(m.name()) || up.isEmpty()) {
                continue;
            }
            String u = up.get().name();
            if (!onlineAndAnswering(state, obs, m.name()) || !onlineAndAnswering(state, obs, u)
                    || errantHosts.contains(u)) {
                continue;
            }
            try {
                sql.replicateFrom(m, up.get(), "heal the ring: " + u + " is ONLINE again with no errant transaction");
                sources.put(m.name(), u);
                changed = true;
            } catch (SQLException e) {
                log.error("{}: cannot replicate from {} again: {}", m.name(), u, SqlErrors.describe(e));
            }
        }
        return changed ? state.withSources(sources) : state;
    }

    private static boolean onlineAndAnswering(ClusterState state, Map<String, HostObservation> obs, String host) {
        HostRecord r = state.host(host);
        HostObservation o = obs.get(host);
        return r != null && r.state() == HostState.ONLINE && o != null && o.sqlOk();
    }
}
