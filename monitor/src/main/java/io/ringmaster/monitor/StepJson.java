package io.ringmaster.monitor;

import io.ringmaster.core.plan.ChangeRecord;
import io.ringmaster.core.plan.Step;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link ChangeRecord} in the state store: each {@link Step} as its type name and fields, so the
 * record reads back exactly. The switch over the sealed {@link Step} makes a new kind of step fail to compile here
 * until it is stored. Stateless and thread-safe.
 */
final class StepJson {
    private StepJson() {}

    /** One step: its type ({@code Fence}, {@code Repoint}...), the host, the other host, best effort. */
    record StepDto(String type, String host, String other, boolean bestEffort) {}

    /** The stored record. */
    record ChangeDto(String id, String kind, String reason, Instant started, boolean forced, String from, String to,
                     List<StepDto> steps, List<StepDto> rollback, Map<String, String> newSources, long epochBefore,
                     Set<Integer> done, boolean rollingBack) {}

    static ChangeDto toDto(ChangeRecord r) {
        return new ChangeDto(r.id(), r.kind(), r.reason(), r.started(), r.forced(), r.from(), r.to(),
                r.steps().stream().map(StepJson::toDto).toList(), r.rollback().stream().map(StepJson::toDto).toList(),
                r.newSources(), r.epochBefore(), r.done(), r.rollingBack());
    }

    static ChangeRecord fromDto(ChangeDto d) throws IOException {
        if (d.id() == null || d.kind() == null || d.to() == null || d.steps() == null || d.started() == null) {
            throw new IOException("a field of the recorded change is missing (id, kind, to, steps, started)");
        }
        return new ChangeRecord(d.id(), d.kind(), d.reason() == null ? "" : d.reason(), d.started(), d.forced(),
                d.from() == null ? "" : d.from(), d.to(), steps(d.steps()),
                steps(d.rollback() == null ? List.of() : d.rollback()),
                d.newSources() == null ? Map.of() : d.newSources(), d.epochBefore(),
                d.done() == null ? Set.of() : d.done(), d.rollingBack());
    }

    private static List<Step> steps(List<StepDto> dtos) throws IOException {
        List<Step> out = new ArrayList<>();
        for (StepDto s : dtos) {
            out.add(fromDto(s));
        }
        return out;
    }

    static StepDto toDto(Step s) {
        String type = s.getClass().getSimpleName();
        return switch (s) {
            case Step.Fence f -> new StepDto(type, f.host(), "", f.bestEffort());
            case Step.Unfence u -> new StepDto(type, u.host(), "", false);
            case Step.CatchUpToSource c -> new StepDto(type, c.host(), c.sourceHost(), false);
            case Step.ApproachSource a -> new StepDto(type, a.host(), a.sourceHost(), false);
            case Step.CatchUpRelayLog c -> new StepDto(type, c.host(), "", false);
            case Step.CatchUpFromPeers c -> new StepDto(type, c.host(), c.deadWriter(), false);
            case Step.StopApplier a -> new StepDto(type, a.host(), a.fromHost(), false);
            case Step.Detach d -> new StepDto(type, d.host(), d.fromHost(), false);
            case Step.Repoint r -> new StepDto(type, r.host(), r.newSource(), false);
            case Step.Promote p -> new StepDto(type, p.host(), "", false);
        };
    }

    static Step fromDto(StepDto d) throws IOException {
        if (d.type() == null || d.host() == null) {
            throw new IOException("a recorded step has no type or host");
        }
        String other = d.other() == null ? "" : d.other();
        return switch (d.type()) {
            case "Fence" -> new Step.Fence(d.host(), d.bestEffort());
            case "Unfence" -> new Step.Unfence(d.host());
            case "CatchUpToSource" -> new Step.CatchUpToSource(d.host(), other);
            case "ApproachSource" -> new Step.ApproachSource(d.host(), other);
            case "CatchUpRelayLog" -> new Step.CatchUpRelayLog(d.host());
            case "CatchUpFromPeers" -> new Step.CatchUpFromPeers(d.host(), other);
            case "StopApplier" -> new Step.StopApplier(d.host(), other);
            case "Detach" -> new Step.Detach(d.host(), other);
            case "Repoint" -> new Step.Repoint(d.host(), other);
            case "Promote" -> new Step.Promote(d.host());
            default -> throw new IOException("unknown recorded step type '" + d.type() + "'");
        };
    }
}
