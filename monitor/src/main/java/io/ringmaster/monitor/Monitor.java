package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.decide.Decision;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.decide.RoundDecider;
import io.ringmaster.core.decide.RoundFacts;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.routing.RouteTable;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.mysql.HostProbe;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The monitor: every check period (every 100 ms while a host is suspect, and at once when the writer watch loses
 * the writer) it probes every host concurrently (each probe bounded in time), asks the pure decider
 * ({@link RoundDecider}) what follows, and carries it out: host states, roles, writer changes (failover,
 * switchover), read_only everywhere, the heartbeat, its persisted state, findings and routes.
 *
 * <p>On start it loads the saved state and, for its first round, only looks: it changes nothing before it has
 * seen every host (invariant 5). A writer change the previous monitor registered and did not finish is finished or
 * rolled back right after that first look at every host, before the first decision ({@link WriterChanges#resume}). Operator commands are serialized with the rounds by one lock.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. Thread-safe.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Monitor.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final RoundDecider decider;
    private final WriterChanges changes;
    private final RoundActions actions;
    private final RingChanges rings;
    private final OperatorCommands commands;
    private final HostProbe probe;
    private final SqlActions sql;
    private final SqlActions quick;
    private final StepRunner runner;
    private final ReturnFence returnFence;
    private final Journal journal;
    private final StateStore store;
    private final String writerRole;
    private final ReentrantLock lock = new ReentrantLock();
    private final Prober prober;
    private final WriterWatch writerWatch;
    private final RoundSchedule schedule;
    private volatile boolean lastSuspect;
    private final Map<String, HostObservation> lastObservation = new ConcurrentHashMap<>();
    private final Map<String, HostObservation> lastGood = new ConcurrentHashMap<>();

    private final SelfCheck selfCheck;
    private final ScheduledThreadPoolExecutor watchdog;
    private final ErrantWatch errant;
    private final PrivilegeWatch privileges;
    private final FailoverHooks hooks;
    private final RoutePublisher routes;
    private final AddressPublisher addresses;
    private final Schedules schedules;
    private final MonitorMetrics metrics;
    private volatile ClusterState state;
    private volatile boolean ready;
    private volatile Lifecycle lifecycle = Lifecycle.NEW;
    private volatile List<Finding> roundFindings = List.of();
    /** A writer stripped of its role whose replacement has not happened yet (failover still pending). */
    private String strandedWriter;
    private boolean passiveResumeLogged;
    /** A change the previous monitor registered and did not finish, until it is resumed; null when none. */
    private io.ringmaster.core.plan.ChangeRecord unfinished;

    /** Lifecycle states. */
    public enum Lifecycle { NEW, RUNNING, CLOSED }

    /**
     * Creates a monitor; nothing runs until {@link #start()}.
     *
     * @param config the validated configuration
     * @param clock  the clock for states, timeouts and the heartbeat
     * @throws IOException when the state file exists but cannot be read
     */
    public Monitor(RingmasterConfig config, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.decider = new RoundDecider(config);
        this.probe = new HostProbe(MariaDbDialect.INSTANCE, config.monitorUser(), config.monitor().checkTimeout(),
                config.monitor().heartbeatSchema(), clock);
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                config.monitor().actionTimeout());
        this.quick = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                config.monitor().checkTimeout());
        this.store = new StateStore(config.monitor().stateFile());
        this.journal = new Journal(config.monitor().stateFile());
        this.writerRole = config.writerRole().map(RoleConfig::name).orElse("");
        this.returnFence = new ReturnFence(config, sql, h -> state.holder(writerRole).filter(h::equals).isPresent());
        this.runner = new StepRunner(config, sql, quick, returnFence, clock);
        Instant now = clock.instant();
        this.state = store.load().map(saved -> StateStore.withCurrentHosts(config, saved)).orElseGet(() ->
                new ClusterState(config.monitor().startMode(), now, Map.of(), Map.of(), Planner.initialSources(config),
                        0, now));
        log.info("state from {}: mode {}, roles {}", store.file(), state.mode(), state.roles());
        this.routes = new RoutePublisher(config, clock, state.epoch());
        this.selfCheck = new SelfCheck(config, clock);
        this.errant = new ErrantWatch(config, sql);
        this.privileges = new PrivilegeWatch(config, clock);
        this.hooks = new FailoverHooks(config, clock);
        WriterChanges.MonitorState view = new WriterChanges.MonitorState() {
            public ClusterState state() {
                return state;
            }

            public void commit(ClusterState next) {
                Monitor.this.commit(next);
            }

            public Map<String, HostObservation> lastObservation() {
                return lastObservation;
            }

            public Map<String, HostObservation> lastGood() {
                return lastGood;
            }

            public Optional<String> strandedWriter() {
                return Optional.ofNullable(strandedWriter);
            }
        };
        this.addresses = new AddressPublisher(config, writerRole);
        this.changes = new WriterChanges(config, clock, writerRole, runner, quick, routes, addresses, journal, hooks,
                view, store);
        this.unfinished = store.loadChange().orElse(null); // finished or rolled back after one look at every host
        FaultInjection.logIfArmed();
        this.rings = new RingChanges(config, clock, sql, journal, view);
        this.actions = new RoundActions(config, clock, sql, changes, hooks, journal, view, rings);
        this.commands = new OperatorCommands(config, clock, decider.machine(), sql, errant, journal, changes, view,
                () -> roundFindings = roundFindings.stream().filter(f -> !(f instanceof Finding.FailoverBlocked))
                        .toList(), privileges::gaps,
                host -> probe.probe(config.host(host), java.util.OptionalLong.empty()).observation());
        this.schedules = new Schedules(config, clock, () -> ready, () -> state.holder(writerRole));
        this.metrics = new MonitorMetrics(config, journal, clock);
        this.prober = new Prober(config, probe, clock, metrics::probed);
        this.schedule = new RoundSchedule(this::round, config.monitor().checkPeriod(), clock);
        this.writerWatch = new WriterWatch(config, () -> state.holder(writerRole), schedule::wake,
                RoundSchedule.FAST_PERIOD_MS);
        this.watchdog = new ScheduledThreadPoolExecutor(1, Threads.named("ringmaster-pause-watch"));
    }

    /** Starts the rounds of checks. */
    public synchronized void start() {
        if (lifecycle != Lifecycle.NEW) {
            throw new IllegalStateException("monitor already " + lifecycle);
        }
        lifecycle = Lifecycle.RUNNING;
        selfCheck.started();
        addresses.start(); // learns where the agents hold addresses before the first round assigns any
        schedule.start();
        writerWatch.start();
        watchdog.scheduleWithFixedDelay(selfCheck::tick, SelfCheck.TICK_MS, SelfCheck.TICK_MS, TimeUnit.MILLISECONDS);
        schedules.start();
        log.info("monitor started for cluster '{}' with {} host(s), check period {} ms", config.cluster(),
                config.hosts().size(), config.monitor().checkPeriod().toMillis());
    }

    /** Stops the rounds, waiting a bounded time for the current one. Idempotent. */
    @Override
    public synchronized void close() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        lifecycle = Lifecycle.CLOSED;
        routes.wakeAll();
        schedules.close();
        writerWatch.close();
        watchdog.shutdownNow();
        long waitMs = config.monitor().catchUpTimeout().plus(config.monitor().actionTimeout()).toMillis() + 1000;
        if (!schedule.close(waitMs)) {
            log.warn("monitor round still running after {} ms; interrupted it", waitMs);
        }
        addresses.close(); // renewals stop: the agents keep reader addresses, the writer's until its lease
        returnFence.close(); // after the last round: a failover still running may have started one
        prober.close();
        log.info("monitor stopped");
    }

    // ---------------------------------------------------------------- rounds

    private void round() {
        MDC.put("cluster", config.cluster());
        long began = System.nanoTime();
        try {
            long epoch = state.epoch();
            Map<String, HostObservation> obs = probeAll();
            String paused = selfCheck.pauseOrClockJump();
            String network = selfCheck.networkCheck();
            lock.lock();
            try {
                if (lifecycle != Lifecycle.RUNNING) {
                    return;
                }
                if (state.epoch() != epoch) {
                    // a command changed the writer while this round probed: what it saw is from before
                    schedule.wake("the writer changed while this round probed");
                    return;
                }
                boolean passive = state.mode() == io.ringmaster.core.model.MonitorMode.PASSIVE;
                if (unfinished != null && passive && !passiveResumeLogged) {
                    log.warn("a {} left unfinished ({}) waits: the monitor is PASSIVE and changes nothing; "
                            + "set-active or set-manual resumes it", unfinished.kind(), unfinished.id());
                    passiveResumeLogged = true;
                }
                if (unfinished != null && !passive && paused.isEmpty() && network.isEmpty()) {
                    // before the first decision, which would adopt a half-promoted writer with its old links
                    lastObservation.putAll(obs);
                    obs.values().stream().filter(HostObservation::sqlOk).forEach(o -> lastGood.put(o.host(), o));
                    strandedWriter = changes.resumeUnfinished(unfinished, obs).orElse(strandedWriter);
                    unfinished = null;
                    schedule.wake("a change left unfinished was resumed: look at every host again");
                    return;
                }
                String late = selfCheck.pauseOrClockJump(); // a stall after the first look, before the lock
                String pause = paused.isEmpty() ? late : paused;
                Optional<Finding> distrust = !network.isEmpty() ? Optional.of(new Finding.MonitorNetworkDown(network))
                        : !pause.isEmpty() ? Optional.of(new Finding.MonitorPaused(pause)) : Optional.empty();
                decide(obs, distrust);
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error e) {
            log.error("monitor round failed", e);
        } finally {
            selfCheck.roundEnded();
            metrics.roundEnded(this, System.nanoTime() - began);
            MDC.remove("cluster");
            schedule.roundEnded(lastSuspect);
        }
    }

    private Map<String, HostObservation> probeAll() {
        OptionalLong writerId = state.holder(writerRole).map(lastGood::get)
                .map(o -> OptionalLong.of(o.serverId())).orElse(OptionalLong.empty());
        java.util.Set<String> suspects = new java.util.HashSet<>();
        lastObservation.values().stream().filter(o -> !o.sqlOk()).forEach(o -> suspects.add(o.host()));
        Map<String, HostObservation> out = new LinkedHashMap<>();
        long written = actions.heartbeatWrittenMicros();
        java.util.Set<String> writer = new java.util.HashSet<>();
        state.holder(writerRole).ifPresent(writer::add);
        Optional.ofNullable(strandedWriter).ifPresent(writer::add);
        prober.probeAll(writerId, state.epoch(), suspects, writer, selfCheck.checkBoundMs(),
                        RoundSchedule.FAST_PERIOD_MS).forEach((host, r) -> {
            HostObservation o = r.observation();
            if (o.sqlOk() && r.heartbeatMicros().isPresent() && written > 0) {
                long lagUs = Math.max(0, written - r.heartbeatMicros().getAsLong());
                o = o.withLag(Optional.of(Duration.ofNanos(lagUs * 1000)));
            }
            out.put(host, o);
        });
        return out;
    }

    /**
     * Gathers the round's facts, asks the pure decider, and carries the decision out: the new state, the actions
     * in order, the findings, the routes. Caller holds the lock.
     */
    private void decide(Map<String, HostObservation> obs, Optional<Finding> distrust) {
        Instant now = clock.instant();
        if (distrust.isEmpty()) {
            lastObservation.putAll(obs);
            obs.values().stream().filter(HostObservation::sqlOk).forEach(o -> lastGood.put(o.host(), o));
        }
        ClusterState before = state;
        Optional<String> writer = before.holder(writerRole);
        RoundFacts facts = new RoundFacts(!ready, distrust, Optional.ofNullable(strandedWriter), lastGood,
                distrust.isEmpty() ? errant.confirm(writer, obs) : Map.of(),
                journal.blockedBecause(now, config.safety().failoverBlockPeriod()))
                .withPrivilegeGaps(privileges.gaps()).withAgentFenced(addresses.writerLeasesLapsed());
        Decision d = decider.decide(before, obs, facts, now);
        lastSuspect = d.suspect();
        d.transitions().forEach(t -> log.info("state {}", t));
        d.notes().forEach(n -> log.warn("{}", n));
        logRoleChanges(before.roles(), d.state().roles());
        strandedWriter = d.strandedWriter().orElse(null);
        if (!d.state().equals(before)) {
            commit(d.state());
        }
        List<Finding> found = new ArrayList<>(d.findings());
        if (distrust.isPresent()) {
            // the others stand as they were; an earlier pause or network finding is replaced by this one
            found.addAll(roundFindings.stream().filter(f -> !(f instanceof Finding.MonitorPaused
                    || f instanceof Finding.MonitorNetworkDown)).toList());
        }
        found.addAll(actions.run(d.actions()));
        reportFindings(found);
        ready |= distrust.isEmpty();
        routes.publish(state.roles(), false, state.epoch());
        if (ready) {
            addresses.publish(state.roles(), state.epoch());
        }
    }

    /** Logs each finding once when it appears and once when it clears, and makes the list current. */
    private void reportFindings(List<Finding> found) {
        java.util.Set<String> known = new java.util.HashSet<>();
        roundFindings.forEach(f -> known.add(f.summary()));
        java.util.Set<String> now = new java.util.HashSet<>();
        for (Finding f : found) {
            now.add(f.summary());
            if (!known.contains(f.summary())) {
                log.error("{} [{}]: {}", f.summary(), f.code(), f.howToClear());
            }
        }
        roundFindings.stream().filter(f -> !now.contains(f.summary()))
                .forEach(f -> log.warn("cleared [{}]: {}", f.code(), f.summary()));
        roundFindings = List.copyOf(found);
    }

    private void logRoleChanges(Map<String, List<String>> before, Map<String, List<String>> after) {
        after.forEach((role, holders) -> {
            List<String> old = before.getOrDefault(role, List.of());
            if (!old.equals(holders)) {
                log.info("role {}: {} -> {}", role, old, holders);
            }
        });
    }

    /** Makes {@code next} the state and saves it; a new writer forgets the last heartbeat. Caller holds the lock. */
    private void commit(ClusterState next) {
        if (!next.holder(writerRole).equals(state.holder(writerRole))) {
            actions.writerChanged();
        }
        state = next;
        persist();
    }

    private void persist() {
        try {
            store.save(state);
        } catch (IOException e) {
            log.error("cannot save state to {}: {}", store.file(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- commands

    /**
     * {@code set-online HOST}.
     *
     * @return MMM's confirmation line
     * @throws CommandRefused with the reason (errant transactions, a failing check, a state it does not apply to)
     */
    public String setOnline(String host) throws CommandRefused {
        return command(() -> commands.setOnline(host));
    }

    /**
     * {@code set-offline HOST}: the writer role is first moved away by a switchover.
     *
     * @throws CommandRefused with the reason
     */
    public String setOffline(String host) throws CommandRefused {
        return command(() -> commands.setOffline(host));
    }

    /**
     * {@code move-role ROLE HOST}: a switchover for the writer role.
     *
     * @throws CommandRefused with the reason (for example the target is not ONLINE, or it did not catch up in
     *                        time, in which case the old writer is writable again)
     */
    public String moveRole(String role, String host) throws CommandRefused {
        return moveRole(role, host, false);
    }

    /**
     * {@code move-role [--force] ROLE HOST}. With {@code force}, HOST may be in REPLICATION_DELAY or
     * REPLICATION_FAIL (the catch-up is tried, bounded, and what it could not apply is lost and reported), and a
     * writer that does not answer is failed over on the operator's word.
     *
     * @throws CommandRefused with the reason
     */
    public String moveRole(String role, String host, boolean force) throws CommandRefused {
        return command(() -> commands.moveRole(role, host, force));
    }

    /**
     * Switches the monitor mode.
     *
     * @throws CommandRefused while starting
     */
    public String setMode(MonitorMode mode) throws CommandRefused {
        return command(() -> commands.setMode(mode));
    }

    /**
     * The estimated loss of {@code move-role --force ROLE HOST}, before acting: how many of the current holder's
     * transactions HOST has not applied.
     *
     * @throws CommandRefused for an unknown role or host, or when the role has no holder
     */
    public Map<String, Object> lossEstimate(String role, String host) throws CommandRefused {
        return commands.lossEstimate(role, host);
    }

    /**
     * {@code errant HOST}: the GTIDs HOST has that the writer does not, read now from both.
     *
     * @throws CommandRefused when the host is unknown or either server cannot be read
     */
    public Map<String, Object> errantReport(String host) throws CommandRefused {
        return commands.errantReport(host);
    }

    /**
     * {@code acknowledge}: an operator has looked at the last automatic failover; the next one may run without
     * waiting for the anti-flap block period.
     */
    public String acknowledge() throws CommandRefused {
        return command(commands::acknowledge);
    }

    /** Current findings (problems the monitor reports but does not act on), never null. */
    public List<Finding> currentFindings() {
        List<Finding> out = new ArrayList<>(roundFindings);
        out.addAll(schedules.findings());
        return out;
    }

    /** Current findings, one line each ({@link Finding#summary()}). */
    public List<String> findings() {
        return currentFindings().stream().map(Finding::summary).toList();
    }

    /** The last scheduled checksum run, or an empty map (none ran, or no schedule). */
    public Map<String, Object> lastChecksum() {
        return schedules.lastChecksum();
    }

    /** Writer changes recorded by earlier runs of the monitor (from the audit log), oldest first. */
    public List<Map<String, Object>> history() {
        return journal.history(WriterChanges.KEPT_RECOVERIES);
    }

    private interface Command {
        String run() throws CommandRefused;
    }

    private String command(Command c) throws CommandRefused {
        if (!ready) {
            throw new CommandRefused(503, "the monitor is starting: it has not looked at every host yet; try again");
        }
        long waitMs = config.monitor().catchUpTimeout().plus(config.monitor().actionTimeout()).toMillis() * 2;
        try {
            if (!lock.tryLock(waitMs, TimeUnit.MILLISECONDS)) {
                throw new CommandRefused(503, "the monitor is busy (a role change is running); try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandRefused(503, "interrupted");
        }
        long epoch = state.epoch();
        try {
            return c.run();
        } finally {
            routes.publish(state.roles(), false, state.epoch());
            lock.unlock();
            if (state.epoch() != epoch) {
                schedule.wake("the writer changed"); // look at every host again now, not at the next check period
            }
        }
    }

    // ---------------------------------------------------------------- routes

    /** The current route table, never null. */
    public RouteTable routes() {
        return routes.current();
    }

    /**
     * Waits until a table newer than {@code afterVersion} is published, at most {@code max} (long-poll).
     *
     * @return the current table: newer than {@code afterVersion}, or the same one when the wait ran out
     */
    public RouteTable awaitRoutes(long afterVersion, Duration max) throws InterruptedException {
        return routes.await(afterVersion, max, () -> lifecycle == Lifecycle.CLOSED);
    }

    /**
     * A standalone router's long-poll: as {@link #awaitRoutes(long, Duration)}, and records that {@code router} has
     * applied {@code afterVersion} and may route writes for {@code lease} after asking, so that a writer change
     * waits for it to let go of the old writer before fencing it.
     *
     * @param router the router's name, unique among the routers following this monitor
     * @param stats  the counters it sent ({@code Router.stats()}'s shape), or null
     */
    public RouteTable awaitRoutes(long afterVersion, Duration max, String router, Duration lease, Object stats)
            throws InterruptedException {
        return routes.await(afterVersion, max, () -> lifecycle == Lifecycle.CLOSED, router, lease, stats);
    }

    /** The route publisher (standalone routers, their counters), for the API; and the Prometheus series. */
    RoutePublisher publisher() {
        return routes;
    }

    public MonitorMetrics metrics() {
        return metrics;
    }

    /** Registers a listener called with every new route table (synchronously, from the monitor's thread). */
    public void addRouteListener(java.util.function.Consumer<RouteTable> listener) {
        routes.addListener(listener);
    }

    /** Supplies the router's counters for the status view ({@code "routes"}); null when no router runs here. */
    public void setRouterStats(java.util.function.Supplier<Object> stats) {
        routes.setRouterStats(stats);
    }

    /** Role addresses and agents, for the show view. */
    AddressPublisher addresses() {
        return addresses;
    }

    /** The router's counters, or null. */
    public Object routerStats() {
        return routes.routerStats();
    }

    // ---------------------------------------------------------------- views

    /** The configuration. */
    public RingmasterConfig config() {
        return config;
    }

    /** The current state (immutable). */
    public ClusterState state() {
        return state;
    }

    /** True once the monitor has looked at every host since it started. */
    public boolean ready() {
        return ready;
    }

    /** The latest observation of each host (may be a failed one). */
    public Map<String, HostObservation> observations() {
        return Map.copyOf(lastObservation);
    }

    /** The latest successful observation of each host. */
    public Map<String, HostObservation> lastGoodObservations() {
        return Map.copyOf(lastGood);
    }

    /** Recent writer changes and ring changes, newest first. */
    public List<RecoveryRecord> recoveries() {
        List<RecoveryRecord> all = new ArrayList<>(changes.recoveries());
        all.addAll(rings.recoveries());
        all.sort(java.util.Comparator.comparing(RecoveryRecord::started).reversed());
        return all;
    }
}
