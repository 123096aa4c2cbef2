package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.decide.Action;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.plan.RingChange;
import io.ringmaster.core.plan.RingStep;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.monitor.StepRunner.StepFailed;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs ring changes ({@link Action.ChangeRing}: closing the masters' ring around a dead master that is not the
 * writer, or putting a returning master back at its place) step by step, each bounded in time (SQL statements by the
 * action timeout, waits and a STOP SLAVE that may wait for an IO thread stuck on a frozen source by the catch-up
 * timeout), each logged with its reason and recorded in a {@link RecoveryRecord} that goes to the audit log like a
 * writer change's. Every host a step moved is committed to the monitor's state at once; the ring record only when
 * every mandatory step succeeded (otherwise a later round decides the change again). It decides nothing.
 *
 * <p>Called under the monitor's lock; {@link #recoveries()} is thread-safe.
 */
final class RingChanges {
    private static final Logger log = LoggerFactory.getLogger(RingChanges.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final SqlActions sql;
    private final SqlActions patient;
    private final Journal journal;
    private final WriterChanges.MonitorState monitor;
    private final Deque<RecoveryRecord> recoveries = new ArrayDeque<>();
    private final AtomicInteger counter = new AtomicInteger();

    /**
     * @param sql statements bounded by the action timeout; a second set bounded by the catch-up timeout is made here
     */
    RingChanges(RingmasterConfig config, Clock clock, SqlActions sql, Journal journal,
                WriterChanges.MonitorState monitor) {
        this.config = config;
        this.clock = clock;
        this.sql = sql;
        this.patient = new SqlActions(sql.dialect(), config.monitorUser(), config.replicationUser(),
                config.monitor().catchUpTimeout());
        this.journal = journal;
        this.monitor = monitor;
    }

    /** Recent ring changes, newest first. */
    List<RecoveryRecord> recoveries() {
        synchronized (recoveries) {
            return new ArrayList<>(recoveries);
        }
    }

    /**
     * Runs one ring change to its end or to its first failed mandatory step.
     *
     * @return true when every mandatory step succeeded (the new ring record is committed)
     */
    boolean execute(Action.ChangeRing action) {
        RingChange change = action.change();
        String id = (change.kind() == RingChange.Kind.CLOSE ? "RC-" : "RJ-") + clock.millis() + "-"
                + counter.incrementAndGet();
        String to = change.newSources().entrySet().stream().filter(e -> config.host(e.getKey()).isMaster())
                .map(e -> e.getKey() + "<-" + (e.getValue().isEmpty() ? "(none)" : e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("");
        RecoveryRecord audit = new RecoveryRecord(id, "RING_" + change.kind().name(), change.host(), to,
                action.reason(), clock.instant());
        synchronized (recoveries) {
            recoveries.addFirst(audit);
            while (recoveries.size() > WriterChanges.KEPT_RECOVERIES) {
                recoveries.removeLast();
            }
        }
        MDC.put("recovery", id);
        log.warn("[{}] {}: {}", id, change.describe(), action.reason());
        boolean ok = true;
        String failure = "";
        try {
            for (RingStep step : change.steps()) {
                if (!run(step, change, audit)) {
                    if (step.mandatory()) {
                        ok = false;
                        failure = step.describe() + " failed";
                        break;
                    }
                }
            }
            if (ok) {
                monitor.commit(monitor.state().withRing(change.newRing()));
            }
            long ms = Duration.between(audit.started(), clock.instant()).toMillis();
            String outcome = ok ? change.describe() + " done in " + ms + " ms"
                    + (change.kind() == RingChange.Kind.CLOSE ? "" : "; ring " + change.newRing().order()
                    + " whole again" + (change.newRing().outOfRing().isEmpty() ? ""
                    : " but for " + change.newRing().outOfRing()))
                    : change.describe() + " stopped after " + ms + " ms: " + failure + "; the next round tries again";
            audit.finish(ok, outcome, clock.instant());
            if (ok) {
                log.warn("[{}] {}", id, outcome);
            } else {
                log.error("[{}] {}", id, outcome);
            }
        } finally {
            MDC.remove("recovery");
            try {
                journal.audit(StatusView.recovery(audit));
            } catch (IOException e) {
                log.error("cannot append to the audit log: {}", e.getMessage());
            }
        }
        return ok;
    }

    /** Runs one step, records it, commits the source it moved; true when it succeeded. */
    private boolean run(RingStep step, RingChange change, RecoveryRecord audit) {
        long t0 = System.nanoTime();
        String reason = change.describe();
        try {
            String detail = execute(step, reason);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            audit.add(new RecoveryRecord.StepRecord(step.describe(), true, ms, detail));
            log.info("[{}] {}: done in {} ms{}", audit.id(), step.describe(), ms,
                    detail.isEmpty() ? "" : " (" + detail + ")");
            if (change.newSources().containsKey(step.host()) && !(step instanceof RingStep.CatchUpRelayLog)) {
                ClusterState now = monitor.state();
                monitor.commit(change.withSource(now, List.of(step.host())));
            }
            return true;
        } catch (SQLException | StepFailed e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String why = e instanceof SQLException se ? SqlErrors.describe(se) : e.getMessage();
            audit.add(new RecoveryRecord.StepRecord(step.describe(), false, ms, why));
            if (step.mandatory()) {
                log.error("[{}] {}: failed after {} ms: {}", audit.id(), step.describe(), ms, why);
            } else {
                log.warn("[{}] {}: failed after {} ms, going on (best effort): {}", audit.id(), step.describe(), ms,
                        why);
            }
            return false;
        }
    }

    private String execute(RingStep step, String reason) throws SQLException, StepFailed {
        return switch (step) {
            case RingStep.CatchUpRelayLog c -> {
                Optional<ReplicaLink> link = sql.replicaLink(host(c.host()));
                if (link.isEmpty()) {
                    yield "no replication link: nothing received to apply";
                }
                yield waitFor(host(c.host()), link.get().gtidIoPos(), reason + ": apply what it received");
            }
            case RingStep.MoveUnder m -> moveUnder(host(m.host()), host(m.newSource()), reason);
            case RingStep.Repoint r -> {
                // its IO thread may hang on a dead or frozen source: STOP SLAVE is bounded by the catch-up timeout
                patient.replicateFrom(host(r.host()), host(r.newSource()), reason);
                yield "";
            }
            case RingStep.Detach d -> {
                patient.resetReplica(host(d.host()), reason + ": " + d.fromHost() + " is gone");
                yield "";
            }
        };
    }

    /**
     * Stops {@code h}'s applier, waits until {@code to} has applied what {@code h} has, then points {@code h} at
     * {@code to}; when the wait or the move fails, starts {@code h}'s replication again (as it was, or under
     * {@code to} when only START SLAVE failed).
     */
    private String moveUnder(HostConfig h, HostConfig to, String reason) throws SQLException, StepFailed {
        boolean replicating = sql.replicaLink(h).isPresent();
        if (replicating) {
            sql.stopApplier(h, reason + ": hold " + h.name() + " still while " + to.name() + " catches up with it");
        }
        GtidPosition mine = sql.currentPosition(h);
        String waited;
        try {
            waited = waitFor(to, mine, reason + ": " + to.name() + " must have what " + h.name() + " has");
            patient.replicateFrom(h, to, reason);
        } catch (SQLException | StepFailed e) { // also when the move itself failed: never leave h's applier stopped
            if (replicating) {
                try {
                    sql.exec(h, sql.dialect().startReplica());
                } catch (SQLException again) {
                    log.error("{}: cannot start replication again: {}", h.name(), SqlErrors.describe(again));
                }
            }
            throw e;
        }
        return waited;
    }

    private String waitFor(HostConfig h, GtidPosition target, String reason) throws SQLException, StepFailed {
        return StepRunner.awaitApplied(sql, clock, h, target, config.monitor().catchUpTimeout(), reason);
    }

    private HostConfig host(String name) {
        return config.host(name);
    }
}
