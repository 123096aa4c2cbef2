package io.ringmaster.core.plan;

import io.ringmaster.core.observe.HostObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a monitor that starts does with a {@link ChangeRecord} a previous monitor left unfinished, decided from the
 * record and one observation of every host. Pure and thread-safe.
 *
 * <ul>
 *   <li>Something was promoted (the promotion step is recorded done, or the new writer answers writable): finish,
 *       running every step after the promotion that is not recorded done; an old writer's fence that did not
 *       succeed is tried again (fencing it never hurts once another host is the writer, and it re-arms the return
 *       fence). Nothing before the promotion is waited for again.</li>
 *   <li>Nothing was promoted, the change has a rollback (a switchover lifts its fence) and the old writer answers,
 *       or the rollback had started: roll back, so the cluster is as before the change.</li>
 *   <li>Otherwise (a failover: the old writer was gone): finish from the first step not recorded done.</li>
 * </ul>
 * Every step is safe to run twice (fence, catch-ups, stop applier, promote, detach and repoint read what is there
 * and converge), so a step that ran but was not yet recorded done is simply run again.
 */
public final class Resumption {
    private Resumption() {}

    /** What to do. */
    public enum Verdict {
        /** Run {@link Plan#run()} (indices into the record's steps), then commit the change. */
        FINISH,
        /** Run the record's rollback steps; the state stays as before the change. */
        ROLL_BACK
    }

    /**
     * @param verdict  finish or roll back
     * @param run      for {@link Verdict#FINISH}, the indices of the steps to run, in order; empty for a rollback
     * @param promoted something was promoted before the previous monitor stopped
     * @param why      one line for the log and the audit
     */
    public record Plan(Verdict verdict, List<Integer> run, boolean promoted, String why) {
        public Plan {
            run = List.copyOf(run);
        }

        /** The indices of the steps not to run (done, or not needed any more), for the step runner. */
        public Set<Integer> skip(int stepCount) {
            Set<Integer> skip = new TreeSet<>();
            for (int i = 0; i < stepCount; i++) {
                if (!run.contains(i)) {
                    skip.add(i);
                }
            }
            return skip;
        }
    }

    /**
     * Decides.
     *
     * @param record       the unfinished change, never null
     * @param observations this round's observation of every host (a host missing counts as not answering)
     */
    public static Plan plan(ChangeRecord record, Map<String, HostObservation> observations) {
        int promote = record.promoteIndex();
        HostObservation to = observations.get(record.to());
        boolean writable = to != null && to.sqlOk() && !to.readOnly();
        boolean promoted = promote >= 0 && (record.done().contains(promote) || writable);
        String done = record.done().isEmpty() ? "no step done" : record.done().size() + " of "
                + record.steps().size() + " step(s) done";
        if (!promoted) {
            HostObservation from = record.from().isEmpty() ? null : observations.get(record.from());
            boolean fromAnswers = from != null && from.sqlOk();
            if (record.rollingBack() || (!record.rollback().isEmpty() && fromAnswers)) {
                return new Plan(Verdict.ROLL_BACK, List.of(), false, done + ", nothing promoted"
                        + (record.rollingBack() ? ", rollback started" : ", " + record.from() + " answers")
                        + ": rolling back");
            }
        }
        List<Integer> run = new ArrayList<>();
        for (int i = 0; i < record.steps().size(); i++) {
            Step s = record.steps().get(i);
            if (record.done().contains(i) || (promoted && i == promote)) {
                continue;
            }
            if (promoted && i < promote && !(s instanceof Step.Fence)) {
                continue; // waits and stops before a promotion that happened are moot
            }
            run.add(i);
        }
        return new Plan(Verdict.FINISH, run, promoted, done + (promoted ? ", " + record.to() + " promoted"
                : ", nothing promoted") + ": finishing (" + run.size() + " step(s) to run)");
    }
}
