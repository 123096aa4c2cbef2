package io.ringmaster.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.decide.Action;
import io.ringmaster.core.decide.Decision;
import io.ringmaster.core.decide.RoundDecider;
import io.ringmaster.core.decide.RoundFacts;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.state.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Drives the real round decision ({@link RoundDecider#decide}) over rings of 3 to 5 masters, each with 0 to 2
 * replicas, on a model of replication: the writer (db1, never killed here: writer deaths are the failover
 * properties' business) commits one transaction per one-second round, and every host that runs receives, per round,
 * what the host it really replicates from had at the start of the round (one hop per round, so a ring of 5 has a
 * lag of up to 4 s when healthy). Heartbeat lag is what the model's clock says. Hosts other than the writer are
 * SIGKILLed (their port refuses) or frozen (timeouts) at random and come back at random (restarted: they wait in
 * AWAITING_RECOVERY); the operator sets waiting hosts online at random. The decision's ring changes and repoints
 * run on the model: repoints succeed, ring changes fail in some rounds (then nothing moves, as when a mandatory step
 * fails) and succeed in the others. Checked after every round:
 * <ol type="a">
 *   <li>no host that lacks one of the writer's transactions written more than max_backlog + trap_period + two
 *       check periods ago holds a role (the state machine needs lag above max_backlog for the trap period, and
 *       the lag is seen one round late);</li>
 *   <li>no host holds a role that has not run for longer than the trap period and a check period.</li>
 * </ol>
 * And at the end, once every host is back and set online: the ring is whole again (every master replicates from its
 * ring upstream; every replica from its master, or from the writer where the orphan rescue moved it), the model's
 * links are those of the state, and every host has every transaction.
 */
class RingHealingProperties {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TRAP = Duration.ofSeconds(2);

    /** One round: per host, whether it dies (crash or freeze) or comes back; maybe a set-online. */
    record Event(int host, int kind) {}

    /**
     * @param ringFails per round: the ring changes decided in that round fail (a mandatory step times out), so the
     *                  next rounds must decide them again, and hosts cut off from the writer meanwhile lose their roles
     */
    record Scenario(int masters, List<Integer> replicasPer, List<List<Event>> rounds, List<Boolean> ringFails) {}

    @Property(tries = 150)
    void noStaleHostHoldsARoleAndTheRingHealsInTheEnd(@ForAll("scenarios") Scenario scenario) {
        Run run = new Run(scenario);
        run.play();
        Statistics.label("masters").collect(scenario.masters());
        Statistics.label("ring closed around a dead master").collect(run.closes > 0);
        Statistics.label("rejoined").collect(run.rejoins > 0);
        Statistics.label("host lost its role while stale").collect(run.staleDrops > 0);
        Statistics.label("ring change failed").collect(run.ringFailures > 0);
        Statistics.label("host lost its role while stale").coverage(c -> c.check(true).percentage(p -> p >= 5));
        Statistics.label("ring closed around a dead master").coverage(c -> c.check(true).percentage(p -> p >= 50));
        Statistics.label("rejoined").coverage(c -> c.check(true).percentage(p -> p >= 50));
    }

    private static final class Server {
        boolean dead;
        boolean frozen;
        long applied;
        String source; // the host it really replicates from, or null
        Instant booted = T0.minusSeconds(1000);
        Instant downSince;
    }

    private static final class Run {
        final Scenario scenario;
        final RingmasterConfig config;
        final RoundDecider decider;
        final Map<String, Server> servers = new LinkedHashMap<>();
        final Map<String, HostObservation> lastGood = new HashMap<>();
        final List<Instant> writtenAt = new ArrayList<>(); // writtenAt.get(seq - 1): when transaction seq was committed
        final StringBuilder log = new StringBuilder();
        final Duration limit;
        ClusterState state;
        Instant now = T0;
        int closes;
        int rejoins;
        int staleDrops;
        int ringFailures;
        boolean ringFails;

        Run(Scenario s) {
            this.scenario = s;
            List<String> replicaMasters = new ArrayList<>();
            for (int m = 0; m < s.masters(); m++) {
                for (int r = 0; r < s.replicasPer().get(m); r++) {
                    replicaMasters.add("db" + (m + 1));
                }
            }
            this.config = TestClusters.cluster(TestClusters.monitor(TRAP, Duration.ZERO, 3, Duration.ofHours(1)),
                    s.masters(), replicaMasters, Optional.of("db1"));
            this.decider = new RoundDecider(config);
            this.limit = config.monitor().maxBacklog().plus(TRAP).plus(config.monitor().checkPeriod().multipliedBy(2));
            this.state = new ClusterState(MonitorMode.ACTIVE, T0, Map.of(), Map.of("writer", List.of("db1")),
                    Planner.initialSources(config), 0, T0);
            Map<String, String> sources = Planner.initialSources(config);
            config.hosts().forEach(h -> {
                Server sv = new Server();
                sv.source = sources.get(h.name());
                servers.put(h.name(), sv);
            });
        }

        void play() {
            List<String> names = config.hosts().stream().map(HostConfig::name).toList();
            for (int i = 0; i < 5; i++) {
                round(); // settle
            }
            for (int i = 0; i < scenario.rounds().size(); i++) {
                for (Event e : scenario.rounds().get(i)) {
                    String h = names.get(e.host() % names.size());
                    apply(h, e.kind());
                }
                // in windows of 5 rounds, longer than the trap period
                ringFails = scenario.ringFails().get(i / 5 % scenario.ringFails().size());
                round();
            }
            ringFails = false;
            // everything comes back, the operator sets every waiting host online
            servers.forEach((h, sv) -> {
                if (sv.dead || sv.frozen) {
                    apply(h, 2);
                }
            });
            for (int i = 0; i < 60; i++) {
                round();
                for (String h : names) {
                    if (state.host(h).state() == HostState.AWAITING_RECOVERY) {
                        state = decider.machine().setOnline(state, h, now);
                        log.append("  set-online ").append(h).append('\n');
                    }
                }
            }
            assertThat(state.ring().outOfRing()).as("ring whole again%n%s", log).isEmpty();
            Map<String, String> wanted = Planner.initialSources(config);
            servers.forEach((h, sv) -> {
                assertThat(sv.source).as("%s's real source%n%s", h, log).isEqualTo(state.sources().get(h));
                if (config.host(h).isMaster()) {
                    assertThat(sv.source).as("master %s at its place%n%s", h, log).isEqualTo(wanted.get(h));
                } else {
                    // a replica is back under its master, or under the writer where the orphan rescue put it
                    assertThat(sv.source).as("replica %s%n%s", h, log).isIn(wanted.get(h), "db1");
                }
            });
            long seq = servers.get("db1").applied;
            servers.forEach((h, sv) -> assertThat(sv.applied).as("%s has every transaction%n%s", h, log)
                    .isGreaterThanOrEqualTo(seq - config.masters().size()));
        }

        /** kind 0: crash; 1: freeze; 2: back (restarted); 3: nothing. Never the writer. */
        void apply(String h, int kind) {
            if (state.holder("writer").filter(h::equals).isPresent() || h.equals("db1")) {
                return;
            }
            Server sv = servers.get(h);
            switch (kind) {
                case 0 -> {
                    if (!sv.frozen) {
                        sv.downSince = sv.dead ? sv.downSince : now;
                        sv.dead = true;
                        log.append("  kill ").append(h).append('\n');
                    }
                }
                case 1 -> {
                    if (!sv.dead) {
                        sv.downSince = sv.frozen ? sv.downSince : now;
                        sv.frozen = true;
                        log.append("  freeze ").append(h).append('\n');
                    }
                }
                case 2 -> {
                    if (sv.dead || sv.frozen) {
                        if (sv.dead) {
                            sv.booted = now;
                        }
                        sv.dead = false;
                        sv.frozen = false;
                        log.append("  back ").append(h).append('\n');
                    }
                }
                default -> { }
            }
        }

        boolean runs(String h) {
            Server sv = servers.get(h);
            return !sv.dead && !sv.frozen;
        }

        void round() {
            now = now.plusSeconds(1);
            // replication: one hop per round, from what each source had at the start of the round
            Map<String, Long> before = new HashMap<>();
            servers.forEach((h, sv) -> before.put(h, sv.applied));
            servers.forEach((h, sv) -> {
                if (runs(h) && sv.source != null && runs(sv.source)) {
                    sv.applied = Math.max(sv.applied, before.get(sv.source));
                }
            });
            Server w = servers.get("db1");
            w.applied++;
            writtenAt.add(now);
            Map<String, HostObservation> obs = new LinkedHashMap<>();
            for (HostConfig h : config.hosts()) {
                obs.put(h.name(), observe(h.name()));
            }
            obs.values().stream().filter(HostObservation::sqlOk).forEach(o -> lastGood.put(o.host(), o));
            Map<String, List<String>> rolesBefore = state.roles();
            Decision d = decider.decide(state, obs, RoundFacts.ordinary(lastGood), now);
            d.transitions().forEach(t -> log.append("  ").append(now).append(' ').append(t).append('\n'));
            state = d.state();
            for (Action a : d.actions()) {
                execute(a);
            }
            check(rolesBefore);
        }

        HostObservation observe(String h) {
            Server sv = servers.get(h);
            if (sv.dead) {
                return Obs.of(h).at(now).refused("Connection refused").build();
            }
            if (sv.frozen) {
                return Obs.of(h).at(now).sqlFails("check timed out: no answer for 1000 ms").build();
            }
            Obs o = Obs.of(h).at(now).uptime(Duration.between(sv.booted, now).toSeconds())
                    .pos("0-1-" + sv.applied).readOnly(!h.equals("db1"));
            if (sv.source != null) {
                o.replicatingFrom(config.host(sv.source)).threads(runs(sv.source), true);
            }
            if (sv.applied > 0) {
                o.lag(Duration.between(writtenAt.get((int) sv.applied - 1), now));
            }
            return o.build();
        }

        void execute(Action a) {
            switch (a) {
                case Action.ChangeRing c when ringFails -> {
                    log.append("  ").append(now).append(' ').append(c.change().describe()).append(": FAILED\n");
                    ringFailures++;
                }
                case Action.ChangeRing c -> {
                    log.append("  ").append(now).append(' ').append(c.change().describe()).append(' ')
                            .append(c.change().newSources()).append('\n');
                    state = c.change().applyTo(state);
                    c.change().newSources().forEach((h, src) -> servers.get(h).source = src.isEmpty() ? null : src);
                    if (c.change().kind() == io.ringmaster.core.plan.RingChange.Kind.CLOSE) {
                        closes++;
                    } else {
                        rejoins++;
                    }
                }
                case Action.Repoint r -> {
                    log.append("  ").append(now).append(" repoint ").append(r.host()).append(" -> ")
                            .append(r.source()).append('\n');
                    Map<String, String> sources = new LinkedHashMap<>(state.sources());
                    sources.put(r.host(), r.source());
                    state = state.withSources(sources);
                    servers.get(r.host()).source = r.source();
                }
                case Action.ChangeWriter c -> throw new AssertionError("writer change with a live writer: " + c
                        + "\n" + log);
                case Action.Fence f -> { }
                case Action.MakeWritable m -> { }
                case Action.WriteHeartbeat h -> { }
                case Action.Detach d -> {
                    log.append("  ").append(now).append(" detach ").append(d.host()).append(" from ")
                            .append(d.source()).append('\n');
                    Map<String, String> sources = new LinkedHashMap<>(state.sources());
                    sources.remove(d.host());
                    state = state.withSources(sources);
                    servers.get(d.host()).source = null;
                }
            }
        }

        void check(Map<String, List<String>> rolesBefore) {
            long seq = servers.get("db1").applied;
            for (HostConfig h : config.hosts()) {
                String name = h.name();
                Server sv = servers.get(name);
                // the oldest of the writer's transactions it lacks was committed at writtenAt[applied]
                Duration stale = sv.applied >= seq ? Duration.ZERO
                        : Duration.between(writtenAt.get((int) sv.applied), now);
                boolean holds = !state.rolesOf(name).isEmpty();
                boolean held = rolesBefore.values().stream().anyMatch(l -> l.contains(name));
                if (held && !holds && runs(name) && stale.isPositive()) {
                    staleDrops++;
                }
                assertThat(holds && stale.compareTo(limit) > 0)
                        .as("%s holds %s while it lacks transactions for %s s (applied %d of %d)%n%s", name,
                                state.rolesOf(name), stale.toSeconds(), sv.applied, seq, log).isFalse();
                boolean downLong = !runs(name) && Duration.between(sv.downSince, now).compareTo(TRAP.plusSeconds(1)) > 0;
                assertThat(holds && downLong).as("%s holds a role but does not run since %s%n%s", name, sv.downSince,
                        log).isFalse();
            }
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> masters = Arbitraries.integers().between(3, 5);
        return masters.flatMap(m -> {
            Arbitrary<List<Integer>> replicas = Arbitraries.integers().between(0, 2).list().ofSize(m);
            int hosts = 2 * m + 2;
            Arbitrary<Event> event = Combinators.combine(Arbitraries.integers().between(0, hosts),
                    Arbitraries.frequency(
                            net.jqwik.api.Tuple.of(3, 0), net.jqwik.api.Tuple.of(2, 1), net.jqwik.api.Tuple.of(4, 2),
                            net.jqwik.api.Tuple.of(40, 3))).as(Event::new);
            Arbitrary<List<List<Event>>> rounds = event.list().ofMinSize(0).ofMaxSize(3).list().ofMinSize(20)
                    .ofMaxSize(60);
            Arbitrary<List<Boolean>> fails = Arbitraries.frequency(net.jqwik.api.Tuple.of(3, false),
                    net.jqwik.api.Tuple.of(1, true)).list().ofMinSize(1).ofMaxSize(30);
            return Combinators.combine(replicas, rounds, fails).as((r, rs, f) -> new Scenario(m, r, rs, f));
        });
    }

}
