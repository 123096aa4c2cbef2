package io.ringmaster.core.decide;

import io.ringmaster.core.analysis.ErrantTransactions;
import io.ringmaster.core.observe.HostObservation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the monitor knows besides this round's observations, gathered before the decision. Immutable.
 *
 * @param firstRound     the monitor has not looked at every host since it started: this round only looks
 *                       (adopts the one writable master, or goes PASSIVE when careful start-up finds several)
 * @param distrust       why this round's observations must not be acted on (the monitor was paused, its clock
 *                       jumped, or its own network is gone), empty when they can be
 * @param strandedWriter a writer stripped of its role whose replacement has not happened yet
 * @param lastGood       the last successful observation of each host (the old writer's GTID domain comes from it)
 * @param errant         hosts holding GTIDs the writer lacks, confirmed against a fresh read of the writer (the
 *                       previous round's when the writer cannot be read now)
 * @param failoverBlocked why an automatic failover may not run now (anti-flap), empty when it may
 * @param privilegeGaps  privileges the monitor account lacks, by host (from the last SHOW GRANTS of each host);
 *                       a host absent was not read yet or lacks nothing
 * @param agentFenced    hosts whose agent was told to hold the writer role and has had no renewal that could reach
 *                       it for a whole lease (as the monitor counts it): each has fenced its server by itself
 */
public record RoundFacts(
        boolean firstRound,
        Optional<Finding> distrust,
        Optional<String> strandedWriter,
        Map<String, HostObservation> lastGood,
        Map<String, List<ErrantTransactions.Range>> errant,
        Optional<String> failoverBlocked,
        Map<String, List<io.ringmaster.core.privilege.PrivilegeGap>> privilegeGaps,
        java.util.Set<String> agentFenced) {
    public RoundFacts {
        privilegeGaps = Map.copyOf(privilegeGaps);
        agentFenced = java.util.Set.copyOf(agentFenced);
        lastGood = Map.copyOf(lastGood);
        errant = Map.copyOf(errant);
        distrust.ifPresent(d -> {
            if (!(d instanceof Finding.MonitorPaused) && !(d instanceof Finding.MonitorNetworkDown)) {
                throw new IllegalArgumentException("distrust must be MonitorPaused or MonitorNetworkDown: " + d);
            }
        });
    }

    /** As the canonical constructor, with no privilege gaps known. */
    public RoundFacts(boolean firstRound, Optional<Finding> distrust, Optional<String> strandedWriter,
                      Map<String, HostObservation> lastGood, Map<String, List<ErrantTransactions.Range>> errant,
                      Optional<String> failoverBlocked) {
        this(firstRound, distrust, strandedWriter, lastGood, errant, failoverBlocked, Map.of());
    }

    /** As the canonical constructor, with no agent known to have fenced its server. */
    public RoundFacts(boolean firstRound, Optional<Finding> distrust, Optional<String> strandedWriter,
                      Map<String, HostObservation> lastGood, Map<String, List<ErrantTransactions.Range>> errant,
                      Optional<String> failoverBlocked,
                      Map<String, List<io.ringmaster.core.privilege.PrivilegeGap>> privilegeGaps) {
        this(firstRound, distrust, strandedWriter, lastGood, errant, failoverBlocked, privilegeGaps,
                java.util.Set.of());
    }

    /** The same facts with {@code gaps} as the privilege gaps. */
    public RoundFacts withPrivilegeGaps(Map<String, List<io.ringmaster.core.privilege.PrivilegeGap>> gaps) {
        return new RoundFacts(firstRound, distrust, strandedWriter, lastGood, errant, failoverBlocked, gaps,
                agentFenced);
    }

    /** The same facts with {@code hosts} as the hosts whose agent has fenced its server by itself. */
    public RoundFacts withAgentFenced(java.util.Set<String> hosts) {
        return new RoundFacts(firstRound, distrust, strandedWriter, lastGood, errant, failoverBlocked, privilegeGaps,
                hosts);
    }

    /** Facts of an ordinary round: not the first, nothing distrusted, nothing stranded, errant or blocked. */
    public static RoundFacts ordinary(Map<String, HostObservation> lastGood) {
        return new RoundFacts(false, Optional.empty(), Optional.empty(), lastGood, Map.of(), Optional.empty());
    }
}
