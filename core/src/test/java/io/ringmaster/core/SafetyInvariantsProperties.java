package io.ringmaster.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.decide.Action;
import io.ringmaster.core.decide.Decision;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.decide.RoundDecider;
import io.ringmaster.core.decide.RoundFacts;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.gtid.GtidPosition.Gtid;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.core.roles.CandidateChoice;
import io.ringmaster.core.roles.CandidateChooser;
import io.ringmaster.core.roles.RoleAssigner;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.StateMachine;
import io.ringmaster.core.state.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;

/**
 * Drives the monitor's real round decision ({@link RoundDecider#decide}) over random sequences of faults and
 * operator commands, executing its actions on a model of the servers as the monitor does (a writer change
 * succeeds, a repoint succeeds), and checks the safety invariants after every round:
 * <ol type="a">
 *   <li>at most one host holds the exclusive (writer) role;</li>
 *   <li>in ACTIVE mode every role holder is ONLINE;</li>
 *   <li>a host that restarted (its Uptime went down), lost transactions (its GTID position went backwards) or
 *       flapped holds no role until {@code set-online} was applied to it;</li>
 *   <li>the chosen candidate has applied at least as much of the old writer's domain as every other eligible
 *       ONLINE master;</li>
 *   <li>no false failover: an automatic failover only ever moves the writer away from a host that is dead for
 *       its replicas too (crashed, or frozen / cut off from everyone), never from one that only the monitor cannot
 *       reach (probes timing out, lost probes, too many connections) or while the monitor was paused.</li>
 * </ol>
 * A server can crash (its port refuses: the decider fails over at once, without the trap period), freeze or be cut
 * off from everyone (timeouts for all; replicas lose their IO thread), be cut off from the monitor only (its
 * replicas stay connected), lose one probe now and then, or refuse logins; the monitor itself is paused in some
 * rounds (the pause watchdog distrusts the round).
 * Faults are sticky (a host stays down, or its replication stays broken, until a later event flips it back), so
 * that failures outlast the trap period often; flap_count is 1 so that flapping is reached within 40 rounds.
 *
 * <p>The harness remembers the last writer itself (for the old writer's GTID domain and for the failover plan):
 * {@link ClusterState} forgets it once the role is stripped and no candidate could take it in the same round.
 */
class SafetyInvariantsProperties {
    private static final int MAX_HOSTS = 6;
    private static final int FLAP_COUNT = 1;
    private static final Duration FLAP_DURATION = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    /** What happens to one host in one round. Every {@code flip} toggles a condition that persists. */
    record HostEvent(boolean flipReachable, boolean flipSql, boolean flipIoThread, boolean flipSqlThread,
                     boolean flipLag, boolean restart, int lost, int writes, boolean flipCrashed, boolean flipCutOff,
                     boolean lostProbe) {}

    /** An operator command: set-online or set-offline of the host at this index. */
    record Command(boolean online, int host) {}

    record Round(List<HostEvent> hosts, Optional<Command> command, boolean monitorPaused) {}

    record Scenario(int masters, List<Integer> replicaMasters, List<Round> rounds) {}

    @Property(tries = 200)
    void safetyInvariantsHoldAfterEveryRound(@ForAll("scenarios") Scenario scenario) {
        Run run = new Run(scenario);
        run.play();
        // the generator must reach the cases the invariants are about, or the property proves little
        Statistics.label("rounds").collect(scenario.rounds().size() / 10 * 10);
        Statistics.label("writer changes").collect(Math.min(run.writerChanges, 3));
        Statistics.label("failover").collect(run.failovers > 0);
        Statistics.label("writer lost to a fault").collect(run.writerStripped > 0);
        Statistics.label("tainted (restart, rollback, flap)").collect(run.taints > 0);
        Statistics.label("flapped").collect(run.flaps > 0);
        Statistics.label("set-online accepted").collect(run.setOnlines > 0);
        Statistics.label("crash failover").collect(run.crashFailovers > 0);
        Statistics.label("writer cut off from the monitor only").collect(run.writerCutOnly > 0);
        Statistics.label("failover").coverage(c -> c.check(true).percentage(p -> p >= 6));
        Statistics.label("tainted (restart, rollback, flap)").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("flapped").coverage(c -> c.check(true).percentage(p -> p >= 3));
        Statistics.label("set-online accepted").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("crash failover").coverage(c -> c.check(true).percentage(p -> p >= 2));
        Statistics.label("writer cut off from the monitor only").coverage(c -> c.check(true).percentage(p -> p >= 10));
    }

