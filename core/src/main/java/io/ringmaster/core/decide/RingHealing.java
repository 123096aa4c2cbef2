package io.ringmaster.core.decide;

import io.ringmaster.core.analysis.WriterAnalysis;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.RingChange;
import io.ringmaster.core.plan.RingStep;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.core.state.Ring;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The ring part of a round (issue 9): a master that is not the writer and is dead (HARD_OFFLINE, and the hosts
 * replicating from it lost it too: the same holistic test as for the writer) has the ring closed around it: its
 * downstream master applies its relay log, then moves under the dead master's upstream (MASTER_USE_GTID=slave_pos,
 * once that upstream has what it has); its replicas move under its downstream master (in a pair: the other
 * master). A master a writer failover left out of the ring (nobody replicates from it any more) is recorded out of
 * it too. A master that is out of the ring and ONLINE again (after {@code set-online}) rejoins at its old place:
 * first it replicates from its upstream (a plain repoint, when it does not already), then, once its lag is within
 * max_backlog, its downstream moves under it as soon as it has what the downstream has, and its configured replicas
 * move back under it. Pure and thread-safe.
 */
final class RingHealing {
    private RingHealing() {}

    /**
     * What the ring needs this round.
     *
     * @param state   the state with the ring record brought up to date (failover leftovers marked out)
     * @param actions the ring changes to run, in order
     * @param notes   lines to log
     * @param moving  replicas the actions move (the orphan rescue leaves them alone this round)
     */
    record Result(ClusterState state, List<Action> actions, List<String> notes, Set<String> moving) {}

    /** The state's ring record, or the configuration's masters in order when the state has none. */
    static Ring ringOf(RingmasterConfig config, ClusterState state) {
        if (!state.ring().order().isEmpty()) {
            return state.ring();
        }
        return new Ring(config.masters().stream().map(HostConfig::name).toList(), state.ring().outOfRing());
    }

    /**
     * Decides the ring changes of a round in ACTIVE mode.
     *
     * @param writer   the writer role's holder after this round, if any
     * @param stranded a writer whose replacement is pending (its readers are the failover's business)
     */
    static Result decide(RingmasterConfig config, ClusterState state, Map<String, HostObservation> obs,
                         Optional<String> writer, Optional<String> stranded) {
        List<String> notes = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        Set<String> moving = new HashSet<>();
        if (config.masters().size() < 2) {
            return new Result(state, actions, notes, moving);
        }
        Ring ring = ringOf(config, state);
        for (String m : ring.order()) {
            if (ring.isOut(m) || writer.filter(m::equals).isPresent() || stranded.filter(m::equals).isPresent()) {
                continue;
            }
            HostRecord rec = state.host(m);
            if (rec != null && (rec.state() == HostState.HARD_OFFLINE || rec.state() == HostState.AWAITING_RECOVERY)
                    && readers(config, state, m, true).isEmpty() && readers(config, state, m, false).isEmpty()) {
                // a writer failover already repointed the masters that read from it: record that it is out
                ring = ring.cutOut(m);
                notes.add("ring: " + m + " is out of the ring (nobody replicates from it); set-online puts it back");
            }
        }
        state = state.withRing(ring);
        // each change is planned on the topology the changes before it in this round leave, so that two masters
        // dead at once close the ring consistently; a rejoin waits for a round without a close
        ClusterState planned = state;
        for (String m : ring.order()) {
            HostRecord rec = state.host(m);
            if (planned.ring().isOut(m) || writer.filter(m::equals).isPresent()
                    || stranded.filter(m::equals).isPresent() || rec == null || rec.state() != HostState.HARD_OFFLINE
                    || obs.get(m) == null || obs.get(m).sqlOk()) {
                continue;
            }
            if (WriterAnalysis.analyze(config, planned, obs, m) instanceof WriterAnalysis.Dead dead) {
                ClusterState p = planned;
                RingChange close = close(config, p, m, writer, h -> live(p, obs, h));
                actions.add(new Action.ChangeRing(close, "master " + m + " is HARD_OFFLINE: " + rec.reason() + "; "
                        + dead.summary().replaceFirst("^writer ", "")));
                close.newSources().keySet().stream().filter(h -> !config.host(h).isMaster()).forEach(moving::add);
                planned = close.applyTo(planned);
            }
        }
        if (!actions.isEmpty()) {
            return new Result(state, actions, notes, moving);
        }
        for (String m : ring.outOfRing()) {
            HostRecord rec = state.host(m);
            HostObservation o = obs.get(m);
            if (rec != null && rec.state() == HostState.ONLINE && o != null && o.sqlOk()) {
                ClusterState p = planned;
                Predicate<String> live = h -> live(p, obs, h);
                Optional<String> up = p.ring().upstreamOf(m, live);
                if (up.isPresent() && !readsFrom(config, o, up.get())) {
                    // first it catches up from its upstream; its downstream moves under it in a later round, so
                    // that the wait for it (bounded, in the round) is short
                    actions.add(new Action.Repoint(m, up.get(), "rejoin the ring: " + m + " catches up from "
                            + up.get() + " before " + p.ring().downstreamOf(m, live).orElse("its downstream")
                            + " moves under it"));
                    break;
                }
                if (up.isPresent() && o.lag().filter(l -> l.compareTo(config.monitor().maxBacklog()) > 0).isPresent()) {
                    continue; // still catching up
                }
                Optional<RingChange> c = rejoin(config, p, m, live);
                if (c.isPresent()) {
                    actions.add(new Action.ChangeRing(c.get(), m + " is ONLINE again: back to its place in the ring"));
                    c.get().newSources().keySet().stream().filter(h -> !config.host(h).isMaster())
                            .forEach(moving::add);
                    break; // one at a time: the next rejoin is planned on the ring this one leaves
                }
            }
        }
        return new Result(state, actions, notes, moving);
    }

