package io.ringmaster.sandbox;

/**
 * A sandbox operation failed: binaries not found, a server that would not start or stop in time, a directory
 * that already holds a sandbox. The message is one line meant for an operator (the CLI prints it as is); it names
 * the host and the file to look at when there is one.
 */
public class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line, never null */
    public SandboxException(String message) {
        super(message);
    }

    /**
     * @param message one line, never null
     * @param cause   the underlying failure, may be null
     */
    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
