package io.ringmaster.core.model;

/**
 * MMM's monitor modes.
 * ACTIVE moves roles by itself; MANUAL only balances readers and never strips failed hosts of the writer;
 * WAIT behaves as MANUAL until every master is ONLINE or the wait runs out; PASSIVE changes nothing.
 */
public enum MonitorMode {
    ACTIVE,
    MANUAL,
    WAIT,
    PASSIVE;

    /** MMM's answer to an operator command that changes the cluster while the monitor is PASSIVE. */
    public static final String ONLY_IN_ACTIVE_MODE = "ERROR: This command is only allowed in active mode";

    /**
     * Whether operator commands that change hosts or roles ({@code set-online}, {@code set-offline},
     * {@code move-role}) may run: in every mode but PASSIVE (MANUAL and WAIT leave role moves to the operator).
     */
    public boolean allowsOperatorChanges() {
        return this != PASSIVE;
    }

    /**
     * Parses a mode name, case-insensitive.
     *
     * @throws IllegalArgumentException when the text names no mode
     */
    public static MonitorMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be one of ACTIVE, MANUAL, WAIT, PASSIVE, not '" + text + "'");
        }
    }
}
