package io.ringmaster.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit record of one writer change (failover, switchover or initial promotion): every step with its
 * timing and outcome, the GTID positions of the old and new writer before and after, and the transactions lost.
 * Filled in by one thread, then published; reads after {@link #finish} are safe.
 */
public final class RecoveryRecord {
    /** One executed step. */
    public record StepRecord(String step, boolean ok, long millis, String detail) {}

    private final String id;
    private final String kind;
    private final String from;
    private final String to;
    private final String reason;
    private final Instant started;
    private final List<StepRecord> steps = new ArrayList<>();
    private volatile Instant finished;
    private volatile boolean success;
    private volatile String outcome = "running";
    private final Map<String, String> positionsBefore = new LinkedHashMap<>();
    private final Map<String, String> positionsAfter = new LinkedHashMap<>();
    private volatile long transactionsLost = -1;
    private volatile Instant firstFailureAt;
    private volatile String evidence = "";

    RecoveryRecord(String id, String kind, String from, String to, String reason, Instant started) {
        this.id = id;
        this.kind = kind;
        this.from = from;
        this.to = to;
        this.reason = reason;
        this.started = started;
    }

    synchronized void add(StepRecord step) {
        steps.add(step);
    }

    /** Records {@code host}'s GTID position (text form) before the first step, or after the last. */
    synchronized void position(boolean before, String host, String gtidPosition) {
        (before ? positionsBefore : positionsAfter).put(host, gtidPosition);
    }

    /**
     * How a failover's old writer was found dead.
     *
     * @param firstFailure when its checks began to fail (null when unknown)
     * @param how          {@code refused} (its port answered RST: crashed), {@code timeout}, {@code unreachable}
     */
    void detection(Instant firstFailure, String how) {
        firstFailureAt = firstFailure;
        evidence = how;
    }

    /** When the old writer's checks began to fail (failovers only), or null. */
    public Instant firstFailureAt() {
        return firstFailureAt;
    }

    /** How the old writer was found dead (failovers only): refused, timeout, unreachable; "" otherwise. */
    public String evidence() {
        return evidence;
    }

    void transactionsLost(long n) {
        transactionsLost = n;
    }

    void finish(boolean ok, String text, Instant at) {
        success = ok;
        outcome = text;
        finished = at;
    }

    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public String reason() {
        return reason;
    }

    public Instant started() {
        return started;
    }

    public Instant finished() {
        return finished;
    }

    public boolean success() {
        return success;
    }

    public String outcome() {
        return outcome;
    }

    public synchronized List<StepRecord> steps() {
        return List.copyOf(steps);
    }

    /**
     * GTID positions by host name, text form: the old writer's {@code gtid_binlog_pos} (read as a switchover
     * starts; for a failover, the last one seen) and the new writer's {@code gtid_current_pos}, before the first
     * step or after the last.
     */
    public synchronized Map<String, String> positions(boolean before) {
        return Map.copyOf(before ? positionsBefore : positionsAfter);
    }

    /**
     * Transactions the old writer had as the change started (its "before" position) that the new writer lacks
     * after it: 0 for a switchover unless forced; for a failover, a lower bound (what the old writer wrote after the
     * monitor last reached it is not known); -1 when not known.
     */
    public long transactionsLost() {
        return transactionsLost;
    }
}
