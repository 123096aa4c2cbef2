package io.ringmaster.core.state;

import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.model.HostState;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the monitor remembers about one host between rounds (and across its own restarts).
 *
 * @param state      the MMM state
 * @param since      when the host entered {@code state}
 * @param reason     why it is in that state ("" when ONLINE), never null
 * @param checks     the latest result of each check, never null
 * @param uptimeSeconds the server's Uptime at the latest successful check, s; -1 when never seen
 * @param falls      when the host fell from ONLINE to a failure state, oldest first, within the flap window
 * @param flapping   fell more than {@code flap_count} times within {@code flap_duration}; cleared by set-online
 * @param lastSeenPos the highest {@code gtid_current_pos} seen, text form; "" when never seen
 */
public record HostRecord(
        HostState state,
        Instant since,
        String reason,
        Map<CheckName, CheckStatus> checks,
        long uptimeSeconds,
        List<Instant> falls,
        boolean flapping,
        String lastSeenPos) {

    public HostRecord {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(reason, "reason");
        checks = checks.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(checks));
        falls = List.copyOf(falls);
        Objects.requireNonNull(lastSeenPos, "lastSeenPos");
    }

    /** This record in a new state. */
    public HostRecord withState(HostState newState, Instant now, String newReason) {
        return new HostRecord(newState, now, newReason, checks, uptimeSeconds, falls, flapping, lastSeenPos);
    }

    /** The latest status of a check, or null if it never ran. */
    public CheckStatus check(CheckName name) {
        return checks.get(name);
    }
}
