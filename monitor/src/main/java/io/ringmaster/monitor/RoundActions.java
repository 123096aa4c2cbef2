package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.decide.Action;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the actions of a round's {@link io.ringmaster.core.decide.Decision}, in order, each logged with its
 * reason: a writer change (after the pre_failover hook, recorded for anti-flap), fences, making the writer
 * writable (skipped once a fence in the same round failed: invariant 1), repoints (the new source committed to
 * the state on success), ring changes ({@link RingChanges}), the heartbeat. It decides nothing.
 *
 * <p>Called under the monitor's lock; {@link #heartbeatWrittenMicros()} is thread-safe.
 */
final class RoundActions {
    private static final Logger log = LoggerFactory.getLogger(RoundActions.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final SqlActions sql;
    private final WriterChanges changes;
    private final FailoverHooks hooks;
    private final Journal journal;
    private final WriterChanges.MonitorState monitor;
    private final RingChanges rings;
    private volatile long heartbeatWrittenMicros;
    private String heartbeatTableOn = "";

    RoundActions(RingmasterConfig config, Clock clock, SqlActions sql, WriterChanges changes, FailoverHooks hooks,
                 Journal journal, WriterChanges.MonitorState monitor, RingChanges rings) {
        this.config = config;
        this.clock = clock;
        this.sql = sql;
        this.changes = changes;
        this.hooks = hooks;
        this.journal = journal;
        this.monitor = monitor;
        this.rings = rings;
    }

    /** The monitor's clock, µs since the epoch, when it last wrote the writer's heartbeat; 0 since a writer change. */
    long heartbeatWrittenMicros() {
        return heartbeatWrittenMicros;
    }

    /** Forgets the last heartbeat (the writer changed: lag is unknown until the new writer has written one). */
    void writerChanged() {
        heartbeatWrittenMicros = 0;
    }

    /**
     * Runs the actions in order.
     *
     * @return findings that running them produced (a vetoed failover), maybe empty
     */
    List<Finding> run(List<Action> actions) {
        boolean writableAllowed = true;
        List<Finding> out = new java.util.ArrayList<>();
        for (Action a : actions) {
            boolean ok = switch (a) {
                case Action.ChangeWriter c -> changeWriter(c, out);
                case Action.Fence f -> fence(f);
                case Action.MakeWritable m -> {
                    if (!writableAllowed) {
                        log.error("{}: not making it writable ({}): a host that must be read_only could not be fenced",
                                m.host(), m.reason());
                        yield false;
                    }
                    yield makeWritable(m);
                }
                case Action.Repoint r -> repoint(r);
                case Action.WriteHeartbeat h -> heartbeat(h);
                case Action.Detach d -> detach(d);
                case Action.ChangeRing c -> rings.execute(c);
            };
            if (!ok && a.onFailure() == Action.OnFailure.NO_WRITABLE_AFTER) {
                writableAllowed = false;
            }
        }
        return out;
    }

    private boolean changeWriter(Action.ChangeWriter c, List<Finding> out) {
        WriterChange change = c.change();
        if (change.kind() != WriterChange.Kind.INITIAL) {
            Optional<String> veto = hooks.veto(change, c.reason(), monitor.state().epoch());
            if (veto.isPresent()) {
                out.add(new Finding.FailoverVetoed(change.from().orElse(""), veto.get()));
                return false;
            }
        }
        RecoveryRecord r = changes.execute(change, c.reason(), false);
        if (r.success() && change.kind() != WriterChange.Kind.INITIAL) {
            try {
                journal.automaticFailover(r.id(), clock.instant());
            } catch (IOException e) {
                log.error("cannot record the failover in the journal: {}", e.getMessage());
            }
        }
        return r.success();
    }

    private boolean fence(Action.Fence f) {
        HostConfig h = config.host(f.host());
        try {
            sql.fence(h, f.reason() + " (it was writable)");
            return true;
        } catch (SQLException e) {
            log.error("{}: cannot set read_only=ON: {}", h.name(), SqlErrors.describe(e));
            return false;
        }
    }

    private boolean makeWritable(Action.MakeWritable m) {
        try {
            sql.setReadOnly(config.host(m.host()), false, m.reason());
            return true;
        } catch (SQLException e) {
            log.error("{}: cannot set read_only=OFF: {}", m.host(), SqlErrors.describe(e));
            return false;
        }
    }

    private boolean repoint(Action.Repoint r) {
        try {
            sql.replicateFrom(config.host(r.host()), config.host(r.source()), r.reason());
        } catch (SQLException e) {
            log.error("{}: cannot replicate from {}: {}", r.host(), r.source(), SqlErrors.describe(e));
            return false;
        }
        Map<String, String> sources = new LinkedHashMap<>(monitor.state().sources());
        sources.put(r.host(), r.source());
        monitor.commit(monitor.state().withSources(sources));
        return true;
    }

    /** Cuts a link the decider found wrong (an adopted writer reading from a host not ONLINE), audited. */
    private boolean detach(Action.Detach d) {
        boolean ok;
        String outcome;
        try {
            sql.resetReplica(config.host(d.host()), d.reason());
            ok = true;
            outcome = d.host() + " replicates from nobody; the ring is healed once " + d.source() + " is ONLINE";
            Map<String, String> sources = new LinkedHashMap<>(monitor.state().sources());
            sources.remove(d.host());
            monitor.commit(monitor.state().withSources(sources));
        } catch (SQLException e) {
            ok = false;
            outcome = "cannot stop replication: " + SqlErrors.describe(e);
            log.error("{}: cannot stop replication from {}: {}", d.host(), d.source(), SqlErrors.describe(e));
        }
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("id", "D-" + clock.millis());
        audit.put("kind", "DETACH");
        audit.put("from", d.source());
        audit.put("to", d.host());
        audit.put("reason", d.reason());
        audit.put("started", clock.instant().toString());
        audit.put("success", ok);
        audit.put("outcome", outcome);
        try {
            journal.audit(audit);
        } catch (IOException e) {
            log.error("cannot append to the audit log: {}", e.getMessage());
        }
        return ok;
    }

    private boolean heartbeat(Action.WriteHeartbeat h) {
        HostConfig w = config.host(h.host());
        String schema = config.monitor().heartbeatSchema();
        try {
            if (!heartbeatTableOn.equals(w.name())) {
                sql.ensureHeartbeatTable(w, schema);
                heartbeatTableOn = w.name();
            }
            Instant now = clock.instant();
            long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
            sql.writeHeartbeat(w, schema, h.serverId(), micros);
            heartbeatWrittenMicros = micros;
            return true;
        } catch (SQLException e) {
            log.warn("{}: heartbeat write failed: {}", w.name(), SqlErrors.describe(e));
            return false;
        }
    }
}
