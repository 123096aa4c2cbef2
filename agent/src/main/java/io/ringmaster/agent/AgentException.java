package io.ringmaster.agent;

/**
 * A request to an agent that failed: the agent could not be reached in time, or it answered with an error.
 * The message is one line naming the host; never the token.
 */
public final class AgentException extends Exception {
    private final String host;
    private final int status;

    /**
     * @param host    the agent's host
     * @param status  the HTTP status it answered, or 0 when it could not be reached
     * @param message one line
     */
    public AgentException(String host, int status, String message, Throwable cause) {
        super(message, cause);
        this.host = host;
        this.status = status;
    }

    /** The agent's host. */
    public String host() {
        return host;
    }

    /** The HTTP status the agent answered, or 0 when it could not be reached (or timed out). */
    public int status() {
        return status;
    }

    /** True when the agent was not reached or did not answer in time. */
    public boolean unreachable() {
        return status == 0;
    }
}