    /** The model of the servers plus the monitor loop under test. */
    private static final class Run {
        private final RingmasterConfig config;
        private final StateMachine machine;
        private final RoundDecider decider;
        private final Map<String, HostObservation> lastGood = new HashMap<>();
        private Optional<String> stranded = Optional.empty();
        private final List<HostConfig> hosts;
        private final Scenario scenario;
        private final Map<String, Server> servers = new LinkedHashMap<>();
        private final StringBuilder log = new StringBuilder();
        private ClusterState state;
        private Instant now = T0;
        private Optional<String> lastWriter = Optional.empty();
        int writerChanges;
        int failovers;
        int writerStripped;
        int taints;
        int flaps;
        int setOnlines;
        int crashFailovers;
        int writerCutOnly;

        Run(Scenario scenario) {
            this.scenario = scenario;
            this.config = TestClusters.cluster(
                    TestClusters.monitor(Duration.ofSeconds(2), Duration.ZERO, FLAP_COUNT, FLAP_DURATION),
                    scenario.masters(), scenario.replicaMasters().stream().map(i -> "db" + (i + 1)).toList(),
                    Optional.empty());
            this.decider = new RoundDecider(config);
            this.machine = decider.machine();
            this.hosts = config.hosts();
            this.state = new ClusterState(MonitorMode.ACTIVE, T0, Map.of(), Map.of(),
                    Planner.initialSources(config), 0, T0);
            for (int i = 0; i < hosts.size(); i++) {
                HostConfig h = hosts.get(i);
                servers.put(h.name(), new Server(h.isMaster() ? i + 1 : 0, i + 1));
            }
            log.append(hosts.stream().map(h -> h.name() + h.master().map(m -> "<-" + m).orElse("")).toList())
                    .append('\n');
        }

        void play() {
            int n = 0;
            for (Round round : scenario.rounds()) {
                now = now.plusSeconds(1);
                log.append("-- round ").append(++n).append(" t=").append(n).append('\n');
                round.command().ifPresent(this::command);
                Map<String, HostObservation> obs = observe(round);
                Optional<String> before = state.holder("writer");
                Optional<Finding> distrust = round.monitorPaused()
                        ? Optional.of(new Finding.MonitorPaused("the monitor was paused for about 1500 ms"))
                        : Optional.empty();
                if (distrust.isEmpty()) {
                    obs.values().stream().filter(HostObservation::sqlOk).forEach(o -> lastGood.put(o.host(), o));
                } else {
                    log.append("  monitor paused\n");
                }
                before.filter(w -> servers.get(w).cutOff && !servers.get(w).crashed && servers.get(w).reachable)
                        .ifPresent(w -> writerCutOnly++);
                Decision d = decider.decide(state, obs, new RoundFacts(false, distrust, stranded, lastGood, Map.of(),
                        Optional.empty()), now);
                d.transitions().forEach(this::noteTransition);
                state = d.state();
                stranded = d.strandedWriter();
                if (before.isPresent() && state.holder("writer").isEmpty()) {
                    writerStripped++;
                    // (e) no false failover: the role goes from a writer found down only when a witness confirms it
                    // (a writer stripped for a restart, errant GTIDs or an operator goes whatever it answers)
                    boolean down = state.host(before.get()).state() == HostState.HARD_OFFLINE;
                    assertThat(down && falseFailover(before.get(), obs))
                            .as("(e) took the writer role from %s, which is alive and dead to no witness%n%s",
                                    before.get(), log)
                            .isFalse();
                }
                d.actions().forEach(a -> execute(a, obs, before, round.monitorPaused()));
                checkInvariants(before);
            }
        }

