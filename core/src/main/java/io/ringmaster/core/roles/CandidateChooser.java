package io.ringmaster.core.roles;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the host to promote to writer: among the ONLINE masters allowed to hold the writer role, the one that
 * has applied most of the old writer's GTID domain; ties go to the one that has received most (its relay log
 * holds more), then to the role's preferred host, then to configuration order (as orchestrator's
 * {@code chooseCandidateReplica} ranks by position, then promotion rule). Pure and thread-safe.
 */
public final class CandidateChooser {
    private CandidateChooser() {}

    /**
     * Ranks the candidates.
     *
     * @param config       the configuration
     * @param state        current states
     * @param observations the latest observation of each host
     * @param oldWriter    the writer being replaced, excluded; may be empty (no writer yet)
     * @param writerDomain the old writer's gtid_domain_id, when known; otherwise every domain counts
     * @return the choice, never null
     */
    public static CandidateChoice choose(RingmasterConfig config, ClusterState state,
                                         Map<String, HostObservation> observations, Optional<String> oldWriter,
                                         Optional<Long> writerDomain) {
        Optional<RoleConfig> role = config.writerRole();
        List<CandidateChoice.Ranked> ranked = new ArrayList<>();
        List<CandidateChoice.Rejected> rejected = new ArrayList<>();
        if (role.isEmpty()) {
            return new CandidateChoice(Optional.empty(), ranked, rejected);
        }
        for (String name : role.get().hosts()) {
            if (oldWriter.filter(name::equals).isPresent()) {
                continue;
            }
            HostConfig host = config.host(name);
            HostRecord rec = state.host(name);
            HostObservation o = observations.get(name);
            if (!host.isMaster()) {
                rejected.add(new CandidateChoice.Rejected(name, "not a master"));
            } else if (rec == null || rec.state() != HostState.ONLINE) {
                rejected.add(new CandidateChoice.Rejected(name, rec == null ? "never checked" : "is " + rec.state()));
            } else if (o == null || !o.sqlOk()) {
                rejected.add(new CandidateChoice.Rejected(name, "not answering: "
                        + (o == null ? "no observation" : o.error())));
            } else {
                long applied = writerDomain.map(d -> o.currentPos().seq(d))
                        .orElseGet(() -> o.currentPos().gtids().stream().mapToLong(g -> g.seq()).sum());
                long received = o.replication().map(l -> writerDomain.map(d -> l.gtidIoPos().seq(d))
                        .orElseGet(() -> l.gtidIoPos().gtids().stream().mapToLong(g -> g.seq()).sum()))
                        .orElse(applied);
                ranked.add(new CandidateChoice.Ranked(name, applied, Math.max(applied, received)));
            }
        }
        Optional<String> prefer = role.get().prefer();
        List<String> order = role.get().hosts();
        ranked.sort(Comparator.comparingLong(CandidateChoice.Ranked::applied).reversed()
                .thenComparing(Comparator.comparingLong(CandidateChoice.Ranked::received).reversed())
                .thenComparing(r -> prefer.filter(r.host()::equals).isPresent() ? 0 : 1)
                .thenComparingInt(r -> order.indexOf(r.host())));
        Optional<String> candidate = ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0).host());
        return new CandidateChoice(candidate, ranked, rejected);
    }
}
