package io.ringmaster.tools.checksum;

/**
 * The checksum or sync could not run at all. The message is one line, names the option or host at fault, and
 * never holds a secret.
 */
public final class ChecksumException extends Exception {
    private final int exitCode;

    /**
     * @param exitCode 2 for bad input (an option, an unknown host), 1 for anything else
     * @param message  one line
     */
    public ChecksumException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** 1 or 2. */
    public int exitCode() {
        return exitCode;
    }
}