        // ---- the servers ---------------------------------------------------------------------------------

        private Map<String, HostObservation> observe(Round round) {
            Map<String, GtidPosition> start = new HashMap<>();
            servers.forEach((h, s) -> start.put(h, s.pos));
            Optional<String> writer = state.holder("writer");
            Map<String, HostObservation> obs = new LinkedHashMap<>();
            // every server's fault of this round first, then the observations: a replica's IO thread sees its
            // source as it is in this round, as the witness check of invariant (e) does
            for (int i = 0; i < hosts.size(); i++) {
                HostConfig h = hosts.get(i);
                servers.get(h.name()).apply(round.hosts().get(i), writer.filter(h.name()::equals).isPresent());
            }
            for (int i = 0; i < hosts.size(); i++) {
                HostConfig h = hosts.get(i);
                Server s = servers.get(h.name());
                String source = state.sources().get(h.name());
                if (source != null && s.io && servers.get(source).answers()) {
                    s.received = s.pos.union(start.get(source));
                    if (s.sqlThread) {
                        s.pos = s.lagging ? s.pos.union(behind(s.received, 1)) : s.received;
                    }
                } else {
                    s.received = s.received.union(s.pos);
                }
                boolean sourceAlive = source != null && servers.get(source).aliveForReplicas();
                HostObservation o = s.observe(h.name(), now, source == null ? null : config.host(source), sourceAlive,
                        round.hosts().get(i).lostProbe() || round.monitorPaused());
                obs.put(h.name(), o);
                if (o.sqlOk() && s.noteObserved(o)) {
                    taints++;
                }
            }
            obs.values().forEach(o -> log.append("  ").append(describe(o)).append('\n'));
            return obs;
        }

        private static GtidPosition behind(GtidPosition p, long n) {
            return GtidPosition.of(p.gtids().stream().filter(g -> g.seq() > n)
                    .map(g -> new Gtid(g.domain(), g.serverId(), g.seq() - n)).toArray(Gtid[]::new));
        }

        // ---- the monitor ---------------------------------------------------------------------------------

        private void command(Command c) {
            String host = hosts.get(c.host() % hosts.size()).name();
            if (!c.online() && state.holder("writer").filter(host::equals).isPresent()) {
                // the monitor switches the writer over before it sets it offline (covered by SwitchoverIT)
                log.append("  set-offline ").append(host).append(": the writer (a switchover comes first)\n");
                return;
            }
            try {
                if (c.online()) {
                    state = machine.setOnline(state, host, now);
                    servers.get(host).cleared();
                    setOnlines++;
                } else {
                    state = machine.setOffline(state, host, now);
                }
                state = state.withRoles(RoleAssigner.assign(config, state).roles()); // as the monitor's command does
                log.append("  set-").append(c.online() ? "online " : "offline ").append(host).append(": OK\n");
            } catch (IllegalStateException e) {
                assertThat(e.getMessage()).doesNotContain("\n").contains(host);
                log.append("  set-").append(c.online() ? "online " : "offline ").append(host).append(": ")
                        .append(e.getMessage()).append('\n');
            }
        }

        private void noteTransition(Transition t) {
            log.append("  ").append(t).append('\n');
            if (t.from() == HostState.ONLINE && t.to() != HostState.ONLINE) {
                Server s = servers.get(t.host());
                s.falls.addLast(t.at());
                while (!s.falls.isEmpty() && !s.falls.peekFirst().isAfter(t.at().minus(FLAP_DURATION))) {
                    s.falls.removeFirst();
                }
                if (s.falls.size() > FLAP_COUNT) {
                    s.tainted = "flapped";
                    flaps++;
                    taints++;
                }
            }
        }

