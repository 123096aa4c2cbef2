package io.ringmaster.core.state;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.MonitorConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.HostObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * MMM's host state machine, as a pure function of (previous state, observations, configuration, clock).
 *
 * <p>Transitions (MMM 2.2.1's, see shared/MMM.md, minus its flaws):
 * <ul>
 *   <li>ONLINE to HARD_OFFLINE when ping or mysql failed for the trap period; for the writer also at once when its
 *       server port refused the connection (strong evidence that the process is gone: a crash answers with RST
 *       within one round trip, while a timeout may be a slow server or a lossy network). Whether the writer is
 *       then really dead, and not only cut off from the monitor, is decided by
 *       {@link io.ringmaster.core.analysis.WriterAnalysis} from the hosts that replicate from it.</li>
 *   <li>ONLINE to REPLICATION_FAIL / REPLICATION_DELAY when rep_threads / rep_backlog failed for the trap period,
 *       unless the host is the writer, or the host it replicates from is the writer and is down (or there is no
 *       writer): then it lacks nothing that anyone has. A host whose source is another master that is down (a
 *       ring member, a pair's passive master) is cut off from the writer and loses its roles like any other:
 *       MMM's blanket exemption fits a pair's writer only. A master whose port refuses is HARD_OFFLINE at once,
 *       like the writer, so that its ring closes around it without the trap period.</li>
 *   <li>ONLINE or REPLICATION_* to AWAITING_RECOVERY when the server restarted (Uptime went down) or its GTID
 *       position went backwards: it may have lost data and must not take roles without proof or an operator.</li>
 *   <li>HARD_OFFLINE to AWAITING_RECOVERY as soon as ping and mysql pass again.</li>
 *   <li>AWAITING_RECOVERY to ONLINE only by {@code set-online}, or when {@code auto_set_online} &gt; 0 has
 *       elapsed with every check passing (for a flapping host, also a quiet {@code flap_duration}).</li>
 *   <li>REPLICATION_* to ONLINE when replication is healthy again; to AWAITING_RECOVERY instead when flapping.
 *       REPLICATION_DELAY is also cleared when its source goes down, as in MMM (what it lacks is in its relay
 *       log). Unlike MMM, REPLICATION_FAIL is not (nor does a down source count as passing for
 *       {@code auto_set_online}): a host whose threads broke while its source was up may hold stale or diverged
 *       data, and losing its source proves nothing about it.</li>
 *   <li>ADMIN_OFFLINE never changes by itself.</li>
 * </ul>
 * A fall from ONLINE to a failure state is remembered; more than {@code flap_count} falls within
 * {@code flap_duration} mark the host flapping until {@code set-online}.
 *
 * <p>Immutable and thread-safe.
 */
public final class StateMachine {
    private final RingmasterConfig config;
    private final MonitorConfig monitor;

    /** The result of one step: the next state and the transitions that led to it (maybe none). */
    public record Step(ClusterState state, List<Transition> transitions) {}

    public StateMachine(RingmasterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.monitor = config.monitor();
    }

    /**
     * Advances every host by one round of observations.
     *
     * @param prev         the previous state
     * @param observations the latest observation of each host; a host without one keeps its record
     * @param now          the monitor's clock
     * @return the next state (roles and sources unchanged) and the transitions
     */
    public Step step(ClusterState prev, Map<String, HostObservation> observations, Instant now) {
        Map<String, HostRecord> next = new LinkedHashMap<>();
        List<Transition> transitions = new ArrayList<>();
        Optional<String> writer = config.writerRole().map(RoleConfig::name).flatMap(prev::holder);
        for (HostConfig host : config.hosts()) {
            HostRecord rec = prev.host(host.name());
            HostObservation o = observations.get(host.name());
            if (o == null) {
                if (rec != null) {
                    next.put(host.name(), rec);
                }
                continue;
            }
            Optional<HostConfig> source = Optional.ofNullable(prev.sources().get(host.name()))
                    .flatMap(config::findHost);
            boolean sourceDown = source.isPresent() && sourceDown(source.get().name(), prev, observations);
            boolean isWriter = writer.filter(host.name()::equals).isPresent();
            // MMM's exemption holds only when what is down is the writer itself (or there is no writer): then the
            // host lacks nothing anyone has. A host whose source is another master (a ring member, a passive master)
            // is cut off from the writer and lacks its transactions: its checks count (issue 9)
            boolean fedByWriter = writer.isEmpty() || source.map(HostConfig::name).equals(writer);
            boolean sourceExempt = sourceDown && fedByWriter;
            HostRecord updated = advance(host.name(), rec, o, source, isWriter, sourceExempt, now, transitions,
                    host.isMaster());
            next.put(host.name(), updated);
        }
        return new Step(prev.withHosts(next, now), transitions);
    }

    private static boolean sourceDown(String source, ClusterState prev, Map<String, HostObservation> obs) {
        HostObservation so = obs.get(source);
        HostRecord sr = prev.host(source);
        return (so != null && !so.sqlOk()) || (sr != null && sr.state() != HostState.ONLINE);
    }

    private HostRecord advance(String name, HostRecord rec, HostObservation o, Optional<HostConfig> source,
                               boolean isWriter, boolean sourceExempt, Instant now, List<Transition> out,
                               boolean isMaster) {
        boolean exempt = isWriter || sourceExempt;
        Map<CheckName, CheckEvaluator.Result> results = CheckEvaluator.evaluate(o, source, monitor.maxBacklog());
        Map<CheckName, CheckStatus> checks = new EnumMap<>(CheckName.class);
        results.forEach((check, r) -> {
            CheckStatus old = rec == null ? null : rec.check(check);
            checks.put(check, old == null ? CheckStatus.first(r.passing(), r.message(), now)
                    : old.next(r.passing(), r.message(), now));
        });
        long uptime = o.sqlOk() ? o.uptimeSeconds() : (rec == null ? -1 : rec.uptimeSeconds());
        String seenPos = o.sqlOk() ? o.currentPos().toString() : (rec == null ? "" : rec.lastSeenPos());

        if (rec == null) {
            HostState first;
            String reason;
            if (!o.sqlOk()) {
                first = HostState.HARD_OFFLINE;
                reason = o.error();
            } else if (!exempt && !results.get(CheckName.REP_THREADS).passing()) {
                first = HostState.REPLICATION_FAIL;
                reason = results.get(CheckName.REP_THREADS).message();
            } else if (!exempt && !results.get(CheckName.REP_BACKLOG).passing()) {
                first = HostState.REPLICATION_DELAY;
                reason = results.get(CheckName.REP_BACKLOG).message();
            } else {
                first = HostState.ONLINE;
                reason = "";
            }
            out.add(new Transition(name, null, first, reason.isEmpty() ? "first check" : reason, now));
            return new HostRecord(first, now, reason, checks, uptime, List.of(), false, seenPos);
        }

        Duration trap = monitor.trapPeriod();
        boolean crashed = (isWriter || isMaster) && o.refused(); // any master: its ring or pair closes around it
        boolean down = crashed || failed(checks, CheckName.PING, trap, now) || failed(checks, CheckName.MYSQL, trap, now);
        boolean rawUp = o.reachable() && o.sqlOk();
        boolean repFail = !exempt && failed(checks, CheckName.REP_THREADS, trap, now);
        boolean delay = !exempt && failed(checks, CheckName.REP_BACKLOG, trap, now);
        boolean repPassing = checks.get(CheckName.REP_THREADS).passing()
                && checks.get(CheckName.REP_BACKLOG).passing();
        String unsafe = rawUp ? unsafeRestart(rec, o) : "";

        HostRecord base = new HostRecord(rec.state(), rec.since(), rec.reason(), checks, uptime,
                recentFalls(rec.falls(), now), rec.flapping(), seenPos);
        HostState to = rec.state();
        String reason = rec.reason();
        switch (rec.state()) {
            case ADMIN_OFFLINE -> { }
            case ONLINE -> {
                if (down) {
                    to = HostState.HARD_OFFLINE;
                    reason = downReason(checks);
                } else if (!unsafe.isEmpty()) {
                    to = HostState.AWAITING_RECOVERY;
                    reason = unsafe;
                } else if (repFail) {
                    to = HostState.REPLICATION_FAIL;
                    reason = checks.get(CheckName.REP_THREADS).message();
                } else if (delay) {
                    to = HostState.REPLICATION_DELAY;
                    reason = checks.get(CheckName.REP_BACKLOG).message();
                }
            }
            case HARD_OFFLINE -> {
                if (rawUp) {
                    to = HostState.AWAITING_RECOVERY;
                    reason = unsafe.isEmpty() ? "back after failure: " + rec.reason() : unsafe;
                }
            }
            case AWAITING_RECOVERY -> {
                if (down) {
                    to = HostState.HARD_OFFLINE;
                    reason = downReason(checks);
                } else if (!unsafe.isEmpty()) {
                    // a restart while waiting starts the wait again
                    return new HostRecord(to, now, unsafe, checks, uptime, base.falls(), base.flapping(), seenPos);
                } else if (rawUp && (isWriter || repPassing) && autoOnlineDue(base, now)) {
                    to = HostState.ONLINE;
                    reason = "";
                }
            }
            case REPLICATION_FAIL, REPLICATION_DELAY -> {
                if (down) {
                    to = HostState.HARD_OFFLINE;
                    reason = downReason(checks);
                } else if (!unsafe.isEmpty()) {
                    to = HostState.AWAITING_RECOVERY;
                    reason = unsafe;
                } else if (isWriter || repPassing || (sourceExempt && rec.state() == HostState.REPLICATION_DELAY)) {
                    // a lagging host only lacks what its relay log still holds, so its source going down clears
                    // it as in MMM; a host whose threads broke while its source was up may hold stale or diverged
                    // data, and its source going down proves nothing about it (MMM let it go ONLINE)
                    to = base.flapping() ? HostState.AWAITING_RECOVERY : HostState.ONLINE;
                    reason = base.flapping() ? "replication recovered, but the host is flapping" : "";
                } else if (repFail) {
                    to = HostState.REPLICATION_FAIL;
                    reason = checks.get(CheckName.REP_THREADS).message();
                } else if (delay) {
                    to = HostState.REPLICATION_DELAY;
                    reason = checks.get(CheckName.REP_BACKLOG).message();
                }
            }
        }
        if (to == rec.state()) {
            return new HostRecord(to, rec.since(), reason, checks, uptime, base.falls(), base.flapping(), seenPos);
        }
        List<Instant> falls = base.falls();
        boolean flapping = base.flapping();
        if (rec.state() == HostState.ONLINE) {
            List<Instant> f = new ArrayList<>(falls);
            f.add(now);
            falls = f;
            if (falls.size() > monitor.flapCount()) {
                flapping = true;
            }
        }
        out.add(new Transition(name, rec.state(), to, reason.isEmpty() ? "checks pass" : reason, now));
        return new HostRecord(to, now, reason, checks, uptime, falls, flapping, seenPos);
    }

    private boolean autoOnlineDue(HostRecord rec, Instant now) {
        Duration wait = monitor.autoSetOnline();
        if (wait.isZero()) {
            return false;
        }
        if (rec.flapping() && monitor.flapDuration().compareTo(wait) > 0) {
            wait = monitor.flapDuration();
        }
        return !rec.since().plus(wait).isAfter(now);
    }

    private List<Instant> recentFalls(List<Instant> falls, Instant now) {
        Instant horizon = now.minus(monitor.flapDuration());
        return falls.stream().filter(t -> t.isAfter(horizon)).toList();
    }

    private static boolean failed(Map<CheckName, CheckStatus> checks, CheckName c, Duration trap, Instant now) {
        return checks.get(c).failedFor(trap, now);
    }

    private static String downReason(Map<CheckName, CheckStatus> checks) {
        CheckStatus ping = checks.get(CheckName.PING);
        return ping.passing() ? "mysql: " + checks.get(CheckName.MYSQL).message() : "ping: " + ping.message();
    }

    /** Why the host may have lost data since it was last seen, or "" when nothing suggests it. */
    private static String unsafeRestart(HostRecord rec, HostObservation o) {
        if (rec.uptimeSeconds() >= 0 && o.uptimeSeconds() < rec.uptimeSeconds()) {
            return "server restarted (Uptime " + rec.uptimeSeconds() + " s -> " + o.uptimeSeconds() + " s)";
        }
        if (!rec.lastSeenPos().isEmpty()) {
            GtidPosition seen = GtidPosition.parse(rec.lastSeenPos());
            if (!o.currentPos().contains(seen)) {
                return "GTID position went backwards (" + seen + " -> " + o.currentPos() + ")";
            }
        }
        return "";
    }

    /**
     * Operator command {@code set-online}: allowed from ADMIN_OFFLINE and AWAITING_RECOVERY when ping and mysql
     * pass; clears flapping.
     *
     * @return the next state
     * @throws IllegalStateException with a one-line reason when refused
     */
    public ClusterState setOnline(ClusterState state, String host, Instant now) {
        HostRecord rec = known(state, host);
        if (rec.state() != HostState.ADMIN_OFFLINE && rec.state() != HostState.AWAITING_RECOVERY) {
            throw new IllegalStateException("host '" + host + "' is " + rec.state()
                    + "; set-online only applies to ADMIN_OFFLINE or AWAITING_RECOVERY hosts");
        }
        for (CheckName c : List.of(CheckName.PING, CheckName.MYSQL)) {
            CheckStatus s = rec.check(c);
            if (s == null || !s.passing()) {
                throw new IllegalStateException("host '" + host + "' fails its " + c.label() + " check"
                        + (s == null ? "" : ": " + s.message()));
            }
        }
        HostRecord online = new HostRecord(HostState.ONLINE, now, "", rec.checks(), rec.uptimeSeconds(),
                List.of(), false, rec.lastSeenPos());
        return replace(state, host, online, now);
    }

    /**
     * Operator command {@code set-online} with an observation of the host taken just now (not by a round): allowed
     * from ADMIN_OFFLINE and AWAITING_RECOVERY when that observation reached the server over SQL, whatever the last
     * round saw. Its Uptime and GTID position become the record's baseline, so a restart while the host was out of
     * service (an upgrade, a clone's swap of the data directory) that no round had seen yet is not taken for a
     * restart after set-online; one after the observation still is. Clears flapping.
     *
     * @param fresh the host's observation, taken after the operator asked
     * @return the next state
     * @throws IllegalStateException with a one-line reason when refused
     */
    public ClusterState setOnline(ClusterState state, String host, Instant now, HostObservation fresh) {
        HostRecord rec = known(state, host);
        if (rec.state() != HostState.ADMIN_OFFLINE && rec.state() != HostState.AWAITING_RECOVERY) {
            throw new IllegalStateException("host '" + host + "' is " + rec.state()
                    + "; set-online only applies to ADMIN_OFFLINE or AWAITING_RECOVERY hosts");
        }
        if (!fresh.sqlOk()) {
            throw new IllegalStateException("host '" + host + "' fails its " + (fresh.reachable()
                    ? CheckName.MYSQL.label() : CheckName.PING.label()) + " check: " + fresh.error());
        }
        HostRecord online = new HostRecord(HostState.ONLINE, now, "", rec.checks(), fresh.uptimeSeconds(),
                List.of(), false, fresh.currentPos().toString());
        return replace(state, host, online, now);
    }

    /**
     * Operator command {@code set-offline}: allowed from ONLINE, REPLICATION_FAIL, REPLICATION_DELAY and
     * AWAITING_RECOVERY. The caller moves the host's roles away first.
     *
     * @throws IllegalStateException with a one-line reason when refused
     */
    public ClusterState setOffline(ClusterState state, String host, Instant now) {
        HostRecord rec = known(state, host);
        switch (rec.state()) {
            case ONLINE, REPLICATION_FAIL, REPLICATION_DELAY, AWAITING_RECOVERY -> { }
            default -> throw new IllegalStateException("host '" + host + "' is " + rec.state()
                    + "; set-offline only applies to ONLINE, REPLICATION_FAIL, REPLICATION_DELAY or AWAITING_RECOVERY hosts");
        }
        return replace(state, host, rec.withState(HostState.ADMIN_OFFLINE, now, "set offline by operator"), now);
    }

    private static HostRecord known(ClusterState state, String host) {
        HostRecord rec = state.host(host);
        if (rec == null) {
            throw new IllegalStateException("host '" + host + "' has not been checked yet");
        }
        return rec;
    }

    private static ClusterState replace(ClusterState state, String host, HostRecord rec, Instant now) {
        Map<String, HostRecord> hosts = new LinkedHashMap<>(state.hosts());
        hosts.put(host, rec);
        return state.withHosts(hosts, now);
    }
}
