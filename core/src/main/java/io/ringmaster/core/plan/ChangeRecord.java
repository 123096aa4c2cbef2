package io.ringmaster.core.plan;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A change of the topology registered in the state store before its first step, with the steps done so far, so that
 * a monitor that starts and finds it unfinished can complete it, or roll it back (orchestrator registers its
 * recoveries the same way). Generic over the change: a writer change (failover, switchover, first promotion) has a
 * {@link WriterChange.Kind} name as {@code kind}; other changes (a ring repair) name their own kind and leave
 * {@code to} as the host they are about. Immutable.
 *
 * @param id          the change's audit id; a resumed change keeps it
 * @param kind        what the change is: a {@link WriterChange.Kind} name, or another change's own name
 * @param reason      why it was started, one line
 * @param started     when it was registered
 * @param forced      an operator forced it (a catch-up that fails is recorded and the change goes on)
 * @param from        the old writer, "" when none
 * @param to          the new writer (or the host a change that is no writer change is about)
 * @param steps       the plan, in order
 * @param rollback    steps that undo it while nothing was promoted (lift a fence), in order; may be empty
 * @param newSources  host to replication source once the change is done
 * @param epochBefore the state's epoch when it was registered: a state with a higher epoch and {@code to} as
 *                    writer shows it was committed
 * @param done        indices into {@code steps} of the steps that succeeded
 * @param rollingBack the rollback had started
 */
public record ChangeRecord(String id, String kind, String reason, Instant started, boolean forced, String from,
                           String to, List<Step> steps, List<Step> rollback, Map<String, String> newSources,
                           long epochBefore, Set<Integer> done, boolean rollingBack) {
    public ChangeRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        steps = List.copyOf(steps);
        rollback = List.copyOf(rollback);
        newSources = Collections.unmodifiableMap(new LinkedHashMap<>(newSources));
        done = Collections.unmodifiableSet(new TreeSet<>(done));
    }

    /** The registration of a writer change, before its first step. */
    public static ChangeRecord of(String id, WriterChange change, String reason, boolean forced, long epoch,
                                  Instant started) {
        return new ChangeRecord(id, change.kind().name(), reason, started, forced, change.from().orElse(""),
                change.to(), change.steps(), change.rollback(), change.newSources(), epoch, Set.of(), false);
    }

    /** The same record with step {@code index} done. */
    public ChangeRecord withDone(int index) {
        Set<Integer> d = new TreeSet<>(done);
        d.add(index);
        return new ChangeRecord(id, kind, reason, started, forced, from, to, steps, rollback, newSources,
                epochBefore, d, rollingBack);
    }

    /** The same record with the rollback started. */
    public ChangeRecord withRollbackStarted() {
        return new ChangeRecord(id, kind, reason, started, forced, from, to, steps, rollback, newSources,
                epochBefore, done, true);
    }

    /** The writer change it records, or empty when it is another kind of change. */
    public Optional<WriterChange> writerChange() {
        for (WriterChange.Kind k : WriterChange.Kind.values()) {
            if (k.name().equals(kind)) {
                return Optional.of(new WriterChange(k, from.isEmpty() ? Optional.empty() : Optional.of(from), to,
                        steps, rollback, newSources));
            }
        }
        return Optional.empty();
    }

    /** The index of the promotion step, or -1 when the plan promotes nobody. */
    public int promoteIndex() {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Promote) {
                return i;
            }
        }
        return -1;
    }
}
