package io.ringmaster.core.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.Obs;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.analysis.ErrantTransactions;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.plan.Step;
import io.ringmaster.core.state.ClusterState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Golden-file tests of the round decision: a snapshot (previous state, this round's observations, facts) in, the
 * whole {@link Decision} out, rendered as text and compared with {@code src/test/resources/golden/decisions/NAME.txt}.
 * One file per finding and per failover path, the fast ones included. Run with {@code -Dgolden.update=true} to
 * rewrite the files after a deliberate change, then read the diff.
 */
class RoundDecisionGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/decisions");
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    /** A monitor's view of a cluster, advanced round by round through the real decider. */
    private static final class Sim {
        final RingmasterConfig config;
        final RoundDecider decider;
        final Map<String, HostObservation> lastGood = new HashMap<>();
        ClusterState state;
        Instant now = T0;
        Optional<String> stranded = Optional.empty();
        Decision last;

        Sim(RingmasterConfig config) {
            this.config = config;
            this.decider = new RoundDecider(config);
            this.state = new ClusterState(MonitorMode.ACTIVE, T0, Map.of(), Map.of(), Planner.initialSources(config),
                    0, T0);
        }

        /** Rounds until db1 is the ONLINE writer and every host ONLINE. */
        Sim settled() {
            round(Map.of(), f -> f);
            return this;
        }

        Obs healthy(String host) {
            String source = state.sources().get(host);
            Obs o = Obs.of(host).at(now).uptime(1000 + Duration.between(T0, now).toSeconds()).pos("1-1-10")
                    .readOnly(!state.holder("writer").filter(host::equals).isPresent());
            return source == null ? o : o.replicatingFrom(config.host(source));
        }

        Decision round(Map<String, UnaryOperator<Obs>> overrides, UnaryOperator<RoundFacts> facts) {
            Map<String, HostObservation> obs = new LinkedHashMap<>();
            for (HostConfig h : config.hosts()) {
                obs.put(h.name(), overrides.getOrDefault(h.name(), UnaryOperator.identity()).apply(healthy(h.name()))
                        .build());
            }
            RoundFacts f = facts.apply(new RoundFacts(false, Optional.empty(), stranded, lastGood, Map.of(),
                    Optional.empty()));
            if (f.distrust().isEmpty()) {
                obs.values().stream().filter(HostObservation::sqlOk).forEach(o -> lastGood.put(o.host(), o));
            }
            last = decider.decide(state, obs, f, now);
            state = last.state();
            stranded = last.strandedWriter();
            last.actions().forEach(this::succeed);
            return last;
        }

        /** Each action succeeds, as the executor would record it. */
        private void succeed(Action a) {
            switch (a) {
                case Action.ChangeWriter c -> {
                    Map<String, List<String>> roles = new LinkedHashMap<>(state.roles());
                    roles.put("writer", List.of(c.change().to()));
                    state = state.withRoles(roles).withSources(c.change().newSources()).nextEpoch();
                    stranded = Optional.empty();
                }
                case Action.Repoint r -> {
                    Map<String, String> sources = new LinkedHashMap<>(state.sources());
                    sources.put(r.host(), r.source());
                    state = state.withSources(sources);
                }
                case Action.Fence f -> { }
                case Action.MakeWritable m -> { }
                case Action.WriteHeartbeat h -> { }
                case Action.Detach dt -> {
                    Map<String, String> sources = new LinkedHashMap<>(state.sources());
                    sources.remove(dt.host());
                    state = state.withSources(sources);
                }
                case Action.ChangeRing c -> state = c.change().applyTo(state);
            }
        }

        Sim advance(long ms) {
            now = now.plusMillis(ms);
            return this;
        }
    }

    private static String render(Decision d) {
        StringBuilder b = new StringBuilder();
        b.append("transitions:\n");
        d.transitions().forEach(t -> b.append("  ").append(t.host()).append(": ").append(t.from()).append(" -> ")
                .append(t.to()).append(" (").append(t.reason()).append(")\n"));
        ClusterState s = d.state();
        b.append("state: mode ").append(s.mode()).append(", epoch ").append(s.epoch()).append('\n');
        s.hosts().forEach((h, r) -> b.append("  ").append(h).append(' ').append(r.state())
                .append(r.reason().isEmpty() ? "" : " (" + r.reason() + ")").append('\n'));
        b.append("  roles ").append(new java.util.TreeMap<>(s.roles())).append('\n');
        b.append("  sources ").append(new java.util.TreeMap<>(s.sources())).append('\n');
        if (!s.ring().outOfRing().isEmpty()) {
            b.append("  out of the ring ").append(s.ring().outOfRing()).append('\n');
        }
        b.append("actions:\n");
        for (Action a : d.actions()) {
            b.append("  ").append(a.getClass().getSimpleName()).append(' ').append(a.host()).append(" [")
                    .append(a.onFailure()).append("]: ").append(a.reason()).append('\n');
            if (a instanceof Action.ChangeWriter c) {
                b.append("    ").append(c.change().kind()).append(' ').append(c.change().from().orElse("-"))
                        .append(" -> ").append(c.change().to()).append('\n');
                for (Step st : c.change().steps()) {
                    b.append("    - ").append(st.describe()).append('\n');
                }
            }
            if (a instanceof Action.ChangeRing c) {
                b.append("    ").append(c.change().kind()).append(' ').append(c.change().host()).append('\n');
                c.change().steps().forEach(st -> b.append("    - ").append(st.describe())
                        .append(st.mandatory() ? "" : " (best effort)").append('\n'));
            }
        }
        b.append("findings:\n");
        d.findings().forEach(f -> b.append("  ").append(f.code()).append(' ').append(f.host().isEmpty() ? "-" : f.host())
                .append(": ").append(f.summary()).append("\n    clear: ").append(f.howToClear()).append('\n'));
        b.append("notes:\n");
        d.notes().forEach(n -> b.append("  ").append(n).append('\n'));
        b.append("stranded writer: ").append(d.strandedWriter().orElse("-")).append('\n');
        return b.toString();
    }

    private static void assertGolden(String name, Decision d) throws IOException {
        String actual = render(d);
        Path file = GOLDEN.resolve(name + ".txt");
        if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            assertThat(Boolean.getBoolean("golden.update")).as("golden file %s was missing: written, review it", file)
                    .isTrue();
        }
        assertThat(actual).as("decision differs from %s (rerun with -Dgolden.update=true after a deliberate "
                + "change)", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static Map<String, UnaryOperator<Obs>> with(Object... hostAndChange) {
        Map<String, UnaryOperator<Obs>> m = new LinkedHashMap<>();
        for (int i = 0; i < hostAndChange.length; i += 2) {
            @SuppressWarnings("unchecked")
            UnaryOperator<Obs> op = (UnaryOperator<Obs>) hostAndChange[i + 1];
            m.put((String) hostAndChange[i], op);
        }
        return m;
    }

    private static UnaryOperator<Obs> lostIo() {
        return o -> o.threads(false, true);
    }

    private Sim pair() {
        return new Sim(TestClusters.pair()).settled();
    }

    // ---- the first round and the steady state ------------------------------------------------------------

    @Test
    void firstRoundAdoptsTheOnlyWritableMaster() throws IOException {
        Sim s = new Sim(TestClusters.pair());
        Decision d = s.round(with("db1", (UnaryOperator<Obs>) o -> o.readOnly(false)),
                f -> new RoundFacts(true, f.distrust(), f.strandedWriter(), f.lastGood(), f.errant(),
                        f.failoverBlocked()));
        assertGolden("first-round-adopts-writer", d);
    }

    @Test
    void firstRoundWithTwoWritableMastersGoesPassive() throws IOException {
        Sim s = new Sim(TestClusters.pair());
        Decision d = s.round(with("db1", (UnaryOperator<Obs>) o -> o.readOnly(false),
                        "db2", (UnaryOperator<Obs>) o -> o.readOnly(false)),
                f -> new RoundFacts(true, f.distrust(), f.strandedWriter(), f.lastGood(), f.errant(),
                        f.failoverBlocked()));
        assertGolden("first-round-careful-startup", d);
    }

    @Test
    void steadyRoundReassertsReadOnlyAndWritesTheHeartbeat() throws IOException {
        Sim s = pair();
        Decision d = s.advance(1000).round(with("r1", (UnaryOperator<Obs>) o -> o.readOnly(false)), f -> f);
        assertGolden("steady-fence-writable-replica", d);
    }

    // ---- failover paths ------------------------------------------------------------------------------------

    @Test
    void crashedWriterFailsOverAtOnce() throws IOException {
        Sim s = pair();
        // refused, and both hosts below it lost their IO thread in the same moment: no trap period
        Decision d = s.advance(100).round(with("db1", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db2", lostIo(), "r1", lostIo()), f -> f);
        assertGolden("crash-fails-over-at-once", d);
    }

    @Test
    void crashedWriterStillReadByAReplicaIsKept() throws IOException {
        Sim s = pair();
        Decision d = s.advance(100).round(with("db1", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db2", lostIo()), f -> f);
        assertGolden("crash-but-replica-connected", d);
    }

    @Test
    void frozenWriterWaitsOutTheTrapPeriodThenFailsOver() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> frozen = o -> o.sqlFails("check timed out: no answer for 1000 ms");
        Decision early = s.advance(1000).round(with("db1", frozen, "db2", lostIo(), "r1", lostIo()), f -> f);
        assertGolden("freeze-within-trap-period", early);
        Decision d = s.advance(3000).round(with("db1", frozen, "db2", lostIo(), "r1", lostIo()), f -> f);
        assertGolden("freeze-fails-over-after-trap-period", d);
    }

    @Test
    void writerCutOffFromTheMonitorOnlyIsKept() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> cut = o -> o.sqlFails("check timed out: no answer for 1000 ms");
        s.advance(1000).round(with("db1", cut), f -> f);
        Decision d = s.advance(3000).round(with("db1", cut), f -> f);
        assertGolden("writer-unreachable-from-monitor-only", d);
    }

    @Test
    void writerCutFromTheMonitorOnlyIsFailedOverOnceItsAgentsLeaseRanOut() throws IOException {
        RingmasterConfig base = TestClusters.pair();
        java.util.List<io.ringmaster.core.config.AgentConfig> agents = base.hosts().stream()
                .map(h -> new io.ringmaster.core.config.AgentConfig(h.name(), h.address(), 9989, h.address(),
                        Optional.of("eth0"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty())).toList();
        RingmasterConfig withAgents = new RingmasterConfig(base.cluster(), base.source(), base.monitor(),
                base.monitorUser(), base.replicationUser(), base.hosts(), base.roles(), base.safety(), base.hooks(),
                base.checksum(), new io.ringmaster.core.config.AgentsConfig(
                        io.ringmaster.core.config.ApiAccess.open(), Duration.ofSeconds(6), Duration.ofSeconds(2),
                        agents));
        Sim s = new Sim(withAgents).settled();
        UnaryOperator<Obs> cut = o -> o.sqlFails("check timed out: no answer for 1000 ms");
        s.advance(1000).round(with("db1", cut), f -> f);
        Decision kept = s.advance(3000).round(with("db1", cut), f -> f);
        assertThat(kept.state().holder("writer")).as("within the agent's lease").contains("db1");
        // the monitor still reaches db1's agent (only its path to the server is gone): the agent keeps its
        // lease and its server its writes, so nothing moves however long it lasts
        Decision reached = s.advance(3000).round(with("db1", cut), f -> f);
        assertThat(reached.state().holder("writer")).as("agent still renewed").contains("db1");
        Decision d = s.advance(1000).round(with("db1", cut), f -> f.withAgentFenced(java.util.Set.of("db1")));
        assertGolden("writer-cut-from-monitor-only-after-agent-lease", d);
    }

    @Test
    void writerAndEveryHostBelowItSilentIsNotFailedOver() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> cut = o -> o.sqlFails("check timed out: no answer for 1000 ms");
        s.advance(1000).round(with("db1", cut, "db2", cut, "r1", cut), f -> f);
        Decision d = s.advance(3000).round(with("db1", cut, "db2", cut, "r1", cut), f -> f);
        assertGolden("writer-unconfirmed", d);
    }

    @Test
    void antiFlapBlocksTheFailover() throws IOException {
        Sim s = pair();
        Decision d = s.advance(100).round(with("db1", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db2", lostIo(), "r1", lostIo()), f -> new RoundFacts(false, f.distrust(), f.strandedWriter(),
                f.lastGood(), f.errant(), Optional.of("anti-flap: automatic failover F-1 ran at 2025-01-01T00:00:00Z")));
        assertGolden("failover-blocked", d);
    }

    @Test
    void noCandidateWhenTheOtherMasterIsDownToo() throws IOException {
        Sim s = pair();
        Decision d = s.advance(100).round(with("db1", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db2", (UnaryOperator<Obs>) o -> o.refused("refused"), "r1", lostIo()), f -> f);
        assertGolden("no-candidate", d);
    }

    @Test
    void ringFailoverStopsTheApplierBeforePromotingAndRepointsAfter() throws IOException {
        Sim s = new Sim(TestClusters.cluster(TestClusters.defaultMonitor(), 3, List.of("db1"), Optional.of("db1")))
                .settled();
        Decision d = s.advance(100).round(with("db1", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db2", lostIo(), "r1", lostIo()), f -> f);
        assertGolden("ring-crash-failover", d);
    }

    // ---- findings that hold hosts or freeze the round ----------------------------------------------------

    @Test
    void errantHostWaitsOutOfEveryRole() throws IOException {
        Sim s = pair();
        Decision d = s.advance(1000).round(Map.of(), f -> new RoundFacts(false, f.distrust(), f.strandedWriter(),
                f.lastGood(), Map.of("r2", List.of(new ErrantTransactions.Range(4, 4, 1, 1))), f.failoverBlocked()));
        assertGolden("errant-host-held", d);
    }

    @Test
    void pausedMonitorChangesNothing() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> stalled = o -> o.sqlFails("check timed out: no answer for 4500 ms");
        Decision d = s.advance(5000).round(with("db1", stalled, "db2", stalled, "r1", stalled, "r2", stalled),
                f -> new RoundFacts(false, Optional.of(new Finding.MonitorPaused(
                        "the monitor was paused or starved for about 4800 ms")), f.strandedWriter(), f.lastGood(),
                        f.errant(), f.failoverBlocked()));
        assertGolden("monitor-paused", d);
    }

    @Test
    void monitorWithoutItsNetworkChangesNothing() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> gone = o -> o.unreachable("TCP connect failed: No route to host");
        Decision d = s.advance(5000).round(with("db1", gone, "db2", gone, "r1", gone, "r2", gone),
                f -> new RoundFacts(false, Optional.of(new Finding.MonitorNetworkDown(
                        "network check failed: none of ping_ips [10.0.0.254:22] answers")), f.strandedWriter(),
                        f.lastGood(), f.errant(), f.failoverBlocked()));
        assertGolden("monitor-network-down", d);
    }

    @Test
    void replicaOfADeadMasterMovesUnderTheWriter() throws IOException {
        // the passive master of a pair is found dead by the writer that reads from it: the pair closes around it
        // (the writer stops reading from it) and its replica moves under the writer in the same round
        Sim s = pair();
        UnaryOperator<Obs> dead = o -> o.refused("refused");
        Decision d = s.advance(1000).round(with("db2", dead, "db1", lostIo(), "r2", lostIo()), f -> f);
        assertGolden("pair-passive-master-dies", d);
    }

    @Test
    void orphanReplicaIsRescuedWhenItsMasterIsNotConfirmedDead() throws IOException {
        // db1 still reads from db2 (connected): db2 is not confirmed dead, so no ring change, but r2 lost it
        Sim s = pair();
        UnaryOperator<Obs> dead = o -> o.refused("refused");
        Decision d = s.advance(1000).round(with("db2", dead, "r2", lostIo()), f -> f);
        assertThat(d.actions()).noneMatch(a -> a instanceof Action.ChangeRing);
        assertGolden("orphan-replica-rescued", d);
    }

    // ---- issue 9 item 6: no writer, and the first look at a writer a dead monitor left half-done ---------------

    @Test
    void bothMastersRestartedLeaveNoWriterWithTheCommandThatRestoresService() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> dead = o -> o.refused("refused");
        s.advance(100).round(with("db1", dead, "db2", dead, "r1", lostIo(), "r2", lostIo()), f -> f);
        // both come back with a fresh uptime: restarted, so they wait in AWAITING_RECOVERY; db1 holds the most
        UnaryOperator<Obs> db1Back = o -> o.uptime(5).pos("1-1-12").readOnly(true);
        UnaryOperator<Obs> db2Back = o -> o.uptime(5).pos("1-1-11").readOnly(true);
        Decision d = s.advance(5000).round(with("db1", db1Back, "db2", db2Back), f -> f);
        assertGolden("no-writer-both-masters-restarted", d);
        assertThat(d.findings()).filteredOn(f -> f instanceof Finding.NoWriter).singleElement()
                .satisfies(f -> assertThat(((Finding.NoWriter) f).command()).isEqualTo("ringmaster set-online db1"));
    }

    @Test
    void firstRoundDetachesAnAdoptedWriterFromTheDeadOldWriterAndRepointsReplicas() throws IOException {
        // saved state: db1 was the writer and is HARD_OFFLINE; the dead monitor had promoted db2 but not moved links
        Sim s = pair();
        UnaryOperator<Obs> dead = o -> o.refused("refused");
        s.advance(100).round(with("db1", dead, "db2", lostIo(), "r1", lostIo()), f -> f);
        Sim restarted = new Sim(TestClusters.pair());
        restarted.state = s.state.withRoles(Map.of("writer", List.of(), "reader", List.of("db2", "r2")))
                .withSources(Map.of("db2", "db1", "db1", "db2", "r1", "db2", "r2", "db2"));
        restarted.now = s.now.plusMillis(2000);
        RingmasterConfig cfg = restarted.config;
        Decision d = restarted.round(with("db1", dead,
                        "db2", (UnaryOperator<Obs>) o -> o.readOnly(false).replicatingFrom(cfg.host("db1"))
                                .threads(false, false),
                        "r1", (UnaryOperator<Obs>) o -> o.replicatingFrom(cfg.host("db1")).threads(false, true)),
                f -> new RoundFacts(true, f.distrust(), f.strandedWriter(), f.lastGood(), f.errant(),
                        f.failoverBlocked()));
        assertGolden("first-round-adopted-writer-detached", d);
    }

    @Test
    void firstRoundReportsAReplicaOffTopologyItCannotRepair() throws IOException {
        Sim s = pair();
        RingmasterConfig cfg = s.config;
        // r2 should follow db2, but db2 is down: r2 reads from db1 and the monitor cannot put it back now
        s.state = s.state.withSources(Map.of("db1", "db2", "db2", "db1", "r1", "db1", "r2", "db2"));
        Decision d = s.advance(1000).round(with("db2", (UnaryOperator<Obs>) o -> o.refused("refused"),
                        "r2", (UnaryOperator<Obs>) o -> o.replicatingFrom(cfg.host("db1"))),
                f -> new RoundFacts(true, f.distrust(), f.strandedWriter(), f.lastGood(), f.errant(),
                        f.failoverBlocked()));
        assertGolden("first-round-replica-off-topology", d);
    }

    @Test
    void aRetriedFailoverCarriesNoWriterWithTheForcedMove() throws IOException {
        Sim s = pair();
        UnaryOperator<Obs> dead = o -> o.refused("refused");
        Decision first = s.advance(100).round(with("db1", dead, "db2", lostIo(), "r1", lostIo()), f -> f);
        assertThat(first.findings()).as("the first attempt is under way: no finding yet")
                .noneMatch(f -> f instanceof Finding.NoWriter);
        // the executor abandoned it (say db2 did not apply its relay log in time): no writer, db1 stranded
        s.state = first.state();
        s.stranded = first.strandedWriter();
        Decision d = s.advance(1000).round(with("db1", dead, "db2", lostIo(), "r1", lostIo()), f -> f);
        assertGolden("no-writer-failover-retried", d);
    }

    // ---- rings: a master that is not the writer dies, and comes back (issue 9) --------------------------------

    private Sim ring(int masters) {
        return new Sim(TestClusters.cluster(TestClusters.defaultMonitor(), masters,
                java.util.stream.IntStream.rangeClosed(1, masters).mapToObj(i -> "db" + i).toList(),
                Optional.of("db1"))).settled();
    }

    @Test
    void ringClosesAroundADeadMasterThatIsNotTheWriter() throws IOException {
        Sim s = ring(3);
        // db2 crashed: db3 (its downstream) and r2 (its replica) lost it
        Decision d = s.advance(100).round(with("db2", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db3", lostIo(), "r2", lostIo()), f -> f);
        assertGolden("ring-member-dies", d);
    }

    @Test
    void frozenRingMemberWaitsOutTheTrapPeriod() throws IOException {
        Sim s = ring(4);
        UnaryOperator<Obs> frozen = o -> o.sqlFails("check timed out: no answer for 1000 ms");
        Decision early = s.advance(1000).round(with("db3", frozen, "db4", lostIo(), "r3", lostIo()), f -> f);
        assertThat(early.actions()).noneMatch(a -> a instanceof Action.ChangeRing);
        Decision d = s.advance(3000).round(with("db3", frozen, "db4", lostIo(), "r3", lostIo()), f -> f);
        assertGolden("ring-member-frozen-after-trap-period", d);
    }

    @Test
    void ringMemberLostByTheMonitorOnlyIsNotCutOut() throws IOException {
        Sim s = ring(3);
        UnaryOperator<Obs> cut = o -> o.sqlFails("check timed out: no answer for 1000 ms");
        s.advance(1000).round(with("db2", cut), f -> f);
        Decision d = s.advance(3000).round(with("db2", cut), f -> f);
        assertThat(d.actions()).noneMatch(a -> a instanceof Action.ChangeRing);
        assertThat(d.state().ring().outOfRing()).isEmpty();
    }

    @Test
    void oldWriterOfARingFailoverRejoinsAtItsPlaceAfterSetOnline() throws IOException {
        Sim s = ring(3);
        UnaryOperator<Obs> refused = o -> o.refused("refused");
        Decision failover = s.advance(100).round(with("db1", refused, "db2", lostIo(), "r1", lostIo()), f -> f);
        assertThat(failover.actions()).anyMatch(a -> a instanceof Action.ChangeWriter);
        Decision after = s.advance(1000).round(with("db1", refused), f -> f);
        assertThat(after.state().ring().outOfRing()).as(after.notes().toString()).containsExactly("db1");
        s.advance(1000).round(with("db1", (UnaryOperator<Obs>) o -> o.uptime(1)), f -> f);
        s.state = s.decider.machine().setOnline(s.state, "db1", s.now);
        Decision d = s.advance(1000).round(Map.of(), f -> f);
        assertGolden("ring-old-writer-rejoins", d);
        s.advance(1000).round(Map.of(), f -> f);
        assertThat(s.state.sources()).isEqualTo(Planner.initialSources(s.config));
        assertThat(s.state.holder("writer")).contains("db2");
    }

    @Test
    void deadRingMemberComesBackWaitsThenRejoinsAtItsPlace() throws IOException {
        Sim s = ring(3);
        s.advance(100).round(with("db2", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db3", lostIo(), "r2", lostIo()), f -> f);
        s.advance(1000).round(with("db2", (UnaryOperator<Obs>) o -> o.refused("refused")), f -> f);
        // back after a restart: it waits out of every role, still out of the ring
        Decision back = s.advance(1000).round(with("db2", (UnaryOperator<Obs>) o -> o.uptime(1)), f -> f);
        assertGolden("ring-member-back-waits", back);
        s.state = s.decider.machine().setOnline(s.state, "db2", s.now);
        Decision d = s.advance(1000).round(Map.of(), f -> f);
        assertGolden("ring-member-rejoins", d);
        Decision after = s.advance(1000).round(Map.of(), f -> f);
        assertThat(after.actions()).noneMatch(a -> a instanceof Action.ChangeRing || a instanceof Action.Repoint);
        assertThat(after.state().sources()).isEqualTo(Planner.initialSources(s.config));
    }

    // ---- least privilege (issue 9) ---------------------------------------------------------------------------

    @Test
    void failoverThatLacksAPrivilegeIsRefusedBeforeItsFirstStep() throws IOException {
        Sim s = pair();
        var gap = new io.ringmaster.core.privilege.PrivilegeGap("db2", "`ringmaster`@`%`",
                io.ringmaster.core.privilege.ServerVersion.mariadb(10, 11, 19),
                io.ringmaster.core.privilege.Need.DETACH,
                List.of(io.ringmaster.core.privilege.Privilege.global("RELOAD")));
        Decision d = s.advance(100).round(with("db1", (UnaryOperator<Obs>) o -> o.refused("refused"),
                "db2", lostIo(), "r1", lostIo()), f -> f.withPrivilegeGaps(Map.of("db2", List.of(gap))));
        assertThat(d.actions()).noneMatch(a -> a instanceof Action.ChangeWriter);
        assertGolden("failover-refused-missing-privilege", d);
    }
}
