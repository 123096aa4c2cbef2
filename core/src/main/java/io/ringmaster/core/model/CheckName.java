package io.ringmaster.core.model;

import java.util.Locale;

/**
 * MMM's checks, run every check period against every host.
 */
public enum CheckName {
    /** TCP connect to the server port. */
    PING,
    /** Connect and run a query. */
    MYSQL,
    /** The replication IO and SQL threads are running (hosts that replicate only). */
    REP_THREADS,
    /** Replication lag, from the heartbeat table, is at most {@code max_backlog}. */
    REP_BACKLOG;

    /** The lower-case spelling used by {@code checks} and the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code ping}, {@code mysql}, {@code rep_threads} or {@code rep_backlog} (dashes accepted).
     *
     * @throws IllegalArgumentException when the text names no check
     */
    public static CheckName parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown check '" + text + "' (ping, mysql, rep_threads, rep_backlog)");
        }
    }
}
