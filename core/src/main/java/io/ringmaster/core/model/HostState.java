package io.ringmaster.core.model;

/**
 * MMM's host states. Only {@link #ONLINE} hosts hold roles.
 */
public enum HostState {
    /** Every check passes; may hold roles. */
    ONLINE,
    /** Taken out by an operator ({@code set-offline}); never changes by itself. */
    ADMIN_OFFLINE,
    /** ping or mysql has failed for longer than the trap period. */
    HARD_OFFLINE,
    /** Back after a failure, a restart or flapping: waits for {@code set-online} or {@code auto_set_online}. */
    AWAITING_RECOVERY,
    /** Replication lag above {@code max_backlog} for longer than the trap period. */
    REPLICATION_DELAY,
    /** The IO or SQL replication thread is not running for longer than the trap period. */
    REPLICATION_FAIL;

    /** True for the states an operator put the host in, which the monitor never leaves by itself. */
    public boolean isAdministrative() {
        return this == ADMIN_OFFLINE;
    }
}
