package io.ringmaster.core.decide;

import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.Transition;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one round: the next state, the actions to run in order, the findings to report, and what to
 * log. The state already holds the new host states, roles (a writer stripped when it must go) and mode; what only
 * success can tell (a new writer, a new replication source) the executor applies after each action. Immutable.
 *
 * @param state          the next state
 * @param transitions    host state changes in this round, in configuration order
 * @param actions        what to do, in order
 * @param findings       every problem found this round (not only new ones)
 * @param strandedWriter the writer that lost its role and whose replacement is not in place yet (empty once a
 *                       writer holds the role), for the next round's facts
 * @param notes          lines worth logging about this decision (adoption of a writer, careful start-up, ...)
 * @param suspect        look again soon (every ~100 ms rather than every check period): a host that holds a role,
 *                       the writer, or an ONLINE host failed its check, a host replicating from the writer lost its
 *                       IO thread, or this round's observations were distrusted
 */
public record Decision(ClusterState state, List<Transition> transitions, List<Action> actions,
                       List<Finding> findings, Optional<String> strandedWriter, List<String> notes,
                       boolean suspect) {
    public Decision {
        transitions = List.copyOf(transitions);
        actions = List.copyOf(actions);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }
}
