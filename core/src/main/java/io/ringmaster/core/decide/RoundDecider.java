package io.ringmaster.core.decide;

import io.ringmaster.core.analysis.ErrantTransactions;
import io.ringmaster.core.analysis.WriterAnalysis;
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
import io.ringmaster.core.state.CheckStatus;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.core.state.StateMachine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The monitor's round as one pure function: {@code decide(state, observations, facts, now) -> Decision}. It
 * advances every host's state ({@link StateMachine}), keeps a writer that only the monitor lost
 * ({@link WriterAnalysis}, holistic), holds hosts with errant transactions, looks before it acts on the first
 * round, leaves WAIT mode, gives out roles ({@link RoleAssigner}), and when the writer role needs a holder chooses
 * one ({@link CandidateChooser}) and plans the change ({@link Planner}), unless the anti-flap block forbids it. In a
 * round without a writer change it re-asserts read_only (every non-writer read_only before the writer is made
 * writable), moves replicas of a dead master under the writer, re-attaches a master cut off by a failover to its
 * ring upstream, and writes the heartbeat. A round whose observations are distrusted (the monitor paused, its
 * clock jumped, its own network is gone) changes nothing.
 *
 * <p>The monitor only gathers the facts, executes the actions and reports the findings; the property tests call
 * this same function. Immutable and thread-safe.
 */
public final class RoundDecider {
    private final RingmasterConfig config;
    private final StateMachine machine;
    private final String writerRole;

    /** @param config the validated configuration; the writer role is its exclusive role */
    public RoundDecider(RingmasterConfig config) {
        this.config = config;
        this.machine = new StateMachine(config);
        this.writerRole = config.writerRole().map(RoleConfig::name).orElse("");
    }

    /** The state machine the decider uses, for the operator commands (set-online, set-offline). */
    public StateMachine machine() {
        return machine;
    }

    /**
     * Decides one round.
     *
     * @param before       the state after the previous round
     * @param observations this round's observation of every host (a host without one keeps its record)
     * @param facts        what else the monitor knows
     * @param now          the monitor's clock
     * @return the decision, never null
     */
    public Decision decide(ClusterState before, Map<String, HostObservation> observations, RoundFacts facts,
                           Instant now) {
        if (facts.distrust().isPresent()) {
            return new Decision(before, List.of(), List.of(), List.of(facts.distrust().get()),
                    facts.strandedWriter(), List.of(), true);
        }
        Round r = new Round(writerRole, before, observations, facts, now);
        Optional<String> prevWriter = before.holder(writerRole);
        StateMachine.Step step = machine.step(before, observations, now);
        r.state = step.state();
        prevWriter.ifPresent(w -> keepWriterIfOnlyMonitorLostIt(r, w));
        holdErrant(r);
        facts.privilegeGaps().values().forEach(gaps -> gaps.forEach(g -> r.findings.add(new Finding.MissingPrivilege(g))));
        if (facts.firstRound()) {
            firstLook(r);
            if (r.state.mode() != MonitorMode.PASSIVE) {
                r.state = r.state.withRoles(RoleAssigner.assign(config, r.state).roles());
                StartupTopology.check(config, r.state, observations, r.state.holder(writerRole), r.actions,
                        r.findings);
            }
            return finish(r, step);
        }
        leaveWaitMode(r);
        if (r.state.mode() == MonitorMode.PASSIVE) {
            return finish(r, step);
        }
        RoleAssigner.Assignment a = RoleAssigner.assign(config, r.state);
        r.state = r.state.withRoles(a.roles());
        if (a.writerNeeded() && changeWriter(r, prevWriter.or(facts::strandedWriter))) {
            return finish(r, step); // the rest waits for the next round, which sees the new writer
        }
        Optional<String> writer = r.state.holder(writerRole);
        reassertReadOnly(r, writer);
        if (r.state.mode() == MonitorMode.ACTIVE) {
            Set<String> moving = healRingAroundDeadMasters(r, writer);
            writer.ifPresent(w -> rescueOrphans(r, w, moving));
            healRing(r);
        }
        writer.map(observations::get).filter(o -> o.sqlOk() && !o.readOnly())
                .ifPresent(o -> r.actions.add(new Action.WriteHeartbeat(o.host(), o.serverId())));
        return finish(r, step);
    }