    private static RingChange close(RingmasterConfig config, ClusterState state, String dead,
                                    Optional<String> writer, Predicate<String> live) {
        Ring ring = state.ring();
        Optional<String> up = ring.upstreamOf(dead, live);
        List<String> downs = readers(config, state, dead, true).stream().filter(live).toList();
        List<RingStep> steps = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (String down : downs) {
            steps.add(new RingStep.CatchUpRelayLog(down));
            if (up.isEmpty() || up.get().equals(down)) {
                steps.add(new RingStep.Detach(down, dead));
                sources.put(down, ""); // replicates from nobody
            } else {
                steps.add(new RingStep.MoveUnder(down, up.get(), true));
                sources.put(down, up.get());
            }
        }
        Optional<String> target = downs.stream().findFirst().or(() -> ring.downstreamOf(dead, live)).or(() -> writer);
        for (String replica : readers(config, state, dead, false)) {
            if (target.isPresent() && live.test(replica)) {
                steps.add(new RingStep.MoveUnder(replica, target.get(), false));
                sources.put(replica, target.get());
            }
        }
        return new RingChange(RingChange.Kind.CLOSE, dead, steps, sources, ring.cutOut(dead));
    }

    private static Optional<RingChange> rejoin(RingmasterConfig config, ClusterState state, String m,
                                               Predicate<String> live) {
        Ring ring = state.ring();
        Optional<String> up = ring.upstreamOf(m, live);
        Optional<String> down = ring.downstreamOf(m, live);
        if (up.isEmpty() || down.isEmpty()) {
            return Optional.empty(); // nobody to rejoin (yet): it waits
        }
        List<RingStep> steps = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        if (!up.get().equals(state.sources().get(m))) {
            steps.add(new RingStep.Repoint(m, up.get()));
            sources.put(m, up.get());
        }
        steps.add(new RingStep.MoveUnder(down.get(), m, true));
        sources.put(down.get(), m);
        for (HostConfig r : config.replicasOf(m)) {
            if (!m.equals(state.sources().get(r.name())) && live.test(r.name())) {
                steps.add(new RingStep.MoveUnder(r.name(), m, false));
                sources.put(r.name(), m);
            }
        }
        return Optional.of(new RingChange(RingChange.Kind.REJOIN, m, steps, sources, ring.putBack(m)));
    }

    /** The observation shows {@code o}'s host replicating from {@code source} with both threads running. */
    private static boolean readsFrom(RingmasterConfig config, HostObservation o, String source) {
        HostConfig s = config.host(source);
        return o.replication().filter(l -> l.readsFrom(s.address(), s.port()) && l.threadsRunning()).isPresent();
    }

    /** Hosts (masters or replicas) the state says replicate from {@code host}, in configuration order. */
    private static List<String> readers(RingmasterConfig config, ClusterState state, String host, boolean masters) {
        return config.hosts().stream().filter(h -> h.isMaster() == masters && !h.name().equals(host)
                && host.equals(state.sources().get(h.name()))).map(HostConfig::name).toList();
    }

    /** In the ring and able to act: answering this round, neither down nor waiting for recovery. */
    private static boolean live(ClusterState state, Map<String, HostObservation> obs, String host) {
        HostRecord rec = state.host(host);
        HostObservation o = obs.get(host);
        return rec != null && o != null && o.sqlOk() && !state.ring().isOut(host)
                && rec.state() != HostState.HARD_OFFLINE && rec.state() != HostState.AWAITING_RECOVERY;
    }
}
