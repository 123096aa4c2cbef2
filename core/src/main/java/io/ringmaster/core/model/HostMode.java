package io.ringmaster.core.model;

/**
 * What a host may do in the topology: a {@code MASTER} may hold the writer role and replicates from the other
 * masters (a pair or a ring); a {@code REPLICA} hangs off one master and never takes writes.
 */
public enum HostMode {
    MASTER,
    REPLICA;

    /**
     * Parses a mode from configuration; MMM's {@code slave} is accepted for {@code replica}.
     *
     * @param text the configured value, case-insensitive
     * @return the mode, never null
     * @throws IllegalArgumentException when the text names no mode
     */
    public static HostMode parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "master" -> MASTER;
            case "replica", "slave" -> REPLICA;
            default -> throw new IllegalArgumentException("must be master or replica, not '" + text + "'");
        };
    }

    /** The lower-case spelling used in output and configuration. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
