package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.core.roles.CandidateChoice;
import io.ringmaster.core.roles.CandidateChooser;
import io.ringmaster.core.roles.RoleAssigner;
import io.ringmaster.core.routing.RouteTable;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.core.state.StateMachine;
import io.ringmaster.core.state.Transition;
import io.ringmaster.mysql.HostProbe;
import io.ringmaster.mysql.MariaDbDialect;
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
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The monitor: every check period it probes every host concurrently (each probe bounded in time), advances the
 * state machine, gives out roles, moves the writer when it must (failover) or is told to (switchover),
 * re-asserts read_only everywhere, writes the heartbeat, and persists its state.
 *
 * <p>On start it loads the saved state and, for its first round, only looks: it changes nothing before it has
 * seen every host (invariant 5). Operator commands are serialized with the rounds by one lock.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. Thread-safe.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Monitor.class);
    private static final int KEPT_RECOVERIES = 50;

    private final RingmasterConfig config;
    private final Clock clock;
    private final StateMachine machine;
    private final HostProbe probe;
    private final SqlActions sql;
    private final StepRunner runner;
    private final StateStore store;
    private final String writerRole;
    private final ReentrantLock lock = new ReentrantLock();
    private final ThreadPoolExecutor probes;
    private final ScheduledExecutorService loop;
    private final Map<String, HostObservation> lastObservation = new ConcurrentHashMap<>();
    private final Map<String, HostObservation> lastGood = new ConcurrentHashMap<>();
    private final Deque<RecoveryRecord> recoveries = new ArrayDeque<>();
    private final AtomicInteger recoveryCounter = new AtomicInteger();

    private final List<java.util.function.Consumer<RouteTable>> routeListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object routeSignal = new Object();
    private volatile RouteTable routes;
    private volatile java.util.function.Supplier<Object> routerStats = () -> null;
    private volatile ClusterState state;
    private volatile boolean ready;
    private volatile Lifecycle lifecycle = Lifecycle.NEW;
    private volatile long heartbeatWrittenMicros;
    private String heartbeatTableOn = "";
    private String lastNoCandidate = "";

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
        this.machine = new StateMachine(config);
        this.probe = new HostProbe(MariaDbDialect.INSTANCE, config.monitorUser(), config.monitor().checkTimeout(),
                config.monitor().heartbeatSchema(), clock);
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                config.monitor().actionTimeout());
        this.runner = new StepRunner(config, sql, clock);
        this.store = new StateStore(config.monitor().stateFile());
        this.writerRole = config.writerRole().map(RoleConfig::name).orElse("");
        Instant now = clock.instant();
        this.state = store.load().map(this::withCurrentHosts).orElseGet(() -> new ClusterState(
                config.monitor().startMode(), now, Map.of(), Map.of(), Planner.initialSources(config), 0, now));
        this.routes = new RouteTable(0, state.epoch(), now, false, Map.of());
        int n = config.hosts().size();
        this.probes = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(n * 4),
                Threads.named("ringmaster-probe"), new ThreadPoolExecutor.AbortPolicy());
        this.loop = new ScheduledThreadPoolExecutor(1, Threads.named("ringmaster-monitor"));
    }

    /** Drops hosts and roles the configuration no longer has. */
    private ClusterState withCurrentHosts(ClusterState saved) {
        Map<String, HostRecord> hosts = new LinkedHashMap<>();
        config.hosts().forEach(h -> {
            if (saved.host(h.name()) != null) {
                hosts.put(h.name(), saved.host(h.name()));
            }
        });
        Map<String, List<String>> roles = new LinkedHashMap<>();
        config.roles().forEach(r -> roles.put(r.name(), saved.holders(r.name()).stream()
                .filter(h -> config.findHost(h).isPresent()).toList()));
        Map<String, String> sources = new LinkedHashMap<>();
        saved.sources().forEach((h, s) -> {
            if (config.findHost(h).isPresent() && config.findHost(s).isPresent()) {
                sources.put(h, s);
            }
        });
        log.info("loaded state from {}: mode {}, roles {}", store.file(), saved.mode(), roles);
        return new ClusterState(saved.mode(), saved.modeSince(), hosts, roles, sources, saved.epoch(),
                saved.updated());
    }

    /** Starts the rounds of checks. */
    public synchronized void start() {
        if (lifecycle != Lifecycle.NEW) {
            throw new IllegalStateException("monitor already " + lifecycle);
        }
        lifecycle = Lifecycle.RUNNING;
        loop.scheduleWithFixedDelay(this::round, 0, config.monitor().checkPeriod().toMillis(), TimeUnit.MILLISECONDS);
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
        synchronized (routeSignal) {
            routeSignal.notifyAll();
        }
        loop.shutdown();
        probes.shutdown();
        long waitMs = config.monitor().catchUpTimeout().plus(config.monitor().actionTimeout()).toMillis() + 1000;
        try {
            if (!loop.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                log.warn("monitor round still running after {} ms; interrupting it", waitMs);
                loop.shutdownNow();
            }
            if (!probes.awaitTermination(config.monitor().checkTimeout().toMillis() * 4, TimeUnit.MILLISECONDS)) {
                probes.shutdownNow();
            }
        } catch (InterruptedException e) {
            loop.shutdownNow();
            probes.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("monitor stopped");
    }

    // ---------------------------------------------------------------- rounds

    private void round() {
        MDC.put("cluster", config.cluster());
        try {
            Map<String, HostObservation> obs = probeAll();
            lock.lock();
            try {
                if (lifecycle != Lifecycle.RUNNING) {
                    return;
                }
                decide(obs);
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error e) {
            log.error("monitor round failed", e);
        } finally {
            MDC.remove("cluster");
        }
    }

    private Map<String, HostObservation> probeAll() {
        OptionalLong writerId = state.holder(writerRole).map(lastGood::get)
                .map(o -> OptionalLong.of(o.serverId())).orElse(OptionalLong.empty());
        Map<String, Future<HostProbe.Result>> futures = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            futures.put(h.name(), probes.submit(() -> probe.probe(h, writerId)));
        }
        long bound = config.monitor().checkTimeout().toMillis() * 4 + 500;
        long deadline = System.nanoTime() + bound * 1_000_000;
        Map<String, HostObservation> out = new LinkedHashMap<>();
        long written = heartbeatWrittenMicros;
        for (Map.Entry<String, Future<HostProbe.Result>> e : futures.entrySet()) {
            HostObservation o;
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                HostProbe.Result r = e.getValue().get(left, TimeUnit.MILLISECONDS);
                o = r.observation();
                if (o.sqlOk() && r.heartbeatMicros().isPresent() && written > 0) {
                    long lagUs = Math.max(0, written - r.heartbeatMicros().getAsLong());
                    o = o.withLag(Optional.of(Duration.ofNanos(lagUs * 1000)));
                }
            } catch (TimeoutException ex) {
                e.getValue().cancel(true);
                o = HostObservation.failed(e.getKey(), clock.instant(), true, "check timed out after " + bound + " ms");
            } catch (ExecutionException ex) {
                o = HostObservation.failed(e.getKey(), clock.instant(), false, "check failed: " + ex.getCause());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                o = HostObservation.failed(e.getKey(), clock.instant(), false, "interrupted");
            }
            out.put(e.getKey(), o);
        }
        return out;
    }

    private void decide(Map<String, HostObservation> obs) {
        Instant now = clock.instant();
        lastObservation.putAll(obs);
        obs.values().stream().filter(HostObservation::sqlOk).forEach(o -> lastGood.put(o.host(), o));
        ClusterState before = state;
        Optional<String> prevWriter = before.holder(writerRole);
        StateMachine.Step step = machine.step(before, obs, now);
        for (Transition t : step.transitions()) {
            log.info("state {}", t);
        }
        state = step.state();
        if (!ready) {
            firstLook(obs);
            ready = true;
            if (state.mode() != MonitorMode.PASSIVE) {
                applyRoles();
            }
            persist();
            publishRoutes(state.roles(), false);
            return;
        }
        if (state.mode() != MonitorMode.PASSIVE) {
            RoleAssigner.Assignment a = RoleAssigner.assign(config, state);
            logRoleChanges(state.roles(), a.roles());
            state = state.withRoles(a.roles());
            if (a.writerNeeded()) {
                String why = prevWriter.map(w -> "writer " + w + " is "
                        + (state.host(w) == null ? "not checked" : state.host(w).state() + ": " + state.host(w).reason()))
                        .orElse("no writer");
                changeWriter(prevWriter, obs, why);
            }
            reassertReadOnly(obs);
            rescueOrphans();
            heartbeat(obs);
        }
        if (!state.equals(before)) {
            persist();
        }
        publishRoutes(state.roles(), false);
    }

    /** First round after start: adopt the writable master when there is exactly one; refuse to guess otherwise. */
    private void firstLook(Map<String, HostObservation> obs) {
        List<String> writable = config.masters().stream().map(HostConfig::name)
                .filter(n -> obs.get(n) != null && obs.get(n).sqlOk() && !obs.get(n).readOnly()).toList();
        Optional<String> recorded = state.holder(writerRole);
        log.info("first look at every host done: writable masters {}, recorded writer {}", writable,
                recorded.orElse("(none)"));
        if (writable.size() > 1) {
            log.error("careful start-up: {} are all writable; switching to PASSIVE, fix by hand then set-active",
                    writable);
            state = state.withMode(MonitorMode.PASSIVE, clock.instant());
            return;
        }
        if (writable.size() == 1 && !recorded.equals(Optional.of(writable.get(0)))
                && state.host(writable.get(0)).state() == HostState.ONLINE) {
            log.info("adopting {} as writer: it is the only writable master", writable.get(0));
            Map<String, List<String>> roles = new LinkedHashMap<>(state.roles());
            roles.put(writerRole, List.of(writable.get(0)));
            state = state.withRoles(roles).nextEpoch();
        }
    }

    private void logRoleChanges(Map<String, List<String>> before, Map<String, List<String>> after) {
        after.forEach((role, holders) -> {
            List<String> old = before.getOrDefault(role, List.of());
            if (!old.equals(holders)) {
                log.info("role {}: {} -> {}", role, old, holders);
            }
        });
    }

    private void changeWriter(Optional<String> old, Map<String, HostObservation> obs, String why) {
        Optional<Long> domain = old.map(lastGood::get).map(HostObservation::gtidDomainId);
        CandidateChoice choice = CandidateChooser.choose(config, state, obs, old, domain);
        if (choice.candidate().isEmpty()) {
            String msg = why + "; " + choice.summary();
            if (!msg.equals(lastNoCandidate)) {
                log.error("no writer: {}", msg);
                lastNoCandidate = msg;
            }
            return;
        }
        lastNoCandidate = "";
        String to = choice.candidate().get();
        WriterChange change;
        if (old.isEmpty()) {
            change = Planner.initial(state, to);
        } else if (obs.get(old.get()) != null && obs.get(old.get()).sqlOk()) {
            change = Planner.switchover(config, state, old.get(), to);
        } else {
            change = Planner.failover(config, state, old.get(), to);
        }
        execute(change, why + "; " + choice.summary());
    }

    /**
     * Runs a writer change and, when it succeeds, records the new writer. Caller holds the lock.
     *
     * @return the audit record
     */
    private RecoveryRecord execute(WriterChange change, String reason) {
        String id = change.kind().name().charAt(0) + "-" + clock.millis() + "-" + recoveryCounter.incrementAndGet();
        RecoveryRecord audit = new RecoveryRecord(id, change.kind().name(), change.from().orElse(""), change.to(),
                reason, clock.instant());
        synchronized (recoveries) {
            recoveries.addFirst(audit);
            while (recoveries.size() > KEPT_RECOVERIES) {
                recoveries.removeLast();
            }
        }
        MDC.put("recovery", id);
        log.warn("[{}] {} {} -> {}: {}", id, change.kind(), change.from().orElse("(none)"), change.to(), reason);
        Map<String, List<String>> during = new LinkedHashMap<>(state.roles());
        during.put(writerRole, List.of());
        publishRoutes(during, true);
        try {
            runner.run(change, audit);
            Map<String, List<String>> roles = new LinkedHashMap<>(state.roles());
            roles.put(writerRole, List.of(change.to()));
            state = state.withRoles(roles).withSources(change.newSources()).nextEpoch();
            heartbeatWrittenMicros = 0;
            long ms = Duration.between(audit.started(), clock.instant()).toMillis();
            audit.finish(true, change.kind() + " done in " + ms + " ms: " + change.to() + " is the writer",
                    clock.instant());
            log.warn("[{}] {} done in {} ms: {} is the writer (epoch {})", id, change.kind(), ms, change.to(),
                    state.epoch());
            persist();
        } catch (StepRunner.StepFailed e) {
            audit.finish(false, e.getMessage(), clock.instant());
            log.error("[{}] {} abandoned: {}", id, change.kind(), e.getMessage());
        } finally {
            MDC.remove("recovery");
            publishRoutes(state.roles(), false);
        }
        return audit;
    }

    /** read_only OFF on the ONLINE writer, ON everywhere else; the writer only once no other host is writable. */
    private void reassertReadOnly(Map<String, HostObservation> obs) {
        Optional<String> writer = state.holder(writerRole);
        boolean othersReadOnly = true;
        for (HostConfig h : config.hosts()) {
            HostObservation o = obs.get(h.name());
            if (o == null || !o.sqlOk() || writer.filter(h.name()::equals).isPresent()) {
                continue;
            }
            if (!o.readOnly()) {
                try {
                    sql.setReadOnly(h, true, "re-assert: " + h.name() + " does not hold the writer role");
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
                sql.setReadOnly(config.host(writer.get()), false, "re-assert: " + writer.get() + " holds the writer role");
            } catch (SQLException e) {
                log.error("{}: cannot set read_only=OFF: {}", writer.get(), SqlErrors.describe(e));
            }
        }
    }

    /** A replica whose master is down is moved under the writer, so it keeps receiving changes. */
    private void rescueOrphans() {
        if (state.mode() != MonitorMode.ACTIVE) {
            return;
        }
        Optional<String> writer = state.holder(writerRole);
        if (writer.isEmpty()) {
            return;
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
        if (changed) {
            state = state.withSources(sources);
        }
    }

    private void heartbeat(Map<String, HostObservation> obs) {
        Optional<String> writer = state.holder(writerRole);
        if (writer.isEmpty()) {
            return;
        }
        HostObservation o = obs.get(writer.get());
        if (o == null || !o.sqlOk() || o.readOnly()) {
            return;
        }
        HostConfig w = config.host(writer.get());
        String schema = config.monitor().heartbeatSchema();
        try {
            if (!heartbeatTableOn.equals(w.name())) {
                sql.ensureHeartbeatTable(w, schema);
                heartbeatTableOn = w.name();
            }
            Instant now = clock.instant();
            long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
            sql.writeHeartbeat(w, schema, o.serverId(), micros);
            heartbeatWrittenMicros = micros;
        } catch (SQLException e) {
            log.warn("{}: heartbeat write failed: {}", w.name(), SqlErrors.describe(e));
        }
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
     * @throws CommandRefused with the reason
     */
    public String setOnline(String host) throws CommandRefused {
        return command(() -> {
            requireHost(host);
            try {
                state = machine.setOnline(state, host, clock.instant());
            } catch (IllegalStateException e) {
                throw new CommandRefused(409, e.getMessage());
            }
            applyRoles();
            persist();
            log.info("{}: set ONLINE by operator", host);
            return "OK: State of '" + host + "' changed to ONLINE. Now you can wait some time and check its new roles!";
        });
    }

    /**
     * {@code set-offline HOST}: the writer role is first moved away by a switchover.
     *
     * @throws CommandRefused with the reason
     */
    public String setOffline(String host) throws CommandRefused {
        return command(() -> {
            requireHost(host);
            if (state.holder(writerRole).filter(host::equals).isPresent()) {
                HostRecord rec = state.host(host);
                if (rec != null && rec.state() == HostState.ONLINE) {
                    CandidateChoice choice = CandidateChooser.choose(config, state, lastObservation,
                            Optional.of(host), Optional.ofNullable(lastGood.get(host)).map(HostObservation::gtidDomainId));
                    String to = choice.candidate().orElseThrow(() -> new CommandRefused(409,
                            "'" + host + "' holds the writer role and no other master can take it: " + choice.summary()));
                    switchover(host, to, "set-offline " + host);
                }
            }
            try {
                state = machine.setOffline(state, host, clock.instant());
            } catch (IllegalStateException e) {
                throw new CommandRefused(409, e.getMessage());
            }
            applyRoles();
            persist();
            log.info("{}: set ADMIN_OFFLINE by operator", host);
            return "OK: State of '" + host + "' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!";
        });
    }

    /**
     * {@code move-role ROLE HOST}: a switchover for the writer role.
     *
     * @throws CommandRefused with the reason (for example the target is not ONLINE, or it did not catch up in
     *                        time, in which case the old writer is writable again)
     */
    public String moveRole(String role, String host) throws CommandRefused {
        return command(() -> {
            requireHost(host);
            RoleConfig rc = config.role(role).orElseThrow(() -> new CommandRefused(404, "unknown role '" + role + "'"));
            if (!rc.isExclusive()) {
                throw new CommandRefused(409, "role '" + role + "' is balanced: every ONLINE host in it holds it; "
                        + "nothing to move");
            }
            if (!rc.hosts().contains(host)) {
                throw new CommandRefused(409, "host '" + host + "' may not hold role '" + role + "'");
            }
            HostRecord rec = state.host(host);
            if (rec == null || rec.state() != HostState.ONLINE) {
                throw new CommandRefused(409, "host '" + host + "' is " + (rec == null ? "not checked yet"
                        : rec.state() + (rec.reason().isEmpty() ? "" : " (" + rec.reason() + ")"))
                        + "; only an ONLINE host can take role '" + role + "'");
            }
            Optional<String> current = state.holder(role);
            if (current.filter(host::equals).isPresent()) {
                throw new CommandRefused(409, "host '" + host + "' already holds role '" + role + "'");
            }
            if (current.isEmpty()) {
                RecoveryRecord r = execute(Planner.initial(state, host), "move-role " + role + " " + host);
                if (!r.success()) {
                    throw new CommandRefused(409, "move-role refused: " + r.outcome());
                }
                return "OK: Role '" + role + "' has been given to '" + host + "'.";
            }
            switchover(current.get(), host, "move-role " + role + " " + host);
            return "OK: Role '" + role + "' has been moved from '" + current.get() + "' to '" + host
                    + "'. Now you can wait some time and check new roles info!";
        });
    }

    /**
     * Switches the monitor mode.
     *
     * @throws CommandRefused while starting
     */
    public String setMode(MonitorMode mode) throws CommandRefused {
        return command(() -> {
            state = state.withMode(mode, clock.instant());
            persist();
            log.info("mode set to {} by operator", mode);
            return "OK: Switched into " + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode.";
        });
    }

    private void switchover(String from, String to, String why) throws CommandRefused {
        if (lastObservation.get(from) == null || !lastObservation.get(from).sqlOk()) {
            throw new CommandRefused(409, "the writer '" + from + "' does not answer; a failover, not a switchover, "
                    + "is needed");
        }
        RecoveryRecord r = execute(Planner.switchover(config, state, from, to), why);
        if (!r.success()) {
            throw new CommandRefused(409, "switchover refused, '" + from + "' stays the writer: " + r.outcome());
        }
        applyRoles();
    }

    private void applyRoles() {
        if (state.mode() == MonitorMode.PASSIVE) {
            return;
        }
        RoleAssigner.Assignment a = RoleAssigner.assign(config, state);
        logRoleChanges(state.roles(), a.roles());
        state = state.withRoles(a.roles());
    }

    private void requireHost(String host) throws CommandRefused {
        if (config.findHost(host).isEmpty()) {
            throw new CommandRefused(404, "unknown host '" + host + "'");
        }
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
        try {
            return c.run();
        } finally {
            publishRoutes(state.roles(), false);
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- routes

    /**
     * Publishes the role holders to routers when they differ from the last table (or a change starts or ends).
     * Listeners run synchronously, before the monitor goes on (so an in-process router stops using an old
     * writer before it is fenced). Caller holds the lock.
     */
    private void publishRoutes(Map<String, List<String>> holders, boolean changing) {
        Map<String, List<RouteTable.Backend>> roles = new LinkedHashMap<>();
        holders.forEach((role, hosts) -> roles.put(role, hosts.stream().map(config::host)
                .map(h -> new RouteTable.Backend(h.name(), h.address(), h.port())).toList()));
        RouteTable old = routes;
        if (old.version() > 0 && old.roles().equals(roles) && old.writerChanging() == changing
                && old.epoch() == state.epoch()) {
            return;
        }
        RouteTable next = new RouteTable(old.version() + 1, state.epoch(), clock.instant(), changing, roles);
        routes = next;
        for (var l : routeListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.error("route listener failed", e);
            }
        }
        synchronized (routeSignal) {
            routeSignal.notifyAll();
        }
    }

    /** The current route table, never null. */
    public RouteTable routes() {
        return routes;
    }

    /**
     * Waits until a table newer than {@code afterVersion} is published, at most {@code max} (long-poll).
     *
     * @return the current table: newer than {@code afterVersion}, or the same one when the wait ran out
     */
    public RouteTable awaitRoutes(long afterVersion, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (routeSignal) {
            while (routes.version() <= afterVersion && lifecycle != Lifecycle.CLOSED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                routeSignal.wait(Math.max(1, left / 1_000_000));
            }
        }
        return routes;
    }

    /** Registers a listener called with every new route table (synchronously, from the monitor's thread). */
    public void addRouteListener(java.util.function.Consumer<RouteTable> listener) {
        routeListeners.add(listener);
        listener.accept(routes);
    }

    /** Supplies the router's counters for the status view ({@code "routes"}); null when no router runs here. */
    public void setRouterStats(java.util.function.Supplier<Object> stats) {
        routerStats = stats == null ? () -> null : stats;
    }

    /** The router's counters, or null. */
    public Object routerStats() {
        return routerStats.get();
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

    /** Recent writer changes, newest first. */
    public List<RecoveryRecord> recoveries() {
        synchronized (recoveries) {
            return new ArrayList<>(recoveries);
        }
    }
}
