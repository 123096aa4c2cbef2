package io.ringmaster.cli;

/** A command failed or was refused; the message is the one line printed after {@code ringmaster: }. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    /**
     * @param exitCode 1 for a failure or refusal, 2 for bad usage or configuration
     * @param message  one line, never a secret
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
