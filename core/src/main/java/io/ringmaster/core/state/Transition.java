package io.ringmaster.core.state;

import io.ringmaster.core.model.HostState;
import java.time.Instant;

/**
 * One host changing state, with the reason, for the log and the audit trail.
 *
 * @param host   host name
 * @param from   previous state; null when the host was seen for the first time
 * @param to     new state
 * @param reason why, in words
 * @param at     when
 */
public record Transition(String host, HostState from, HostState to, String reason, Instant at) {
    @Override
    public String toString() {
        return host + ": " + (from == null ? "(new)" : from) + " -> " + to + " (" + reason + ")";
    }
}