        /** Carries out one action of the decision on the model, as the monitor's executor does; each succeeds. */
        private void execute(Action a, Map<String, HostObservation> obs, Optional<String> writerBefore,
                             boolean paused) {
            switch (a) {
                case Action.ChangeWriter c -> changeWriter(c.change(), obs, writerBefore, paused);
                case Action.Repoint r -> {
                    Map<String, String> sources = new LinkedHashMap<>(state.sources());
                    sources.put(r.host(), r.source());
                    state = state.withSources(sources);
                    log.append("  repoint ").append(r.host()).append(" -> ").append(r.source()).append('\n');
                }
                case Action.Fence f -> assertThat(f.host()).as("fence of the writer%n%s", log)
                        .isNotEqualTo(state.holder("writer").orElse(""));
                case Action.MakeWritable m -> assertThat(state.holder("writer")).as("writable non-writer%n%s", log)
                        .contains(m.host());
                case Action.WriteHeartbeat h -> assertThat(state.holder("writer")).contains(h.host());
                case Action.Detach d -> {
                    Map<String, String> sources = new LinkedHashMap<>(state.sources());
                    sources.remove(d.host());
                    state = state.withSources(sources);
                    log.append("  detach ").append(d.host()).append(" from ").append(d.source()).append('\n');
                }
                case Action.ChangeRing c -> {
                    state = c.change().applyTo(state);
                    log.append("  ").append(c.change().describe()).append('\n');
                }
            }
        }

        private void changeWriter(WriterChange change, Map<String, HostObservation> obs,
                                  Optional<String> writerBefore, boolean paused) {
            String to = change.to();
            assertThat(paused).as("a decision acted on a paused round%n%s", log).isFalse();
            Optional<Long> domain = change.from().map(w -> servers.get(w).domain);
            checkCandidateIsMostAdvanced(to, change.from(), domain, obs);
            if (change.kind() == WriterChange.Kind.FAILOVER) {
                Server old = servers.get(change.from().orElseThrow());
                failovers++;
                if (old.crashed) {
                    crashFailovers++;
                }
            }
            Map<String, List<String>> roles = new LinkedHashMap<>(state.roles());
            roles.put("writer", List.of(to));
            long epoch = state.epoch();
            state = state.withRoles(roles).withSources(change.newSources()).nextEpoch();
            stranded = Optional.empty();
            assertThat(state.epoch()).isEqualTo(epoch + 1);
            lastWriter = Optional.of(to);
            writerChanges++;
            log.append("  writer -> ").append(to).append(" epoch ").append(state.epoch()).append(' ')
                    .append(change.steps().stream().map(s -> s.describe()).toList()).append('\n');
        }

        /**
         * A failover of a live writer that no witness showed dead: some host replicating from it that the monitor
         * could ask still had its connection, or none of them could be asked. (A live writer whose every answering
         * replica lost its IO thread for reasons of its own is dead to the evidence: failing it over is by design.)
         */
        private boolean falseFailover(String writer, Map<String, HostObservation> obs) {
            if (!servers.get(writer).aliveForReplicas()) {
                return false;
            }
            List<String> below = state.sources().entrySet().stream().filter(e -> e.getValue().equals(writer))
                    .map(Map.Entry::getKey).toList();
            boolean connectedWitness = below.stream().anyMatch(h -> obs.get(h).sqlOk() && servers.get(h).io);
            boolean noWitness = !below.isEmpty() && below.stream().noneMatch(h -> obs.get(h).sqlOk());
            return connectedWitness || noWitness;
        }

        // ---- the invariants ------------------------------------------------------------------------------

        private void checkInvariants(Optional<String> writerBefore) {
            String trace = log.toString();
            // (a) one writer at most
            assertThat(state.holders("writer")).as("(a) one writer at most%n%s", trace).hasSizeLessThanOrEqualTo(1);
            // (b) in ACTIVE mode, only ONLINE hosts hold roles
            state.roles().forEach((role, holders) -> holders.forEach(h -> assertThat(state.host(h).state())
                    .as("(b) %s holds %s%n%s", h, role, trace).isEqualTo(HostState.ONLINE)));
            // (c) no role for a restarted, rolled-back or flapping host until set-online
            servers.forEach((h, s) -> {
                if (s.tainted != null) {
                    assertThat(state.rolesOf(h)).as("(c) %s %s and holds roles%n%s", h, s.tainted, trace)
                            .isEmpty();
                }
            });
            // the writer does not move while its holder stays ONLINE
            writerBefore.filter(w -> state.host(w).state() == HostState.ONLINE)
                    .ifPresent(w -> assertThat(state.holder("writer")).as("writer moved off ONLINE %s%n%s", w, trace)
                            .contains(w));
        }

