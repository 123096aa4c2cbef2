package io.ringmaster.core.roles;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of choosing a new writer.
 *
 * @param candidate the chosen host; empty when no host qualifies
 * @param ranked    every eligible host, best first, with the GTID figures that ranked it
 * @param rejected  hosts that were not eligible, with the reason
 */
public record CandidateChoice(Optional<String> candidate, List<Ranked> ranked, List<Rejected> rejected) {
    public CandidateChoice {
        ranked = List.copyOf(ranked);
        rejected = List.copyOf(rejected);
    }

    /**
     * An eligible host.
     *
     * @param host     host name
     * @param applied  sequence number applied in the old writer's domain (from gtid_current_pos)
     * @param received sequence number received into the relay log in that domain (from Gtid_IO_Pos)
     */
    public record Ranked(String host, long applied, long received) {}

    /** A host left out, and why. */
    public record Rejected(String host, String reason) {}

    /** A one-line summary for logs and audit records. */
    public String summary() {
        StringBuilder b = new StringBuilder(candidate.map(c -> "chose " + c).orElse("no candidate"));
        ranked.forEach(r -> b.append("; ").append(r.host()).append(" applied=").append(r.applied())
                .append(" received=").append(r.received()));
        rejected.forEach(r -> b.append("; ").append(r.host()).append(" rejected: ").append(r.reason()));
        return b.toString();
    }
}
