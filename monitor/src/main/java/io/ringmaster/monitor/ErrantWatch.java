package io.ringmaster.monitor;

import io.ringmaster.core.analysis.ErrantTransactions;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.mysql.SqlActions;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds hosts holding errant transactions (GTIDs the writer does not have), for the round's decision (which holds
 * them in AWAITING_RECOVERY, out of every role) and for {@code set-online}, which refuses them. The writer's
 * position is read again after the hosts', so a transaction that replicated in between is not mistaken for one.
 *
 * <p>{@link #confirm} runs under the monitor's lock; the read methods are thread-safe.
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
     * Finds errant hosts in this round's observations: GTIDs they have that the writer lacks, confirmed against a
     * fresh read of the writer's position (so a transaction that replicated in between is not taken for errant).
     * When the writer cannot be read now, the previous round's findings stand.
     *
     * @return host to its errant ranges; empty when there is none or no answering writer
     */
    Map<String, List<ErrantTransactions.Range>> confirm(Optional<String> writer, Map<String, HostObservation> obs) {
        HostObservation wo = writer.map(obs::get).orElse(null);
        if (wo == null || !wo.sqlOk()) {
            return Map.copyOf(errant);
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
                return Map.copyOf(errant); // cannot confirm now; look again next round
            }
        }
        errant.keySet().retainAll(found.keySet());
        found.forEach((host, ranges) -> {
            if (errant.put(host, ranges) == null) {
                log.error("{}: errant transactions {}; it stays out of every role until they are removed "
                        + "(ringmaster errant {})", host, ErrantTransactions.describe(ranges), host);
            }
        });
        return Map.copyOf(found);
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
}
