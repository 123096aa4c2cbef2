package io.ringmaster.core.plan;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.state.ClusterState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans writer changes as ordered, guarded steps. Pure and thread-safe.
 *
 * <p>Switchover (old writer answers): while writes still flow, let the new writer apply what the old one has so
 * far (best effort, so that the wait behind the fence is short: writes are blocked only for the lag that is left),
 * fence the old writer (mandatory), wait until the new one has applied the old one's whole binary log, promote, then move the old writer's replicas under the new writer. If the wait
 * fails the old writer is unfenced, so the cluster is as before (no write lost, short read-only window).
 *
 * <p>Failover (old writer gone): fence it if it still answers (best effort), wait until the new writer has
 * applied what it already received (never promote with an unapplied relay log), fetch from the other hosts what
 * they received from the dead writer and the new writer did not (MHA's relay-log recovery, by GTID), stop every
 * master that reads from the dead writer from applying anything more from it (the SQL thread only: quick even when
 * the IO thread hangs on a frozen writer), promote, then cut those links for good (masters that read from the dead
 * writer read from its own source instead, or from nobody when that would be themselves) and move the dead
 * writer's replicas under the new writer. The steps after the promotion run while writes already flow; they do
 * not depend on each other. Fencing before promotion keeps invariant 1; waiting keeps invariant 2.
 */
public final class Planner {
    private Planner() {}

    /**
     * Plans a planned move of the writer.
     *
     * @param from the current writer, which must answer
     * @param to   the new writer
     */
    public static WriterChange switchover(RingmasterConfig config, ClusterState state, String from, String to) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.ApproachSource(to, from));
        steps.add(new Step.Fence(from, false));
        steps.add(new Step.CatchUpToSource(to, from));
        steps.add(new Step.Promote(to));
        Map<String, String> sources = new LinkedHashMap<>(state.sources());
        for (String replica : replicasReadingFrom(config, state, from)) {
            steps.add(new Step.Repoint(replica, to));
            sources.put(replica, to);
        }
        return new WriterChange(WriterChange.Kind.SWITCHOVER, Optional.of(from), to, steps,
                List.of(new Step.Unfence(from)), sources);
    }

    /**
     * Plans {@code move-role --force} of the writer to a host whose replication is stopped or broken
     * (REPLICATION_FAIL) while the old writer answers: the new writer first replicates straight from the old one
     * (by GTID, from where it stopped), which fetches everything it lacks (nobody but the writer writes), then the
     * switchover runs as planned. When the new writer's own source was another host (a ring), that link is put
     * back after the promotion. What it still could not apply in time is counted as lost by the forced change.
     *
     * @param from the current writer, which must answer
     * @param to   the new writer
     */
    public static WriterChange forcedSwitchover(RingmasterConfig config, ClusterState state, String from, String to) {
        WriterChange plain = switchover(config, state, from, to);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.Repoint(to, from));
        steps.addAll(plain.steps());
        String ownSource = state.sources().get(to);
        if (ownSource != null && !ownSource.equals(from)) {
            steps.add(new Step.Repoint(to, ownSource));
        }
        return new WriterChange(plain.kind(), plain.from(), to, steps, plain.rollback(), plain.newSources());
    }

    /**
     * Plans an unplanned move of the writer away from a host that is gone.
     *
     * @param from the failed writer
     * @param to   the chosen candidate
     */
    public static WriterChange failover(RingmasterConfig config, ClusterState state, String from, String to) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.Fence(from, true));
        steps.add(new Step.CatchUpRelayLog(to));
        steps.add(new Step.CatchUpFromPeers(to, from));
        Map<String, String> sources = new LinkedHashMap<>(state.sources());
        String upstreamOfDead = state.sources().get(from);
        List<Step> after = new ArrayList<>();
        for (Map.Entry<String, String> e : state.sources().entrySet()) {
            String host = e.getKey();
            if (!from.equals(e.getValue()) || !config.host(host).isMaster()) {
                continue;
            }
            // stopping the applier is quick whatever the dead writer's state; a full STOP SLAVE waits for an IO
            // thread stuck on a frozen writer for up to 3 x slave_net_timeout, so it comes after the promotion
            steps.add(new Step.StopApplier(host, from));
            if (upstreamOfDead == null || upstreamOfDead.equals(host)) {
                after.add(new Step.Detach(host, from));
                sources.remove(host);
            } else {
                after.add(new Step.Repoint(host, upstreamOfDead));
                sources.put(host, upstreamOfDead);
            }
        }
        steps.add(new Step.Promote(to));
        steps.addAll(after);
        for (String replica : replicasReadingFrom(config, state, from)) {
            steps.add(new Step.Repoint(replica, to));
            sources.put(replica, to);
        }
        return new WriterChange(WriterChange.Kind.FAILOVER, Optional.of(from), to, steps, List.of(), sources);
    }

    /** Plans the first writer of a cluster that has none: apply the relay log, then promote. */
    public static WriterChange initial(ClusterState state, String to) {
        return new WriterChange(WriterChange.Kind.INITIAL, Optional.empty(), to,
                List.of(new Step.CatchUpRelayLog(to), new Step.Promote(to)), List.of(), state.sources());
    }

    /**
     * The initial replication sources from configuration: each replica reads from its configured master; each
     * master from the previous master in ring order (a pair reads from each other).
     */
    public static Map<String, String> initialSources(RingmasterConfig config) {
        Map<String, String> sources = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            if (h.isMaster()) {
                config.ringUpstreamOf(h.name()).ifPresent(up -> sources.put(h.name(), up.name()));
            } else {
                sources.put(h.name(), h.master().orElseThrow());
            }
        }
        return sources;
    }

    private static List<String> replicasReadingFrom(RingmasterConfig config, ClusterState state, String host) {
        return state.sources().entrySet().stream()
                .filter(e -> host.equals(e.getValue()) && !config.host(e.getKey()).isMaster())
                .map(Map.Entry::getKey).toList();
    }
}
