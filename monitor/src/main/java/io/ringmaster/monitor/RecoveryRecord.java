package io.ringmaster.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit record of one writer change (failover, switchover or initial promotion): every step with its
 * timing and outcome. Filled in by one thread, then published; reads after {@link #finish} are safe.
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
}
