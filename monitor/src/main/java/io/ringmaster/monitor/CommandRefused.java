package io.ringmaster.monitor;

/**
 * An operator command the monitor will not carry out; the message is one line saying why (never a secret).
 */
public final class CommandRefused extends Exception {
    private final int status;

    /**
     * @param status HTTP status to answer with: 404 unknown host or role, 409 refused in the current state,
     *               503 monitor busy or starting
     * @param message why, one line
     */
    public CommandRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status for the API. */
    public int status() {
        return status;
    }
}
