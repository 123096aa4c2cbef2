package io.ringmaster.cli;

/**
 * A command failed or was refused; the message is the one line printed after {@code ringmaster: }.
 *
 * <p>Exit codes, the same for every verb (the README has the table):
 * {@link #OK} 0 success (also MMM's {@code OK: ... Skipping command.}), {@link #FAILED} 1 refused in the current
 * state or mode, or failed, {@link #USAGE} 2 bad arguments or configuration, {@link #UNKNOWN} 3 unknown host, role or
 * check, {@link #UNREACHABLE} 4 the monitor cannot be reached, is starting or busy (try again).
 */
public final class CliException extends RuntimeException {
    /** Success. */
    public static final int OK = 0;
    /** Refused in the current state or mode, or failed. */
    public static final int FAILED = 1;
    /** Bad arguments or configuration. */
    public static final int USAGE = 2;
    /** Unknown host, role or check. */
    public static final int UNKNOWN = 3;
    /** The monitor cannot be reached, is starting or is busy: try again. */
    public static final int UNREACHABLE = 4;

    private final int exitCode;

    /**
     * @param exitCode one of the codes above
     * @param message  one line, never a secret
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The exit code for a monitor API answer with HTTP status {@code status} (400 and up). */
    static int forHttpStatus(int status) {
        return switch (status) {
            case 400 -> USAGE;
            case 404 -> UNKNOWN;
            case 503 -> UNREACHABLE;
            default -> FAILED;
        };
    }
}