        /** (d) */
        private void checkCandidateIsMostAdvanced(String to, Optional<String> excluded, Optional<Long> domain,
                                                  Map<String, HostObservation> obs) {
            long chosen = applied(obs.get(to), domain);
            for (String m : config.writerRole().orElseThrow().hosts()) {
                HostObservation o = obs.get(m);
                boolean eligible = !excluded.filter(m::equals).isPresent() && state.host(m) != null
                        && state.host(m).state() == HostState.ONLINE && o != null && o.sqlOk();
                if (eligible) {
                    assertThat(chosen).as("(d) chose %s but %s applied more%n%s", to, m, log)
                            .isGreaterThanOrEqualTo(applied(o, domain));
                }
            }
        }

        private static long applied(HostObservation o, Optional<Long> domain) {
            return domain.map(d -> o.currentPos().seq(d))
                    .orElseGet(() -> o.currentPos().gtids().stream().mapToLong(Gtid::seq).sum());
        }

        private static String describe(HostObservation o) {
            if (!o.sqlOk()) {
                return o.host() + " DOWN(" + o.error() + ")";
            }
            return o.host() + " up=" + o.uptimeSeconds() + " pos=" + o.currentPos()
                    + o.replication().map(l -> " io=" + l.ioRunning() + " sql=" + l.sqlRunning() + " from="
                            + l.sourceHost()).orElse(" (no replication)")
                    + o.lag().map(l -> " lag=" + l.toSeconds()).orElse("");
        }
    }

    /** One modelled server: its sticky conditions, data and what the monitor last saw of it. */
    private static final class Server {
        final long domain;
        final long serverId;
        boolean reachable = true;
        boolean crashed;
        boolean cutOff;
        boolean sqlOk = true;
        boolean io = true;
        boolean sqlThread = true;
        boolean lagging;
        long uptime = 1000;
        GtidPosition pos = GtidPosition.empty();
        GtidPosition received = GtidPosition.empty();
        // what the monitor has seen, for invariant (c)
        long lastUptime = -1;
        GtidPosition lastPos;
        String tainted;
        final Deque<Instant> falls = new ArrayDeque<>();

        Server(long domain, long serverId) {
            this.domain = domain;
            this.serverId = serverId;
        }

        boolean answers() {
            return reachable && !crashed && sqlOk;
        }

        /** Its replicas can reach it: not crashed, not frozen or cut off from everyone. */
        boolean aliveForReplicas() {
            return reachable && !crashed;
        }

        void apply(HostEvent e, boolean writer) {
            reachable ^= e.flipReachable();
            crashed ^= e.flipCrashed();
            cutOff ^= e.flipCutOff();
            sqlOk ^= e.flipSql();
            io ^= e.flipIoThread();
            sqlThread ^= e.flipSqlThread();
            lagging ^= e.flipLag();
            uptime++;
            if (e.restart()) {
                uptime = 0;
                pos = Run.behind(pos, e.lost());
                received = pos;
            }
            if (writer && answers() && e.writes() > 0) {
                pos = pos.union(GtidPosition.of(new Gtid(domain, serverId, pos.seq(domain) + e.writes())));
            }
        }

        HostObservation observe(String host, Instant at, HostConfig source, boolean sourceAlive, boolean probeLost) {
            if (crashed) {
                return HostObservation.refused(host, at, "TCP connect refused");
            }
            if (!reachable || cutOff || probeLost) {
                return HostObservation.failed(host, at, true, "check timed out");
            }
            if (!sqlOk) {
                return HostObservation.failed(host, at, true, "1040: Too many connections");
            }
            boolean connected = io && sourceAlive;
            Optional<ReplicaLink> link = Optional.ofNullable(source).map(s -> new ReplicaLink(s.address(), s.port(),
                    connected, connected ? "Yes" : "Connecting", sqlThread, connected ? 0 : 2003,
                    connected ? "" : "Can't connect",
                    sqlThread ? 0 : 1062, sqlThread ? "" : "Duplicate entry", true, received,
                    OptionalLong.of(lagging ? 30 : 0)));
            return new HostObservation(host, at, true, true, "", source != null, serverId, domain, uptime, pos, pos,
                    link, Optional.of(Duration.ofSeconds(lagging ? 30 : 0)), false);
        }

