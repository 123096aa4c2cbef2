package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.plan.Step;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of a {@link WriterChange} against the servers, in order, each bounded in time, each recorded
 * in the change's {@link RecoveryRecord}. A failing mandatory step stops the change and runs its rollback.
 *
 * <p>Not thread-safe: the monitor runs one change at a time under its lock.
 */
final class StepRunner {
    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);
    private final RingmasterConfig config;
    private final SqlActions sql;
    private final SqlActions quick;
    private final Clock clock;

    /** A mandatory step failed; the message says which and why. */
    static final class StepFailed extends Exception {
        StepFailed(String message) {
            super(message);
        }
    }

    /**
     * @param sql   actions bounded by the action timeout
     * @param quick actions bounded by the check timeout, for best-effort steps on a host presumed dead (so a
     *              frozen old writer delays a failover by one check timeout at most)
     */
    StepRunner(RingmasterConfig config, SqlActions sql, SqlActions quick, Clock clock) {
        this.config = config;
        this.sql = sql;
        this.quick = quick;
        this.clock = clock;
    }

    /**
     * Runs a change.
     *
     * @param forced an operator forced the change: a catch-up that fails or times out is recorded (with the number
     *               of transactions not applied) and the change goes on
     * @throws StepFailed when a mandatory step fails (after the rollback ran)
     */
    void run(WriterChange change, RecoveryRecord audit, boolean forced) throws StepFailed {
        boolean promoted = false;
        for (Step step : change.steps()) {
            try {
                runStep(step, audit, change, forced);
                promoted |= step instanceof Step.Promote;
            } catch (StepFailed e) {
                if (promoted) {
                    // the new writer is writable: undoing the old writer's fence now would make two writers
                    throw e;
                }
                for (Step undo : change.rollback()) {
                    try {
                        runStep(undo, audit, change, false);
                    } catch (StepFailed u) {
                        log.error("rollback step failed: {}", u.getMessage());
                    }
                }
                throw e;
            }
        }
    }

    private void runStep(Step step, RecoveryRecord audit, WriterChange change, boolean forced) throws StepFailed {
        long t0 = System.nanoTime();
        String reason = change.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                + change.from().orElse("-") + " -> " + change.to();
        try {
            String detail = execute(step, reason);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            audit.add(new RecoveryRecord.StepRecord(step.describe(), true, ms, detail));
            log.info("[{}] {}: done in {} ms{}", audit.id(), step.describe(), ms, detail.isEmpty() ? "" : " (" + detail + ")");
        } catch (StepFailed | SQLException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String why = e instanceof SQLException se ? SqlErrors.describe(se) : e.getMessage();
            // a replica that cannot be repointed now is rescued by a later round; it must not undo the change
            boolean bestEffort = (step instanceof Step.Fence f && f.bestEffort()) || step instanceof Step.Repoint
                    || step instanceof Step.CatchUpFromPeers
                    || (forced && (step instanceof Step.CatchUpRelayLog || step instanceof Step.CatchUpToSource));
            audit.add(new RecoveryRecord.StepRecord(step.describe(), false, ms, why));
            if (bestEffort) {
                log.warn("[{}] {}: failed after {} ms, going on (best effort): {}", audit.id(), step.describe(), ms, why);
                return;
            }
            log.error("[{}] {}: failed after {} ms: {}", audit.id(), step.describe(), ms, why);
            throw new StepFailed(step.describe() + " failed: " + why);
        }
    }

    private String execute(Step step, String reason) throws SQLException, StepFailed {
        return switch (step) {
            case Step.Fence f -> fence(f.bestEffort() ? quick : sql, host(f.host()), reason);
            case Step.Unfence u -> {
                sql.setReadOnly(host(u.host()), false, reason + ": rollback");
                yield "";
            }
            case Step.CatchUpToSource c -> {
                GtidPosition target = sql.binlogPosition(host(c.sourceHost()));
                yield waitFor(host(c.host()), target, reason);
            }
            case Step.CatchUpRelayLog c -> {
                Optional<ReplicaLink> link = sql.replicaLink(host(c.host()));
                if (link.isEmpty()) {
                    yield "no replication link: nothing received to apply";
                }
                yield waitFor(host(c.host()), link.get().gtidIoPos(), reason);
            }
            case Step.CatchUpFromPeers c -> catchUpFromPeers(host(c.host()), c.deadWriter(), reason);
            case Step.Detach d -> {
                sql.resetReplica(host(d.host()), reason + ": " + d.fromHost() + " is gone");
                yield "";
            }
            case Step.Repoint r -> {
                sql.replicateFrom(host(r.host()), host(r.newSource()), reason);
                yield "";
            }
            case Step.Promote p -> promote(host(p.host()), reason);
        };
    }

    private String fence(SqlActions sql, HostConfig h, String reason) throws SQLException {
        try {
            sql.setReadOnly(h, true, reason + ": fencing the old writer");
        } catch (SQLException e) {
            if (SqlErrors.isConnectionProblem(e) || SqlErrors.isFatal(e)) {
                throw e; // gone, or a missing privilege: killing sessions would not help
            }
            // a long transaction can block read_only; cut the sessions and try once more
            log.warn("{}: read_only=ON failed ({}); killing client sessions and retrying", h.name(),
                    SqlErrors.describe(e));
            sql.killClientSessions(h, reason + ": unblock read_only");
            sql.setReadOnly(h, true, reason + ": fencing the old writer (retry)");
        }
        int killed = sql.killClientSessions(h, reason + ": fencing the old writer");
        return "read_only=ON, " + killed + " session(s) killed";
    }

    private String waitFor(HostConfig h, GtidPosition target, String reason) throws SQLException, StepFailed {
        Duration limit = config.monitor().catchUpTimeout();
        long t0 = clock.millis();
        if (!sql.waitForGtid(h, target, limit, reason)) {
            GtidPosition now = sql.currentPosition(h);
            throw new StepFailed(h.name() + " did not apply " + target + " within " + limit.toMillis() + " ms ("
                    + now.missingFrom(target) + " transaction(s) still unapplied, at " + now + ")");
        }
        return "applied " + (target.isEmpty() ? "(nothing)" : target.toString()) + " after "
                + (clock.millis() - t0) + " ms";
    }

    /**
     * Fetches onto {@code to} what another answering host has and it lacks (only the dead writer's transactions can
     * be there: nobody else writes): {@code to} replicates by GTID from the most advanced such host (which needs
     * its binary log with log_slave_updates) until it has them, then its own link is restored.
     */
    private String catchUpFromPeers(HostConfig to, String dead, String reason) throws SQLException, StepFailed {
        GtidPosition mine = sql.currentPosition(to);
        HostConfig best = null;
        GtidPosition bestPos = GtidPosition.empty();
        long bestMissing = 0;
        for (HostConfig h : config.hosts()) {
            if (h.name().equals(to.name()) || h.name().equals(dead)) {
                continue;
            }
            try {
                GtidPosition p = quick.currentPosition(h);
                long missing = mine.missingFrom(p);
                if (missing > bestMissing && "1".equals(quick.queryString(h, "SELECT @@log_bin AND @@log_slave_updates"))) {
                    best = h;
                    bestPos = p;
                    bestMissing = missing;
                }
            } catch (SQLException e) {
                // unreachable peers have nothing to give
            }
        }
        if (best == null) {
            return "no other host has anything " + to.name() + " lacks";
        }
        Optional<ReplicaLink> before = sql.replicaLink(to);
        Optional<HostConfig> original = before.flatMap(l -> config.hosts().stream()
                .filter(h -> l.readsFrom(h.address(), h.port())).findFirst());
        sql.replicateFrom(to, best, reason + ": " + best.name() + " has " + bestMissing + " transaction(s) of "
                + dead + " that " + to.name() + " never received");
        boolean got;
        try {
            got = sql.waitForGtid(to, bestPos, config.monitor().catchUpTimeout(), reason);
        } finally {
            if (original.isPresent() && !original.get().name().equals(dead)) {
                sql.replicateFrom(to, original.get(), reason + ": back to its own source after the catch-up");
            } else {
                sql.resetReplica(to, reason + ": catch-up from " + best.name() + " done");
            }
        }
        if (!got) {
            long lost = sql.currentPosition(to).missingFrom(bestPos);
            throw new StepFailed(lost + " transaction(s) that only " + best.name() + " received could not be applied"
                    + " on " + to.name() + " in time: they are lost");
        }
        return "fetched " + bestMissing + " transaction(s) from " + best.name();
    }

    /** Invariant 1: makes sure no other host answers as writable before making this one writable. */
    private String promote(HostConfig h, String reason) throws SQLException, StepFailed {
        for (HostConfig other : config.hosts()) {
            if (other.name().equals(h.name())) {
                continue;
            }
            String ro;
            try {
                ro = quick.queryString(other, "SELECT @@global.read_only"); // a frozen host costs one check timeout
            } catch (SQLException e) {
                continue; // unreachable: it was fenced or is gone
            }
            if ("0".equals(ro)) {
                try {
                    fence(sql, other, reason + ": must not be writable before " + h.name() + " is");
                } catch (SQLException e) {
                    throw new StepFailed(other.name() + " is writable and cannot be made read_only: "
                            + SqlErrors.describe(e));
                }
            }
        }
        sql.setReadOnly(h, false, reason + ": new writer");
        return "";
    }

    private HostConfig host(String name) {
        return config.host(name);
    }
}
