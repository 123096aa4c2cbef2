package io.ringmaster.tools.backup;

/**
 * A backup, restore or verify that was refused or failed, with a one-line message and the CLI's exit code
 * (1 refused or failed, 2 bad argument, 3 unknown host or backup id, 4 agent unreachable). Nothing was changed
 * unless the message says so.
 */
public final class BackupException extends Exception {
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNKNOWN = 3;
    public static final int UNREACHABLE = 4;
    private final int exitCode;

    public BackupException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public BackupException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The exit code the CLI ends with. */
    public int exitCode() {
        return exitCode;
    }
}
