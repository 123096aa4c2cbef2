package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.ChangeRecord;
import io.ringmaster.core.plan.Resumption;
import io.ringmaster.core.plan.Step;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs writer changes (failover, switchover, first promotion) with their audit record: routes hold new writer
 * connections, routers let go of the old writer, a lease is waited out, the steps run ({@link StepRunner}), the new
 * writer is committed to the monitor's state, routes go to it, GTID positions before and after and the
 * transactions lost are recorded, post hooks run, and the record goes to the audit log. Each change is registered
 * in the state store before its first step and its progress recorded after each step ({@link StateStore#saveChange});
 * a change a previous monitor left unfinished is finished or rolled back by {@link #resume}, under its id.
 *
 * <p>Called under the monitor's lock; {@link #recoveries()} is thread-safe.
 */
final class WriterChanges {
    private static final Logger log = LoggerFactory.getLogger(WriterChanges.class);
    /** How many recent writer changes are kept in memory. */
    static final int KEPT_RECOVERIES = 50;

    /** What a writer change needs of the monitor. */
    interface MonitorState {
        /** The current state. */
        ClusterState state();

        /** Makes {@code next} the monitor's state and persists it. */
        void commit(ClusterState next);

        /** The latest observation of each host, failed ones included. */
        Map<String, HostObservation> lastObservation();

        /** The latest successful observation of each host. */
        Map<String, HostObservation> lastGood();

        /**
         * The writer a failover is still owed for (it lost the role, no one took it yet), if any: a change made now
         * starts from it, fence and detach included, not as a first promotion.
         */
        default java.util.Optional<String> strandedWriter() {
            return java.util.Optional.empty();
        }
    }

    private final RingmasterConfig config;
    private final Clock clock;
    private final String writerRole;
    private final StepRunner runner;
    private final SqlActions quick;
    private final RoutePublisher routes;
    private final AddressPublisher addresses;
    private final Journal journal;
    private final FailoverHooks hooks;
    private final MonitorState monitor;
    private final StateStore store;
    private final Deque<RecoveryRecord> recoveries = new ArrayDeque<>();
    private final AtomicInteger recoveryCounter = new AtomicInteger();

    WriterChanges(RingmasterConfig config, Clock clock, String writerRole, StepRunner runner, SqlActions quick,
                  RoutePublisher routes, AddressPublisher addresses, Journal journal, FailoverHooks hooks,
                  MonitorState monitor, StateStore store) {
        this.store = store;
        this.addresses = addresses;
        this.config = config;
        this.clock = clock;
        this.writerRole = writerRole;
        this.runner = runner;
        this.quick = quick;
        this.routes = routes;
        this.journal = journal;
        this.hooks = hooks;
        this.monitor = monitor;
    }

    /** Recent writer changes, newest first. */
    List<RecoveryRecord> recoveries() {
        synchronized (recoveries) {
            return new ArrayList<>(recoveries);
        }
    }

    /**
     * Runs a writer change and, when it succeeds, commits the new writer (roles, sources, next epoch) to the
     * monitor's state. Caller holds the monitor's lock.
     *
     * @param forced an operator forced the change (see {@link StepRunner#run})
     * @return the audit record, finished
     */
    RecoveryRecord execute(WriterChange change, String reason, boolean forced) {
        ClusterState state = monitor.state();
        String id = change.kind().name().charAt(0) + "-" + clock.millis() + "-" + recoveryCounter.incrementAndGet();
        RecoveryRecord audit = new RecoveryRecord(id, change.kind().name(), change.from().orElse(""), change.to(),
                reason, clock.instant());
        remember(audit);
        MDC.put("recovery", id);
        log.warn("[{}] {} {} -> {}: {}", id, change.kind(), change.from().orElse("(none)"), change.to(), reason);
        Registration registration = new Registration(ChangeRecord.of(id, change, reason, forced, state.epoch(),
                audit.started()));
        try {
            registration.register(); // before the first step: a monitor that dies mid-change leaves it to the next
        } catch (IOException e) {
            log.error("[{}] {} not started: cannot register it in {}: {}", id, change.kind(), store.changeFile(),
                    e.getMessage());
            audit.finish(false, "not started: cannot register the change in the state store: " + e.getMessage(),
                    clock.instant());
            MDC.remove("recovery");
            appendAudit(audit);
            return audit;
        }
        FaultInjection.afterRegistration(id);
        change.from().filter(f -> change.kind() == WriterChange.Kind.FAILOVER)
                .ifPresent(f -> recordDetection(f, audit));
        carryOut(change, audit, reason, forced, registration, Set.of());
        return audit;
    }

    /**
     * Finishes or rolls back the change the previous monitor registered and left unfinished (logged at start),
     * with this round's look at every host. Caller holds the monitor's lock.
     *
     * @return the writer the next rounds must fail over from when the change could not be finished (rather than
     *         plan a first promotion), or empty
     */
    Optional<String> resumeUnfinished(ChangeRecord record, Map<String, HostObservation> observations) {
        log.warn("the previous monitor left change [{}] ({} {} -> {}) unfinished, {} of {} step(s) done",
                record.id(), record.kind(), record.from().isEmpty() ? "(none)" : record.from(), record.to(),
                record.done().size(), record.steps().size());
        Optional<WriterChange> change = record.writerChange();
        if (change.isEmpty()) {
            // another kind of change (a ring repair) needs its own executor; none is known to this monitor
            log.error("[{}] unfinished change of unknown kind {}: not resumed, forgotten (look at the topology)",
                    record.id(), record.kind());
            new Registration(record).clear();
            return Optional.empty();
        }
        RecoveryRecord r = resume(record, change.get(), observations);
        if (r.success() && change.get().kind() == WriterChange.Kind.FAILOVER && !record.forced()) {
            try {
                journal.automaticFailover(r.id(), clock.instant()); // an operator's failover is always forced
            } catch (IOException e) {
                log.error("cannot record the failover in the journal: {}", e.getMessage());
            }
        }
        boolean noWriter = monitor.state().holder(writerRole).isEmpty();
        return !r.success() && !record.from().isEmpty() && noWriter ? Optional.of(record.from()) : Optional.empty();
    }

    /**
     * Finishes, or rolls back, a writer change a previous monitor registered and did not finish
     * ({@link Resumption}), under the same id. Caller holds the monitor's lock, after one observation of every host.
     *
     * @param observations this round's observation of every host
     * @return the audit record, finished
     */
    RecoveryRecord resume(ChangeRecord record, WriterChange change, Map<String, HostObservation> observations) {
        Resumption.Plan plan = Resumption.plan(record, observations);
        RecoveryRecord audit = new RecoveryRecord(record.id(), record.kind(), record.from(), record.to(),
                record.reason() + " (resumed by a restarted monitor: " + plan.why() + ")", record.started());
        remember(audit);
        MDC.put("recovery", record.id());
        log.warn("[{}] {} {} -> {} left unfinished by the previous monitor: {}", record.id(), record.kind(),
                record.from().isEmpty() ? "(none)" : record.from(), record.to(), plan.why());
        Registration registration = new Registration(record);
        ClusterState state = monitor.state();
        if (state.epoch() > record.epochBefore() && state.holder(writerRole).equals(Optional.of(record.to()))) {
            audit.add(new RecoveryRecord.StepRecord("resume: the change was committed before the monitor stopped",
                    true, 0, "epoch " + state.epoch()));
            audit.finish(true, record.kind() + " done (committed before the monitor stopped): " + record.to()
                    + " is the writer", clock.instant());
            registration.clear();
            MDC.remove("recovery");
            appendAudit(audit);
            return audit;
        }
        audit.add(new RecoveryRecord.StepRecord("resume after a monitor restart", true, 0, plan.why()
                + "; steps done before: " + record.done()));
        if (plan.verdict() == Resumption.Verdict.ROLL_BACK) {
            try {
                registration.rollingBack();
                runner.rollBack(change, audit, context(change, () -> { }, () -> { }));
                audit.finish(false, record.kind() + " rolled back by the restarted monitor: " + plan.why(),
                        clock.instant());
                log.warn("[{}] {} rolled back: {}", record.id(), record.kind(), plan.why());
            } finally {
                registration.clear();
                MDC.remove("recovery");
                routes.publish(monitor.state().roles(), false, monitor.state().epoch());
                addresses.publish(monitor.state().roles(), monitor.state().epoch());
                appendAudit(audit);
            }
            return audit;
        }
        carryOut(change, audit, audit.reason(), record.forced(), registration,
                plan.skip(record.steps().size()));
        return audit;
    }

    /** Runs the steps not in {@code skip}, commits the new writer, records and audits. */
    private void carryOut(WriterChange change, RecoveryRecord audit, String reason, boolean forced,
                          Registration registration, Set<Integer> skip) {
        ClusterState state = monitor.state();
        String id = audit.id();
        Map<String, List<String>> during = new LinkedHashMap<>(state.roles());
        during.put(writerRole, List.of());
        GtidPosition oldBefore = change.from().map(f -> positionBefore(change, f)).orElse(null);
        if (oldBefore != null) {
            audit.position(true, change.from().get(), oldBefore.toString());
        }
        Optional.ofNullable(monitor.lastGood().get(change.to())).ifPresent(o ->
                audit.position(true, o.host(), o.currentPos().toString()));
        try {
            long heldEpoch = state.epoch();
            StepRunner.BeforeChanges hold = () -> {
                // new writer connections are held, and those to the old writer cut, from here to the promotion:
                // after a switchover's catch-up while writes still flow, before the fence
                routes.publish(during, true, heldEpoch);
                addresses.publish(during, heldEpoch);
                fenceThroughAgent(change, audit);
                awaitRouters(change, audit);
                waitOutLease(change, audit);
            };
            Map<String, List<String>> roles = new LinkedHashMap<>(state.roles());
            roles.put(writerRole, List.of(change.to()));
            long epoch = state.epoch() + 1;
            // held connections go to the new writer the moment it is writable, not after the replicas moved
            runner.run(change, audit, forced, context(change, hold, () -> {
                routes.publish(roles, false, epoch);
                addresses.publish(roles, epoch); // the new writer's agent is told at once
            }), skip, registration);
            state = state.withRoles(roles).withSources(change.newSources()).nextEpoch();
            monitor.commit(state);
            registration.clear(); // after the commit: a monitor that dies in between finds the change committed
            long ms = Duration.between(audit.started(), clock.instant()).toMillis();
            routes.publish(state.roles(), false, state.epoch());
            log.warn("[{}] {} done in {} ms: {} is the writer (epoch {})", id, change.kind(), ms, change.to(),
                    state.epoch());
            recordPositionsAfter(change, oldBefore, audit);
            audit.finish(true, change.kind() + " done in " + ms + " ms: " + change.to() + " is the writer"
                    + (audit.transactionsLost() > 0 ? "; " + audit.transactionsLost()
                    + " transaction(s) of the old writer lost" : ""), clock.instant());
            hooks.after(change, audit, reason, state.epoch());
        } catch (StepRunner.StepFailed e) {
            audit.finish(false, e.getMessage(), clock.instant());
            log.error("[{}] {} abandoned: {}", id, change.kind(), e.getMessage());
        } finally {
            registration.clear(); // finished, rolled back or abandoned: nothing is left for the next monitor
            MDC.remove("recovery");
            routes.publish(monitor.state().roles(), false, monitor.state().epoch());
            addresses.publish(monitor.state().roles(), monitor.state().epoch());
            appendAudit(audit);
        }
    }

    /** The step runner's context: the hosts that failed this round's checks (but the new writer), the callbacks. */
    private StepRunner.Context context(WriterChange change, StepRunner.BeforeChanges hold, Runnable promoted) {
        java.util.Set<String> down = new java.util.HashSet<>();
        monitor.lastObservation().values().stream().filter(o -> !o.sqlOk()).forEach(o -> down.add(o.host()));
        down.remove(change.to());
        return new StepRunner.Context(down, hold, promoted);
    }

    private void remember(RecoveryRecord audit) {
        synchronized (recoveries) {
            recoveries.addFirst(audit);
            while (recoveries.size() > KEPT_RECOVERIES) {
                recoveries.removeLast();
            }
        }
    }

    private void appendAudit(RecoveryRecord audit) {
        try {
            journal.audit(StatusView.recovery(audit));
        } catch (IOException e) {
            log.error("cannot append to the audit log: {}", e.getMessage());
        }
    }

    /**
     * A change's registration in the state store: written before the first step, again after every step that
     * succeeded and when the rollback starts (durably: write, fsync, rename), removed once the change is over.
     * Thread-safe: the steps after a promotion report from their own threads.
     */
    private final class Registration implements StepRunner.Progress {
        private ChangeRecord record;
        private boolean cleared;

        Registration(ChangeRecord record) {
            this.record = record;
        }

        synchronized void register() throws IOException {
            store.saveChange(record);
        }

        @Override
        public void finished(int index, Step step, boolean ok) {
            synchronized (this) {
                if (cleared) {
                    return;
                }
                if (ok) {
                    record = record.withDone(index); // a failed best-effort step is tried again by a resume
                    save();
                }
            }
            FaultInjection.afterStep(record.id(), index, step);
        }

        @Override
        public synchronized void rollingBack() {
            record = record.withRollbackStarted();
            save();
        }

        synchronized void clear() {
            if (cleared) {
                return;
            }
            cleared = true;
            try {
                store.clearChange();
            } catch (IOException e) {
                log.error("[{}] cannot remove the registered change {}: {}", record.id(), store.changeFile(),
                        e.getMessage());
            }
        }

        private void save() {
            try {
                store.saveChange(record);
            } catch (IOException e) {
                // the change goes on; a monitor that dies now runs the step again, which is safe
                log.error("[{}] cannot record progress in {}: {}", record.id(), store.changeFile(), e.getMessage());
            }
        }
    }

    /**
     * How the failed writer was found dead, for the audit record: when its checks began to fail (the first failing
     * check of the current run of failures), and whether its port refused connections (a crash: no trap period)
     * or it stopped answering (a timeout: a frozen or cut-off server, after the trap period).
     */
    private void recordDetection(String from, RecoveryRecord audit) {
        HostRecord r = monitor.state().host(from);
        HostObservation o = monitor.lastObservation().get(from);
        Instant first = r == null ? null : r.checks().values().stream().filter(c -> !c.passing())
                .map(io.ringmaster.core.state.CheckStatus::failingSince).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
        String evidence = o == null || o.sqlOk() ? "unknown" : o.refused() ? "refused" : o.reachable() ? "timeout"
                : "unreachable";
        audit.detection(first, evidence);
    }

    /**
     * The old writer's {@code gtid_binlog_pos} as the change starts: read from it for a switchover (it answers),
     * else the last one seen. Bounded by the check timeout.
     */
    private GtidPosition positionBefore(WriterChange change, String from) {
        if (change.kind() == WriterChange.Kind.SWITCHOVER) {
            try {
                return quick.binlogPosition(config.host(from));
            } catch (SQLException e) {
                log.warn("cannot read {}'s GTID position for the audit record: {}", from, SqlErrors.describe(e));
            }
        }
        HostObservation last = monitor.lastGood().get(from);
        return last == null ? null : last.binlogPos();
    }

    /**
     * After the steps: the new writer's position (and the old writer's, when it still answers), and how many of the
     * transactions the old writer had as the change started the new writer lacks: 0 unless forced, for a
     * switchover; for a failover a lower bound, since what the old writer wrote after it was last seen is not
     * known. Best effort, bounded by the check timeout per host.
     */
    private void recordPositionsAfter(WriterChange change, GtidPosition oldBefore, RecoveryRecord audit) {
        GtidPosition to;
        try {
            to = quick.currentPosition(config.host(change.to()));
        } catch (SQLException e) {
            log.warn("[{}] cannot read {}'s GTID position for the audit record: {}", audit.id(), change.to(),
                    SqlErrors.describe(e));
            return;
        }
        audit.position(false, change.to(), to.toString());
        if (change.from().isEmpty()) {
            audit.transactionsLost(0);
            return;
        }
        if (change.kind() == WriterChange.Kind.SWITCHOVER) {
            try {
                audit.position(false, change.from().get(), quick.binlogPosition(config.host(change.from().get()))
                        .toString());
            } catch (SQLException e) {
                log.warn("[{}] cannot read {}'s final GTID position: {}", audit.id(), change.from().get(),
                        SqlErrors.describe(e));
            }
        }
        if (oldBefore != null) {
            audit.transactionsLost(to.missingFrom(oldBefore));
        }
    }

    /**
     * Before another host is made writable, the old writer's agent must have dropped the writer addresses and
     * blocked or fenced its server, or its lease must have run out ({@link AddressPublisher#fence}). Recorded as a
     * step saying which; nothing when the old writer has no agent.
     *
     * @throws StepRunner.StepFailed when its agent answers that it still holds a writer address
     */
    private void fenceThroughAgent(WriterChange change, RecoveryRecord audit) throws StepRunner.StepFailed {
        if (change.from().isEmpty()) {
            return;
        }
        String from = change.from().get();
        AddressPublisher.FenceOutcome out;
        try {
            out = addresses.fence(from, change.kind() != WriterChange.Kind.FAILOVER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepRunner.StepFailed("interrupted while waiting for the agent of " + from);
        }
        if (out == null) {
            return;
        }
        log.warn("[{}] {} ({} ms)", audit.id(), out.detail(), out.millis());
        audit.add(new RecoveryRecord.StepRecord("fence " + from + " through its agent", !out.stillHolds(),
                out.millis(), out.detail()));
        if (out.stillHolds()) {
            throw new StepRunner.StepFailed(out.detail());
        }
    }

    /**
     * Before the old writer is fenced, every standalone router must let go of it: apply the table without a writer
     * (so its connections to the old writer are cut), or have its lease run out since it last asked.
     */
    private void awaitRouters(WriterChange change, RecoveryRecord audit) throws StepRunner.StepFailed {
        if (change.from().isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<String> routers;
        try {
            routers = routes.awaitFollowers(routes.current().version());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepRunner.StepFailed("interrupted while waiting for the routers to let go of "
                    + change.from().get());
        }
        if (routers.isEmpty()) {
            return;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.info("[{}] routers let go of {} in {} ms: {}", audit.id(), change.from().get(), ms, routers);
        audit.add(new RecoveryRecord.StepRecord("wait for the routers to let go of " + change.from().get(), true, ms,
                String.join("; ", routers)));
    }

    /**
     * When the old writer could not be fenced (it does not answer), something outside the monitor may still send
     * it writes until its lease runs out: wait that out before promoting (bounded by the lease).
     */
    private void waitOutLease(WriterChange change, RecoveryRecord audit) {
        Duration lease = config.safety().writerLease();
        if (lease.isZero() || change.from().isEmpty() || change.kind() != WriterChange.Kind.FAILOVER) {
            return;
        }
        HostObservation last = monitor.lastGood().get(change.from().get());
        if (last == null) {
            return;
        }
        Instant until = last.at().plus(lease);
        long ms = Duration.between(clock.instant(), until).toMillis();
        if (ms <= 0) {
            return;
        }
        log.warn("[{}] waiting {} ms for {}'s writer lease to run out (last reached at {})", audit.id(), ms,
                change.from().get(), last.at());
        long t0 = System.nanoTime();
        try {
            Thread.sleep(Math.min(ms, lease.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        audit.add(new RecoveryRecord.StepRecord("wait out " + change.from().get() + "'s writer lease", true,
                (System.nanoTime() - t0) / 1_000_000, "lease " + lease.toMillis() + " ms from " + last.at()));
    }

}
