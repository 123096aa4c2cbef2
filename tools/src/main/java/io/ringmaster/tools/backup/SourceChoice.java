package io.ringmaster.tools.backup;

import java.util.List;
import java.util.Optional;

/**
 * Which host a backup is taken from: a pure function of what each host answered, so that each rule is
 * table-tested. Never the writer (a host answering read_only=OFF) unless the operator named it. Stateless.
 */
public final class SourceChoice {
    private SourceChoice() {}

    /**
     * What one host answered.
     *
     * @param name        the host's name
     * @param replica     configured as a replica (else a master)
     * @param answers     its server answered
     * @param readOnly    it answered read_only=ON
     * @param replicating both replication threads run
     */
    public record HostFacts(String name, boolean replica, boolean answers, boolean readOnly, boolean replicating) {}

    /**
     * The chosen host with the reason, one line.
     *
     * @param host   the host's name
     * @param reason why it, for the log and the manifest's history
     */
    public record Choice(String host, String reason) {}

    /**
     * Chooses: {@code named} (the operator's {@code --host}) as it is; else {@code configured}
     * ({@code backup.from}) unless it is writable; else the first replica that answers read-only and replicates;
     * else the first master that answers read-only (the passive master).
     *
     * @param hosts in configuration order
     * @return the choice, or the refusal as one line
     */
    public static Result choose(Optional<String> named, Optional<String> configured, List<HostFacts> hosts) {
        if (named.isPresent()) {
            return Result.of(new Choice(named.get(), "--host " + named.get()));
        }
        String note = "";
        if (configured.isPresent()) {
            Optional<HostFacts> f = hosts.stream().filter(h -> h.name().equals(configured.get())).findFirst();
            if (f.isPresent() && f.get().answers() && f.get().readOnly()) {
                return Result.of(new Choice(f.get().name(), "backup.from"));
            }
            note = "backup.from " + configured.get() + (f.isPresent() && f.get().answers()
                    ? " is writable (the writer)" : " does not answer") + "; ";
        }
        for (HostFacts h : hosts) {
            if (h.replica() && h.answers() && h.readOnly() && h.replicating()) {
                return Result.of(new Choice(h.name(), note + "a replica that answers read-only and replicates"));
            }
        }
        for (HostFacts h : hosts) {
            if (!h.replica() && h.answers() && h.readOnly()) {
                return Result.of(new Choice(h.name(), note + "the passive master (read-only)"));
            }
        }
        return Result.refused("refused: no host to back up from: " + note + "no replica or passive master answers "
                + "read_only=ON (the writer is never chosen by itself); name one with --host");
    }

    /** A choice or a refusal. */
    public record Result(Optional<Choice> choice, String refusal) {
        static Result of(Choice c) {
            return new Result(Optional.of(c), "");
        }

        static Result refused(String why) {
            return new Result(Optional.empty(), why);
        }
    }
}