        /** Remembers what the monitor saw; true when it shows a restart or lost transactions. */
        boolean noteObserved(HostObservation o) {
            boolean unsafe = false;
            if (lastUptime >= 0 && o.uptimeSeconds() < lastUptime) {
                tainted = "restarted";
                unsafe = true;
            }
            if (lastPos != null && !o.currentPos().contains(lastPos)) {
                tainted = "went back from " + lastPos;
                unsafe = true;
            }
            lastUptime = o.uptimeSeconds();
            lastPos = o.currentPos();
            return unsafe;
        }

        void cleared() {
            tainted = null;
            falls.clear();
        }
    }

    // ---- generators --------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.integers().between(2, 3).flatMap(masters -> {
            Arbitrary<List<Integer>> replicas = Arbitraries.integers().between(0, masters - 1).list()
                    .ofMaxSize(MAX_HOSTS - masters);
            // in a quarter of the scenarios the IO thread breaks and heals often while little else happens,
            // so hosts fall from ONLINE and come back again and again: they flap
            Arbitrary<List<Round>> rounds = Arbitraries.frequencyOf(
                    Tuple.of(3, round(new Chances(6, 3, 12, 8, 8, 3, 8, 6, 8)).list().ofMinSize(10).ofMaxSize(40)
                            .withSizeDistribution(RandomDistribution.uniform())),
                    Tuple.of(1, round(new Chances(1, 1, 20, 2, 2, 1, 1, 2, 2)).list().ofMinSize(30).ofMaxSize(50)));
            return Combinators.combine(replicas, rounds).as((r, rs) -> new Scenario(masters, r, rs));
        });
    }

    /** The chance in percent, per host and round, of each kind of {@link HostEvent}. */
    record Chances(int reachable, int sql, int ioThread, int sqlThread, int lag, int restart, int crash, int cutOff,
                   int lostProbe) {}

    private static Arbitrary<Round> round(Chances chances) {
        Arbitrary<Optional<Command>> someCommand = Combinators.combine(chance(70),
                Arbitraries.integers().between(0, MAX_HOSTS - 1)).as(Command::new).map(Optional::of);
        Arbitrary<Optional<Command>> command = Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.just(Optional.<Command>empty())), Tuple.of(3, someCommand));
        return Combinators.combine(hostEvent(chances).list().ofSize(MAX_HOSTS), command, chance(4)).as(Round::new);
    }

    private static Arbitrary<HostEvent> hostEvent(Chances c) {
        return Combinators.combine(chance(c.reachable()), chance(c.sql()), chance(c.ioThread()),
                chance(c.sqlThread()), chance(c.lag()), chance(c.restart()),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3)).as(
                        (r, q, io, sq, lag, rs, lost, w) -> new int[] {b(r), b(q), b(io), b(sq), b(lag), b(rs), lost, w})
                .flatMap(v -> Combinators.combine(chance(c.crash()), chance(c.cutOff()), chance(c.lostProbe()))
                        .as((cr, cut, lp) -> new HostEvent(v[0] == 1, v[1] == 1, v[2] == 1, v[3] == 1, v[4] == 1,
                                v[5] == 1, v[6], v[7], cr, cut, lp)));
    }

    private static int b(boolean x) {
        return x ? 1 : 0;
    }

    /**
     * True with the given chance in percent; shrinks towards false (nothing happens). Without edge cases: jqwik
     * would otherwise mix in 1 and 100 far more often than 1 in 100, and every chance would be about one half.
     */
    private static Arbitrary<Boolean> chance(int percent) {
        return Arbitraries.integers().between(1, 100).withoutEdgeCases().map(i -> i > 100 - percent);
    }
}
