package io.ringmaster.agent.clone;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which host a rebuild copies from: a pure function of the monitor's view, table-tested. Rules, in order:
 * <ol>
 *   <li>{@code --from} given: that host (even the writer: the operator said so), unless it is the target or
 *       unknown.</li>
 *   <li>An ONLINE replica (mode replica) that is not the target, does not replicate from the target (it would carry
 *       the target's divergence), and is up to date (lag known and at most the limit); the least lagging first,
 *       then by name.</li>
 *   <li>Else an ONLINE master that is not the writer and not the target (the passive master).</li>
 *   <li>Else none: the reason says why (the writer is never chosen by itself).</li>
 * </ol>
 * Stateless, thread-safe.
 */
public final class DonorChoice {
    private DonorChoice() {}

    /**
     * One host as the monitor's API shows it.
     *
     * @param name       host name
     * @param replica    true for mode replica, false for a master
     * @param state      the monitor's state, e.g. {@code ONLINE}
     * @param source     the host it replicates from, may be null
     * @param lagSeconds replication lag, null when unknown
     */
    public record Candidate(String name, boolean replica, String state, String source, Double lagSeconds) {
        public Candidate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * The choice.
     *
     * @param donor  the chosen host, empty when none fits
     * @param reason one line: why this host, or why none
     */
    public record Choice(Optional<String> donor, String reason) {}

    private static String whyNot(Candidate h, String target, double maxLagSec) {
        if (!"ONLINE".equals(h.state())) {
            return h.state();
        }
        if (target.equals(h.source())) {
            return "replicates from " + target;
        }
        return h.lagSeconds() == null ? "lag unknown" : "lag " + h.lagSeconds() + " s > " + maxLagSec + " s";
    }

    /**
     * Chooses the donor for rebuilding {@code target}.
     *
     * @param hosts     every host of the cluster as the monitor shows it
     * @param writer    the writer's name, null when there is none
     * @param from      the operator's {@code --from}, may be null
     * @param maxLagSec largest lag a replica donor may have, seconds
     */
    public static Choice choose(List<Candidate> hosts, String target, String writer, String from, double maxLagSec) {
        if (from != null) {
            if (from.equals(target)) {
                return new Choice(Optional.empty(), "--from " + from + " is the host being rebuilt");
            }
            if (hosts.stream().noneMatch(h -> h.name().equals(from))) {
                return new Choice(Optional.empty(), "--from " + from + " is not a host of this cluster");
            }
            return new Choice(Optional.of(from), from + " (given with --from"
                    + (from.equals(writer) ? "; it is the writer" : "") + ")");
        }
        Optional<Candidate> replica = hosts.stream()
                .filter(h -> h.replica() && !h.name().equals(target) && !h.name().equals(writer))
                .filter(h -> "ONLINE".equals(h.state()) && !target.equals(h.source()))
                .filter(h -> h.lagSeconds() != null && h.lagSeconds() <= maxLagSec)
                .min(Comparator.comparingDouble(Candidate::lagSeconds).thenComparing(Candidate::name));
        if (replica.isPresent()) {
            return new Choice(Optional.of(replica.get().name()), replica.get().name()
                    + " (ONLINE replica, lag " + replica.get().lagSeconds() + " s)");
        }
        Optional<Candidate> passive = hosts.stream()
                .filter(h -> !h.replica() && !h.name().equals(target) && !h.name().equals(writer))
                .filter(h -> "ONLINE".equals(h.state()))
                .min(Comparator.comparing(Candidate::name));
        String skipped = String.join(", ", hosts.stream()
                .filter(h -> h.replica() && !h.name().equals(target) && !h.name().equals(writer))
                .map(h -> h.name() + ": " + whyNot(h, target, maxLagSec)).toList());
        if (passive.isPresent()) {
            return new Choice(Optional.of(passive.get().name()), passive.get().name()
                    + " (ONLINE passive master; no up-to-date ONLINE replica" + (skipped.isEmpty() ? ""
                    : " - " + skipped) + ")");
        }
        return new Choice(Optional.empty(), "no ONLINE up-to-date replica and no ONLINE passive master other than "
                + target + (skipped.isEmpty() ? "" : " (" + skipped + ")") + "; the writer"
                + (writer == null ? "" : " (" + writer + ")") + " is used only when named with --from");
    }
}
