package io.ringmaster.core.decide;

import io.ringmaster.core.plan.Step;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.core.privilege.Need;
import io.ringmaster.core.privilege.PrivilegeGap;
import io.ringmaster.core.privilege.PrivilegeRequirements;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a planned writer change can run to its end with the monitor account's privileges: every step (and
 * rollback step) is matched with its {@link Need}s on its host. Pure.
 */
public final class PrivilegeCheck {
    private PrivilegeCheck() {}

    /**
     * @param change the planned change
     * @param gaps   privileges lacking, by host
     * @return why the change must not start (each step that would fail, with the privilege), or empty when none
     */
    public static Optional<String> blocking(WriterChange change, Map<String, List<PrivilegeGap>> gaps) {
        if (gaps.isEmpty()) {
            return Optional.empty();
        }
        List<Step> all = new ArrayList<>(change.steps());
        all.addAll(change.rollback());
        Set<String> problems = new LinkedHashSet<>();
        for (Step s : all) {
            for (Need n : PrivilegeRequirements.needsOf(s)) {
                for (PrivilegeGap g : gaps.getOrDefault(s.host(), List.of())) {
                    if (g.need() == n) {
                        problems.add("step '" + s.describe() + "' needs " + String.join(", ",
                                g.missing().stream().map(Object::toString).toList()) + " on " + s.host());
                    }
                }
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