    /**
     * The decision, with a {@link Finding.NoWriter} when the cluster is left without a writer: unless this round
     * starts the first attempt at a writer change (a retry, after an attempt that was abandoned or vetoed, carries
     * it), and on the first round only when no master could be promoted by the next one.
     */
    private Decision finish(Round r, StateMachine.Step step) {
        boolean changing = r.actions.stream().anyMatch(a -> a instanceof Action.ChangeWriter);
        boolean retry = changing && r.facts.strandedWriter().isPresent();
        boolean promotableNext = r.state.mode() == MonitorMode.ACTIVE && config.masters().stream()
                .anyMatch(m -> onlineAndAnswering(r, m.name()));
        if (!writerRole.isEmpty() && r.state.holder(writerRole).isEmpty() && (!changing || retry)
                && !(r.facts.firstRound() && promotableNext)) {
            List<Finding> causes = new ArrayList<>(r.findings);
            String retried = retry ? "the last writer change from " + r.facts.strandedWriter().get()
                    + " did not finish (see ringmaster recoveries); retrying" : "";
            r.findings.add(NoWriterAnalysis.analyze(config, r.state, r.obs, r.facts.lastGood(), causes, retried));
        }
        return r.decision(step);
    }

    /** The working set of one decision. */
    private static final class Round {
        final String writerRole;
        final ClusterState before;
        final Map<String, HostObservation> obs;
        final RoundFacts facts;
        final Instant now;
        ClusterState state;
        Optional<String> stranded;
        final List<Action> actions = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        /** The writer the state machine took down and the analysis kept ONLINE: its transition is not one. */
        String keptOnline = "";

        Round(String writerRole, ClusterState before, Map<String, HostObservation> obs, RoundFacts facts,
              Instant now) {
            this.writerRole = writerRole;
            this.before = before;
            this.obs = obs;
            this.facts = facts;
            this.now = now;
            this.stranded = facts.strandedWriter();
        }

        Decision decision(StateMachine.Step step) {
            if (state.holder(writerRole).isPresent()) {
                stranded = Optional.empty(); // a writer holds the role: nothing waits for a replacement
            }
            return new Decision(state, step.transitions().stream().filter(t -> !t.host().equals(keptOnline)).toList(),
                    actions, findings, stranded, notes, suspect());
        }

