package io.ringmaster.monitor;

import io.ringmaster.core.analysis.ErrantTransactions;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.mysql.SqlActions;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps hosts holding errant transactions (GTIDs the writer does not have) out of every role: they are held in
 * AWAITING_RECOVERY with the GTIDs as the reason, and {@code set-online} refuses them. The writer's position is
 * read again after the hosts', so a transaction that replicated in between is not mistaken for an errant one.
 *
 * <p>{@link #detect} runs under the monitor's lock; the read methods are thread-safe.
 */
final class ErrantWatch {
    private static final Logger log = LoggerFactory.getLogger(ErrantWatch.class);
    private final RingmasterConfig config;
    private final SqlActions sql;
    private final Map<String, List<ErrantTransactions.Range>> errant = new ConcurrentHashMap<>();

    ErrantWatch(RingmasterConfig config, SqlActions sql) {
        this.config = config;
        this.sql = sql;
    }

    /**
     * Finds errant hosts in this round's observations and holds them in AWAITING_RECOVERY.
     *
     * @return the state with errant hosts held
     */
    ClusterState detect(ClusterState state, Optional<String> writer, Map<String, HostObservation> obs, Instant now) {
        HostObservation wo = writer.map(obs::get).orElse(null);
        if (wo == null || !wo.sqlOk()) {
            return state;
        }
        Map<String, List<ErrantTransactions.Range>> found = new LinkedHashMap<>();
        for (HostObservation o : obs.values()) {
            if (o.sqlOk() && !o.host().equals(writer.get())) {
                List<ErrantTransactions.Range> r = ErrantTransactions.find(o.currentPos(), wo.currentPos());
                if (!r.isEmpty()) {
                    found.put(o.host(), r);
                }
            }
        }
        if (!found.isEmpty()) {
            try {
                GtidPosition fresh = sql.currentPosition(config.host(writer.get()));
                found.replaceAll((h, r) -> ErrantTransactions.find(obs.get(h).currentPos(), fresh));
                found.values().removeIf(List::isEmpty);
            } catch (SQLException e) {
                return state; // cannot confirm now; look again next round
            }
        }
        errant.keySet().retainAll(found.keySet());
        Map<String, HostRecord> hosts = new LinkedHashMap<>(state.hosts());
        boolean changed = false;
        for (var e : found.entrySet()) {
            String text = "errant transactions: " + ErrantTransactions.describe(e.getValue());
            if (errant.put(e.getKey(), e.getValue()) == null) {
                log.error("{}: {}; it stays out of every role until they are removed (ringmaster errant {})",
                        e.getKey(), text, e.getKey());
            }
            HostRecord r = hosts.get(e.getKey());
            if (r != null && r.state() != HostState.ADMIN_OFFLINE && r.state() != HostState.HARD_OFFLINE
                    && !(r.state() == HostState.AWAITING_RECOVERY && r.reason().equals(text))) {
                if (r.state() != HostState.AWAITING_RECOVERY) {
                    log.info("state {}: {} -> AWAITING_RECOVERY ({})", e.getKey(), r.state(), text);
                }
                hosts.put(e.getKey(), r.withState(HostState.AWAITING_RECOVERY,
                        r.state() == HostState.AWAITING_RECOVERY ? r.since() : now, text));
                changed = true;
            }
        }
        return changed ? state.withHosts(hosts, state.updated()) : state;
    }

    /** Hosts found errant in the latest round. */
    Set<String> hosts() {
        return Set.copyOf(errant.keySet());
    }

    /** The errant ranges of a host from the latest round, or an empty list. */
    List<ErrantTransactions.Range> of(String host) {
        return errant.getOrDefault(host, List.of());
    }

    /** The errant ranges of a host, read now from the host and the writer (the latest round's on error). */
    List<ErrantTransactions.Range> now(Optional<String> writer, String host) {
        if (writer.isEmpty() || writer.get().equals(host)) {
            return List.of();
        }
        try {
            return ErrantTransactions.find(sql.currentPosition(config.host(host)),
                    sql.currentPosition(config.host(writer.get())));
        } catch (SQLException e) {
            return of(host);
        }
    }

    /** One line per errant host, for findings. */
    List<String> findings() {
        List<String> out = new ArrayList<>();
        errant.forEach((h, r) -> out.add(h + ": errant transactions " + ErrantTransactions.describe(r)));
        return out;
    }
}
