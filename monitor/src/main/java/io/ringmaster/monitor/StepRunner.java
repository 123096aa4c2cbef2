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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the steps of a {@link WriterChange} against the servers, each bounded in time, each recorded in the change's
 * {@link RecoveryRecord}: in order up to the promotion, then the steps after it (moving links) in parallel. A
 * failing mandatory step stops the change and runs its rollback.
 *
 * <p>Not thread-safe: the monitor runs one change at a time under its lock.
 */
final class StepRunner {
    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);
    private final RingmasterConfig config;
    private final SqlActions sql;
    private final SqlActions quick;
    private final SqlActions brief;
    private final SqlActions patient;
    private final ReturnFence returnFence;
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
    StepRunner(RingmasterConfig config, SqlActions sql, SqlActions quick, ReturnFence returnFence, Clock clock) {
        this.config = config;
        this.sql = sql;
        this.quick = quick;
        this.brief = new SqlActions(sql.dialect(), config.monitorUser(), config.replicationUser(),
                Duration.ofMillis(Math.min(DOWN_HOST_ATTEMPT_MS, config.monitor().checkTimeout().toMillis())));
        this.patient = new SqlActions(sql.dialect(), config.monitorUser(), config.replicationUser(),
                config.monitor().catchUpTimeout());
        this.returnFence = returnFence;
        this.clock = clock;
    }

    /**
     * Bound on one attempt to reach a host that failed this round's checks, ms: a live server on a LAN answers a
     * connect and a statement well within it, and a frozen one must not hold a failover up for a whole timeout.
     */
    static final long DOWN_HOST_ATTEMPT_MS = 250;

    /**
     * What a change runs with besides its steps.
     *
     * @param down     hosts that failed this round's checks: tried within {@link #DOWN_HOST_ATTEMPT_MS} (fence,
     *                 promote guard, peers to fetch from); the old writer among them is not asked by the guard (its
     *                 fence was tried, and its return is fenced)
     * @param beforeChanges run once, after the steps that only wait (a switchover's catch-up while writes flow)
     *                 and before the first that changes a server: writes are held from there to the promotion
     * @param promoted called once, right after the new writer was made writable, before the steps that follow
     *                 (so the router releases held connections then, not after the replicas moved)
     * @param stoppedAppliers hosts whose applier the change stops before the promotion: their link is moved after
     *                 it with the catch-up timeout as bound, since STOP SLAVE may wait for an IO thread stuck on a
     *                 frozen source
     */
    record Context(Set<String> down, BeforeChanges beforeChanges, Runnable promoted, Set<String> stoppedAppliers,
                   Optional<String> oldWriter) {
        Context(Set<String> down, BeforeChanges beforeChanges, Runnable promoted) {
            this(down, beforeChanges, promoted, Set.of(), Optional.empty());
        }

        /** The same context, knowing the old writer and the hosts whose applier a step of {@code change} stops. */
        Context of(WriterChange change) {
            return new Context(down, beforeChanges, promoted, change.steps().stream()
                    .filter(s -> s instanceof Step.StopApplier).map(Step::host)
                    .collect(java.util.stream.Collectors.toSet()), change.from());
        }

        /** How to reach {@code host}: briefly when it failed this round's checks. */
        SqlActions reach(String host, SqlActions brief, SqlActions quick) {
            return down.contains(host) ? brief : quick;
        }
    }

    /** What must happen once before the first step that changes a server (routes held, routers let go). */
    @FunctionalInterface
    interface BeforeChanges {
        /** @throws StepFailed when the change must not go on */
        void run() throws StepFailed;
    }

    /**
     * Runs a change.
     *
     * @param forced an operator forced the change: a catch-up that fails or times out is recorded (with the number
     *               of transactions not applied) and the change goes on
     * @throws StepFailed when a mandatory step fails (after the rollback ran)
     */
    void run(WriterChange change, RecoveryRecord audit, boolean forced, Context given) throws StepFailed {
        run(change, audit, forced, given, Set.of(), Progress.NONE);
    }

    /**
     * Where a change stands, told as it runs, so it can be recorded durably (see {@link StateStore#saveChange}).
     * Called from the thread that ran the step: the steps after the promotion run in parallel.
     */
    interface Progress {
        /** Records nothing. */
        Progress NONE = new Progress() {
            public void finished(int index, Step step, boolean ok) {
            }

            public void rollingBack() {
            }
        };

        /** Step {@code index} of the plan ran: {@code ok} when it succeeded, false when it failed, best effort. */
        void finished(int index, Step step, boolean ok);

        /** A mandatory step failed before the promotion: the rollback starts. */
        void rollingBack();
    }

    /**
     * Runs a change, or what is left of it (a change a previous monitor left unfinished).
     *
     * @param skip     indices of steps not to run (done before); a skipped promotion counts as done: the steps
     *                 after it run as after a promotion
     * @param progress told after each step that ran (failed best-effort ones too), and when the rollback starts
     * @throws StepFailed when a mandatory step fails (after the rollback ran)
     */
    void run(WriterChange change, RecoveryRecord audit, boolean forced, Context given, Set<Integer> skip,
             Progress progress) throws StepFailed {
        Context context = given.of(change);
        boolean promoted = false;
        boolean held = false;
        List<Step> steps = change.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            boolean skipped = skip.contains(i);
            // restarting the new writer's own replication (a forced move) changes nothing writes go to either
            boolean onlyWaits = step instanceof Step.ApproachSource
                    || (step instanceof Step.Repoint r && r.host().equals(change.to()));
            if (!held && !skipped && !onlyWaits) {
                context.beforeChanges().run(); // nothing changed yet: a failure here needs no rollback
                held = true;
            }
            try {
                if (!skipped) {
                    progress.finished(i, step, runStep(step, audit, change, forced, context));
                }
                if (step instanceof Step.Promote) {
                    promoted = true;
                    long t0 = System.nanoTime();
                    context.promoted().run();
                    audit.add(new RecoveryRecord.StepRecord("route writes to " + step.host(), true,
                            (System.nanoTime() - t0) / 1_000_000, ""));
                    runAfterPromotion(steps, i + 1, skip, audit, change, context, progress);
                    return;
                }
            } catch (StepFailed e) {
                if (promoted) {
                    // the new writer is writable: undoing the old writer's fence now would make two writers
                    throw e;
                }
                progress.rollingBack();
                rollBack(change, audit, context);
                throw e;
            }
        }
    }

    /** Runs a change's rollback steps (lift the old writer's fence), each best effort. */
    void rollBack(WriterChange change, RecoveryRecord audit, Context context) {
        for (Step undo : change.rollback()) {
            try {
                runStep(undo, audit, change, false, context.of(change));
            } catch (StepFailed u) {
                log.error("rollback step failed: {}", u.getMessage());
            }
        }
    }

    /**
     * The steps after the promotion (moving links: repoints, detaches) do not depend on each other: they run in
     * parallel, each bounded by its own SQL timeout, all best effort (a replica left behind is rescued by a later
     * round). Waits for all of them, at most the catch-up timeout plus the action timeout.
     */
    private void runAfterPromotion(List<Step> steps, int first, Set<Integer> skip, RecoveryRecord audit,
                                   WriterChange change, Context context, Progress progress) {
        if (first >= steps.size()) {
            return;
        }
        long limitMs = config.monitor().catchUpTimeout().plus(config.monitor().actionTimeout()).toMillis();
        try (ExecutorService each = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
                .name("ringmaster-step-", 0).factory())) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = first; i < steps.size(); i++) {
                if (skip.contains(i)) {
                    continue;
                }
                Step s = steps.get(i);
                int index = i;
                running.add(each.submit(() -> {
                    try {
                        progress.finished(index, s, runStep(s, audit, change, false, context));
                    } catch (StepFailed e) {
                        log.warn("[{}] {}", audit.id(), e.getMessage()); // recorded; the change stands
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + limitMs * 1_000_000;
            for (Future<?> f : running) {
                try {
                    f.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    log.error("[{}] a step after the promotion still runs after {} ms; leaving it", audit.id(), limitMs);
                    f.cancel(true);
                } catch (ExecutionException e) {
                    log.error("[{}] a step after the promotion failed: {}", audit.id(), e.getCause().toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            each.shutdownNow();
        }
    }

    /** @return true when the step succeeded, false when it failed and was best effort */
    private boolean runStep(Step step, RecoveryRecord audit, WriterChange change, boolean forced, Context context)
            throws StepFailed {
        long t0 = System.nanoTime();
        String reason = change.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                + change.from().orElse("-") + " -> " + change.to();
        // the log context of this step, also on the threads that run the steps after the promotion
        java.util.Map<String, String> outer = MDC.getCopyOfContextMap();
        MDC.put("cluster", config.cluster());
        MDC.put("recovery", audit.id());
        MDC.put("host", step.host());
        try {
            return runStepLogged(step, audit, change, forced, reason, context, t0);
        } finally {
            if (outer == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(outer);
            }
        }
    }

    private boolean runStepLogged(Step step, RecoveryRecord audit, WriterChange change, boolean forced, String reason,
                                  Context context, long t0)
            throws StepFailed {
        try {
            String detail = execute(step, reason, context);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            audit.add(new RecoveryRecord.StepRecord(step.describe(), true, ms, detail));
            log.info("[{}] {}: done in {} ms{}", audit.id(), step.describe(), ms, detail.isEmpty() ? "" : " (" + detail + ")");
            return true;
        } catch (StepFailed | SQLException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String why = e instanceof SQLException se ? SqlErrors.describe(se) : e.getMessage();
            // a replica that cannot be repointed now is rescued by a later round; it must not undo the change
            boolean bestEffort = (step instanceof Step.Fence f && f.bestEffort()) || step instanceof Step.Repoint
                    || step instanceof Step.CatchUpFromPeers || step instanceof Step.Detach
                    || step instanceof Step.ApproachSource
                    || (step instanceof Step.StopApplier a && !a.host().equals(change.to()))
                    || (forced && (step instanceof Step.CatchUpRelayLog || step instanceof Step.CatchUpToSource));
            audit.add(new RecoveryRecord.StepRecord(step.describe(), false, ms, why));
            if (bestEffort) {
                log.warn("[{}] {}: failed after {} ms, going on (best effort): {}", audit.id(), step.describe(), ms, why);
                return false;
            }
            log.error("[{}] {}: failed after {} ms: {}", audit.id(), step.describe(), ms, why);
            throw new StepFailed(step.describe() + " failed: " + why);
        }
    }

    private String execute(Step step, String reason, Context context) throws SQLException, StepFailed {
        return switch (step) {
            case Step.Fence f when f.bestEffort() && context.down().contains(f.host()) ->
                    fenceDown(host(f.host()), reason);
            case Step.Fence f -> fence(f.bestEffort() ? quick : sql, host(f.host()), reason);
            case Step.Unfence u -> {
                sql.setReadOnly(host(u.host()), false, reason + ": rollback");
                yield "";
            }
            case Step.ApproachSource a -> {
                GtidPosition target = sql.binlogPosition(host(a.sourceHost()));
                // bounded by the action timeout: a host that cannot keep up leaves the rest to the catch-up
                yield waitFor(host(a.host()), target, config.monitor().actionTimeout(),
                        reason + ": before the fence, while writes flow");
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
            case Step.CatchUpFromPeers c -> catchUpFromPeers(host(c.host()), c.deadWriter(), reason, context);
            case Step.StopApplier a -> {
                sql.stopApplier(host(a.host()), reason + ": apply nothing more from " + a.fromHost());
                yield "";
            }
            case Step.Detach d -> {
                // after the promotion, off the write path: STOP SLAVE may wait for an IO thread stuck on a frozen
                // source for up to 3 x slave_net_timeout
                patient.resetReplica(host(d.host()), reason + ": " + d.fromHost() + " is gone");
                yield "";
            }
            case Step.Repoint r -> {
                // a master whose applier was stopped reads from the dead writer: its STOP SLAVE may wait for an IO
                // thread stuck on a frozen source (off the write path: this runs after the promotion)
                boolean fromDead = context.stoppedAppliers().contains(r.host());
                (fromDead ? patient : sql).replicateFrom(host(r.host()), host(r.newSource()), reason);
                yield "";
            }
            case Step.Promote p -> promote(host(p.host()), reason, context);
        };
    }

    private String fence(SqlActions sql, HostConfig h, String reason) throws SQLException {
        int killed;
        try {
            killed = sql.fence(h, reason + ": fencing the old writer");
        } catch (SQLException e) {
            if (SqlErrors.isConnectionProblem(e) || SqlErrors.isFatal(e)) {
                throw e; // gone, or a missing privilege: killing sessions would not help
            }
            // a long transaction can block read_only; cut the sessions and try once more
            log.warn("{}: read_only=ON failed ({}); killing client sessions and retrying", h.name(),
                    SqlErrors.describe(e));
            sql.killClientSessions(h, reason + ": unblock read_only");
            killed = sql.fence(h, reason + ": fencing the old writer (retry)");
        }
        return "read_only=ON, " + killed + " session(s) killed";
    }

    /**
     * Fences an old writer that failed this round's checks: one brief attempt (it is dead or frozen, and must not
     * hold the failover up), and a {@link ReturnFence} that fences it the moment it answers again, so a frozen
     * writer that thaws is made read_only at once rather than at the next round.
     */
    private String fenceDown(HostConfig h, String reason) throws SQLException {
        returnFence.start(h, reason);
        return fence(brief, h, reason) + " (within " + DOWN_HOST_ATTEMPT_MS + " ms)";
    }

    private String waitFor(HostConfig h, GtidPosition target, String reason) throws SQLException, StepFailed {
        return waitFor(h, target, config.monitor().catchUpTimeout(), reason);
    }

    private String waitFor(HostConfig h, GtidPosition target, Duration limit, String reason)
            throws SQLException, StepFailed {
        return awaitApplied(sql, clock, h, target, limit, reason);
    }

    /**
     * Waits at most {@code limit} until {@code h} has applied {@code target} (MASTER_GTID_WAIT); shared by writer
     * changes and ring changes.
     *
     * @return what was waited for and how long, for the audit
     * @throws StepFailed when {@code target} is not applied in time, naming the host and what is still missing
     * @throws SQLException on a server error
     */
    static String awaitApplied(SqlActions sql, Clock clock, HostConfig h, GtidPosition target, Duration limit,
                               String reason) throws SQLException, StepFailed {
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
    private String catchUpFromPeers(HostConfig to, String dead, String reason, Context context)
            throws SQLException, StepFailed {
        GtidPosition mine = sql.currentPosition(to);
        HostConfig best = null;
        GtidPosition bestPos = GtidPosition.empty();
        long bestMissing = 0;
        for (HostConfig h : config.hosts()) {
            if (h.name().equals(to.name()) || h.name().equals(dead)) {
                continue;
            }
            SqlActions ask = context.reach(h.name(), brief, quick); // a slow peer may hold the only copy
            try {
                GtidPosition p = ask.currentPosition(h);
                long missing = mine.missingFrom(p);
                if (missing > bestMissing && "1".equals(ask.queryString(h, "SELECT @@log_bin AND @@log_slave_updates"))) {
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
    private String promote(HostConfig h, String reason, Context context) throws SQLException, StepFailed {
        // every other host is asked at once, one that failed this round's checks only briefly; the old writer of a
        // failover that failed them is left out: its fence was tried and its return is fenced
        List<HostConfig> others = config.hosts().stream().filter(o -> !o.name().equals(h.name()))
                .filter(o -> !(context.down().contains(o.name()) && context.oldWriter().filter(o.name()::equals)
                        .isPresent())).toList();
        List<Future<String>> answers = new ArrayList<>();
        try (ExecutorService ask = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostConfig o : others) {
                SqlActions via = context.reach(o.name(), brief, quick);
                answers.add(ask.submit(() -> via.queryString(o, "SELECT @@global.read_only")));
            }
        }
        for (int i = 0; i < others.size(); i++) {
            String ro;
            try {
                ro = answers.get(i).get();
            } catch (ExecutionException e) {
                continue; // unreachable: it was fenced or is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailed("interrupted while checking that no other host is writable");
            }
            HostConfig other = others.get(i);
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