        /** See {@link Decision#suspect()}. */
        private boolean suspect() {
            Optional<String> writer = state.holder(writerRole).or(() -> stranded);
            for (HostObservation o : obs.values()) {
                HostRecord r = state.host(o.host());
                boolean watched = !state.rolesOf(o.host()).isEmpty() || writer.filter(o.host()::equals).isPresent()
                        || (r != null && r.state() == HostState.ONLINE);
                if (!o.sqlOk() && watched) {
                    return true;
                }
                if (o.sqlOk() && writer.isPresent() && writer.get().equals(state.sources().get(o.host()))
                        && o.replication().filter(l -> !l.ioRunning()).isPresent()) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The state machine marks an unreachable writer HARD_OFFLINE; when the hosts replicating from it still have a
     * connected IO thread, only the monitor lost it: keep it ONLINE with its role and report a finding instead.
     */
    private void keepWriterIfOnlyMonitorLostIt(Round r, String writer) {
        HostRecord now = r.state.host(writer);
        HostRecord was = r.before.host(writer);
        HostObservation o = r.obs.get(writer);
        if (now == null || was == null || o == null || o.sqlOk() || now.state() != HostState.HARD_OFFLINE
                || was.state() != HostState.ONLINE) {
            return;
        }
        switch (WriterAnalysis.analyze(config, r.state, r.obs, writer)) {
            case WriterAnalysis.Unreachable u -> {
                java.time.Duration cut = unreachableFor(now, r.now);
                if (config.agents().agent(writer).isPresent() && r.facts.agentFenced().contains(writer)
                        && cut.compareTo(config.agents().lease()) >= 0) {
                    // its agent could not be renewed for a whole lease either: it has dropped the writer's
                    // addresses and fenced its server by itself, so nobody writes there; left alone the cluster
                    // would have no writer. An agent the monitor still reaches keeps its lease, and the writer
                    // keeps its role (only the monitor's path to the server is gone).
                    r.notes.add(writer + " unreachable from the monitor for " + cut.toMillis() + " ms, and its "
                            + "agent for longer than its lease (" + config.agents().lease().toMillis() + " ms): its "
                            + "agent has fenced it (replicas still connected: " + u.stillConnected() + "); failing "
                            + "over");
                    return;
                }
                r.findings.add(new Finding.WriterUnreachable(writer, u.stillConnected()));
                keepOnline(r, writer, was, now, "unreachable from the monitor only");
            }
            case WriterAnalysis.Unconfirmed u -> {
                r.findings.add(new Finding.WriterUnconfirmed(writer, u.silent()));
                keepOnline(r, writer, was, now, "unreachable, with nobody to confirm it is dead");
            }
            case WriterAnalysis.Dead d -> r.notes.add(d.summary());
        }
    }

    /** How long the host's checks have been failing (since the first failing check of this run), zero if not. */
    private static java.time.Duration unreachableFor(HostRecord rec, java.time.Instant now) {
        return rec.checks().values().stream().filter(c -> !c.passing()).map(CheckStatus::failingSince)
                .filter(java.util.Objects::nonNull).min(java.time.Instant::compareTo)
                .map(since -> java.time.Duration.between(since, now)).orElse(java.time.Duration.ZERO);
    }

    /** Puts the writer back ONLINE (the state machine had it HARD_OFFLINE), without counting a fall. */
    private static void keepOnline(Round r, String writer, HostRecord was, HostRecord now, String reason) {
        Map<String, HostRecord> hosts = new LinkedHashMap<>(r.state.hosts());
        hosts.put(writer, new HostRecord(HostState.ONLINE, was.since(), reason, now.checks(), now.uptimeSeconds(),
                was.falls(), was.flapping(), now.lastSeenPos()));
        r.state = r.state.withHosts(hosts, r.state.updated());
        r.keptOnline = writer;
    }

    /** Hosts with confirmed errant transactions wait in AWAITING_RECOVERY with the GTIDs as the reason. */
    private static void holdErrant(Round r) {
        Map<String, HostRecord> hosts = new LinkedHashMap<>(r.state.hosts());
        boolean changed = false;
        for (Map.Entry<String, List<ErrantTransactions.Range>> e : r.facts.errant().entrySet()) {
            r.findings.add(new Finding.ErrantTransactionsFound(e.getKey(), e.getValue()));
            String text = "errant transactions: " + ErrantTransactions.describe(e.getValue());
            HostRecord rec = hosts.get(e.getKey());
            if (rec != null && rec.state() != HostState.ADMIN_OFFLINE && rec.state() != HostState.HARD_OFFLINE
                    && !(rec.state() == HostState.AWAITING_RECOVERY && rec.reason().equals(text))) {
                if (rec.state() != HostState.AWAITING_RECOVERY) {
                    r.notes.add("state " + e.getKey() + ": " + rec.state() + " -> AWAITING_RECOVERY (" + text + ")");
                }
                hosts.put(e.getKey(), rec.withState(HostState.AWAITING_RECOVERY,
                        rec.state() == HostState.AWAITING_RECOVERY ? rec.since() : r.now, text));
                changed = true;
            }
        }
        if (changed) {
            r.state = r.state.withHosts(hosts, r.state.updated());
        }
    }

    /** First round after start: adopt the writable master when there is exactly one; refuse to guess otherwise. */
    private void firstLook(Round r) {
        List<String> writableHosts = config.hosts().stream().map(HostConfig::name)
                .filter(n -> r.obs.get(n) != null && r.obs.get(n).sqlOk() && !r.obs.get(n).readOnly()).toList();
        List<String> writable = writableHosts.stream().filter(n -> config.host(n).isMaster()).toList();
        Optional<String> recorded = r.state.holder(writerRole);
        r.notes.add("first look at every host done: writable " + writableHosts + ", recorded writer "
                + recorded.orElse("(none)"));
        if (writableHosts.size() > 1 && config.safety().carefulStartup()) {
            r.notes.add("careful start-up: " + writableHosts + " are all writable; switching to PASSIVE, fix by hand "
                    + "then set-active");
            r.state = r.state.withMode(MonitorMode.PASSIVE, r.now);
            return;
        }
        if (writable.size() == 1 && !recorded.equals(Optional.of(writable.get(0)))
                && r.state.host(writable.get(0)).state() == HostState.ONLINE) {
            r.notes.add("adopting " + writable.get(0) + " as writer: it is the only writable master");
            Map<String, List<String>> roles = new LinkedHashMap<>(r.state.roles());
            roles.put(writerRole, List.of(writable.get(0)));
            r.state = r.state.withRoles(roles).nextEpoch();
        }
    }

    /** WAIT mode becomes ACTIVE once every master is ONLINE or wait_for_other_master has passed. */
    private void leaveWaitMode(Round r) {
        if (r.state.mode() != MonitorMode.WAIT) {
            return;
        }
        boolean allMasters = config.masters().stream().allMatch(m -> r.state.host(m.name()) != null
                && r.state.host(m.name()).state() == HostState.ONLINE);
        boolean waited = !r.state.modeSince().plus(config.safety().waitForOtherMaster()).isAfter(r.now);
        if (allMasters || waited) {
            r.notes.add("leaving WAIT mode for ACTIVE: " + (allMasters ? "every master is ONLINE"
                    : "wait_for_other_master (" + config.safety().waitForOtherMaster().toSeconds() + " s) has passed"));
            r.state = r.state.withMode(MonitorMode.ACTIVE, r.now);
        }
    }

    /**
     * The writer role needs a holder: choose a candidate and plan the change from {@code old}.
     *
     * @return true when a {@link Action.ChangeWriter} was decided
     */
    private boolean changeWriter(Round r, Optional<String> old) {
        String why = old.map(w -> "writer " + w + " is " + (r.state.host(w) == null ? "not checked"
                : r.state.host(w).state() + ": " + r.state.host(w).reason())).orElse("no writer");
        Optional<Long> domain = old.map(r.facts.lastGood()::get).map(HostObservation::gtidDomainId);
        // the old writer is no candidate, unless an operator set it ONLINE again while it waited for a replacement
        Optional<String> exclude = old.filter(w -> r.state.host(w) == null
                || r.state.host(w).state() != HostState.ONLINE);
        CandidateChoice choice = CandidateChooser.choose(config, r.state, r.obs, exclude, domain);
        r.stranded = old; // until a writer holds the role, the next rounds fail over from it, not plan a first one
        if (choice.candidate().isEmpty()) {
            r.findings.add(new Finding.NoCandidate(old.orElse(""), why + "; " + choice.summary()));
            return false;
        }
        String to = choice.candidate().get();
        WriterChange change;
        if (old.isEmpty() || old.get().equals(to)) {
            change = Planner.initial(r.state, to);
        } else if (r.obs.get(old.get()) != null && r.obs.get(old.get()).sqlOk()) {
            change = Planner.switchover(config, r.state, old.get(), to);
        } else {
            change = Planner.failover(config, r.state, old.get(), to);
        }
        if (change.kind() != WriterChange.Kind.INITIAL && r.facts.failoverBlocked().isPresent()) {
            r.findings.add(new Finding.FailoverBlocked(old.orElse(""), why + "; "
                    + r.facts.failoverBlocked().get()));
            return false;
        }
        Optional<String> lacking = PrivilegeCheck.blocking(change, r.facts.privilegeGaps());
        if (lacking.isPresent()) {
            r.findings.add(new Finding.WriterChangeRefused(to, "not starting the " + change.kind().name()
                    .toLowerCase(java.util.Locale.ROOT) + " " + old.orElse("-") + " -> " + to + " (" + why + "): "
                    + lacking.get()));
            return false;
        }
        r.actions.add(new Action.ChangeWriter(change, why + "; " + choice.summary()));
        return true;
    }

    /**
     * read_only ON (with client sessions cut) on every answering host but the writer, then OFF on the ONLINE
     * writer; the executor skips the latter when a fence failed (invariant 1).
     */
    private void reassertReadOnly(Round r, Optional<String> writer) {
        for (HostConfig h : config.hosts()) {
            HostObservation o = r.obs.get(h.name());
            if (o != null && o.sqlOk() && !o.readOnly() && writer.filter(h.name()::equals).isEmpty()) {
                r.actions.add(new Action.Fence(h.name(), "re-assert: " + h.name() + " does not hold the writer role"));
            }
        }
        writer.ifPresent(w -> {
            HostObservation o = r.obs.get(w);
            HostRecord rec = r.state.host(w);
            if (o != null && o.sqlOk() && o.readOnly() && rec != null && rec.state() == HostState.ONLINE) {
                r.actions.add(new Action.MakeWritable(w, "re-assert: " + w + " holds the writer role"));
            }
        });
    }

    /**
     * Closes the ring around a dead master that is not the writer, and puts a master that is ONLINE again back at
     * its place ({@link RingHealing}).
     *
     * @return the replicas the ring changes move this round
     */
    private Set<String> healRingAroundDeadMasters(Round r, Optional<String> writer) {
        RingHealing.Result ring = RingHealing.decide(config, r.state, r.obs, writer, r.stranded);
        r.state = ring.state();
        r.actions.addAll(ring.actions());
        r.notes.addAll(ring.notes());
        return ring.moving();
    }

    /**
     * A replica whose master is HARD_OFFLINE moves under the writer, so it keeps receiving changes; not while its
     * own IO thread still runs (it still receives from its master, which only the monitor lost, or which is frozen
     * and not yet given up: the ring change moves it once the master is confirmed dead).
     */
    private void rescueOrphans(Round r, String writer, Set<String> moving) {
        r.state.sources().forEach((host, source) -> {
            HostRecord src = r.state.host(source);
            HostObservation o = r.obs.get(host);
            boolean stillConnected = o != null && o.sqlOk()
                    && o.replication().filter(io.ringmaster.core.observe.ReplicaLink::ioRunning).isPresent();
            if (!config.host(host).isMaster() && !source.equals(writer) && src != null && !moving.contains(host)
                    && !stillConnected
                    && src.state() == HostState.HARD_OFFLINE) {
                r.actions.add(new Action.Repoint(host, writer, "its master " + source + " is HARD_OFFLINE"));
            }
        });
    }

    /**
     * A master that replicates from nobody (its source died in a failover) re-attaches to its ring upstream once
     * both are ONLINE and answering and the upstream holds no errant transaction, so the pair or ring is whole.
     */
    private void healRing(Round r) {
        for (HostConfig m : config.masters()) {
            Optional<HostConfig> up = config.ringUpstreamOf(m.name());
            if (r.state.sources().containsKey(m.name()) || up.isEmpty()) {
                continue;
            }
            String u = up.get().name();
            if (RingHealing.ringOf(config, r.state).isOut(u)) {
                continue; // the rejoin of u puts the links back (RingHealing)
            }
            if (onlineAndAnswering(r, m.name()) && onlineAndAnswering(r, u) && !r.facts.errant().containsKey(u)) {
                r.actions.add(new Action.Repoint(m.name(), u, "heal the ring: " + u
                        + " is ONLINE again with no errant transaction"));
            }
        }
    }

    private static boolean onlineAndAnswering(Round r, String host) {
        HostRecord rec = r.state.host(host);
        HostObservation o = r.obs.get(host);
        return rec != null && rec.state() == HostState.ONLINE && o != null && o.sqlOk();
    }
}
