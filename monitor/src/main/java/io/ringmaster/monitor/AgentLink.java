package io.ringmaster.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's link to one host's agent: the client, the lock that keeps requests to it in order (a fence is never
 * overtaken by a renewal sent before it), and what the monitor last heard: the agent's answer, when it was
 * RECEIVED, and until when the agent may still hold the writer role as the monitor counts it (the receipt of the
 * last answer to a writer=true instruction, or the moment such an instruction failed, plus the lease).
 *
 * <p>Thread-safe: the fields are written under {@link #io} or are volatile; {@link #view} may be called any time.
 */
final class AgentLink {
    private static final Logger log = LoggerFactory.getLogger(AgentLink.class);

    /**
     * An agent's answer to POST /api/v1/addresses, or the {@code addresses} part of its status.
     *
     * @param leaseAgeMs how old its lease was as it answered, ms; -1 when not said
     */
    record Reply(boolean writer, List<String> held, boolean writerHeld, boolean blocked, boolean fencePending,
                 boolean fenced, boolean vip, String vipOffReason, long leaseMs, long leaseAgeMs, String problem) {
        static Reply of(JsonNode n) {
            List<String> held = new ArrayList<>();
            n.path("held").forEach(ip -> held.add(ip.asText()));
            return new Reply(n.path("writer").asBoolean(false), List.copyOf(held),
                    n.path("writer_held").asBoolean(false), n.path("blocked").asBoolean(false),
                    n.path("fence_pending").asBoolean(false), n.path("fenced").asBoolean(false),
                    n.path("vip").asBoolean(false), n.path("vip_off_reason").asText(""),
                    n.path("lease_ms").asLong(0), n.path("lease_age_ms").asLong(-1), n.path("problem").asText(""));
        }

        /** True when it may hold the writer role: told so, or still holding a writer address. */
        boolean mayWrite() {
            return writer || writerHeld;
        }
    }

    final AgentClient client;
    /** Held during every request to the agent, so they reach it in the order they were sent. */
    final ReentrantLock io = new ReentrantLock();
    private final long leaseNanos;
    private volatile Reply last;
    private volatile long lastAnswerNanos;
    private volatile Instant lastAnswerAt;
    /** Monotonic time from which the agent's writer lease runs, as the monitor counts it; MIN_VALUE: none. */
    private volatile long writerFromNanos = Long.MIN_VALUE;
    private volatile long writerLeaseNanos;
    private volatile boolean writerFromAnswer; // false: from a request that got no answer (it may have arrived)
    private volatile String trouble; // null while reachable; the one-line error otherwise
    private volatile boolean everTried;

    AgentLink(AgentClient client, long leaseNanos) {
        this.client = client;
        this.leaseNanos = leaseNanos;
        this.writerLeaseNanos = leaseNanos;
    }

    String host() {
        return client.host();
    }

    Reply last() {
        return last;
    }

    /**
     * Records an answer received at {@code receivedNanos}.
     *
     * @param toldWriter the request told it to hold the writer role (its lease counts from this receipt)
     */
    void answered(JsonNode json, long receivedNanos, boolean toldWriter) {
        Reply r = Reply.of(json);
        last = r;
        lastAnswerNanos = receivedNanos;
        lastAnswerAt = Instant.now();
        long lease = r.leaseMs() > 0 ? r.leaseMs() * 1_000_000 : leaseNanos;
        if (toldWriter || r.mayWrite()) {
            writerFromNanos = receivedNanos;
            writerLeaseNanos = lease;
            writerFromAnswer = true;
        }
        if (trouble != null || !everTried) {
            log.info("agent of {} answers ({}): writer {}, holds {}{}", host(), client.agent().endpoint(),
                    r.writer(), r.held(), r.vip() ? "" : "; role addresses off: " + r.vipOffReason());
        }
        trouble = null;
        everTried = true;
    }

    /**
     * Records a request that got no usable answer; logged once per change of the error.
     *
     * @param toldWriter the request told it to hold the writer role: it may have received it just now, so its
     *                   lease is counted from now (an upper bound on its receipt), unless the request never got
     *                   a connection (refused, or the connect timed out): then the agent cannot have received it
     */
    void failed(AgentException e, long atNanos, boolean toldWriter) {
        if (toldWriter && !neverConnected(e)) {
            writerFromNanos = atNanos;
            writerFromAnswer = false;
        }
        String line = e.getMessage();
        if (!line.equals(trouble)) {
            log.warn("{}{}", line, e.unreachable() ? " (retried every renewal; logged again when this changes)" : "");
        }
        trouble = line;
        everTried = true;
    }

    /** True when the request failed before a TCP connection existed, so the agent cannot have received it. */
    static boolean neverConnected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.http.HttpConnectTimeoutException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the agent was told to hold the writer role and no request that could have renewed that has reached
     * it for a whole lease: it has dropped the writer's addresses and fenced its server by itself.
     */
    boolean writerLeaseLapsed(long nowNanos) {
        long until = writerUntilNanos();
        return until != Long.MIN_VALUE && nowNanos - until >= 0;
    }

    /** True when its last request got an answer. */
    boolean reachable() {
        return everTried && trouble == null;
    }

    /** Monotonic time until which the agent may hold the writer role; MIN_VALUE when it was never told so. */
    long writerUntilNanos() {
        long from = writerFromNanos;
        return from == Long.MIN_VALUE ? Long.MIN_VALUE : from + writerLeaseNanos;
    }

    /** Monotonic time its writer lease counts from ({@link #writerUntilNanos} minus the lease); MIN_VALUE: none. */
    long writerFromNanos() {
        return writerFromNanos;
    }

    /** True when the writer lease counts from an answer; false when from a request that got none. */
    boolean writerFromAnswer() {
        return writerFromAnswer;
    }

    /** Monotonic time of its last answer; 0 when none. */
    long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    /**
     * The agent as {@code show --json} lists it: {@code {"endpoint", "reachable", "error", "lastAnswer",
     * "leaseAgeMs", "leaseMs", "vip", "vipOffReason", "writer", "held", "writerHeld", "blocked", "fencePending",
     * "fenced", "problem"}} (answer fields absent before the first answer).
     */
    Map<String, Object> view(long nowNanos) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("endpoint", client.agent().endpoint());
        e.put("reachable", reachable());
        e.put("error", trouble == null ? "" : trouble);
        Reply r = last;
        if (r != null) {
            e.put("lastAnswer", lastAnswerAt.toString());
            e.put("leaseAgeMs", (nowNanos - lastAnswerNanos) / 1_000_000);
            e.put("leaseMs", r.leaseMs());
            e.put("vip", r.vip());
            e.put("vipOffReason", r.vipOffReason());
            e.put("writer", r.writer());
            e.put("held", r.held());
            e.put("writerHeld", r.writerHeld());
            e.put("blocked", r.blocked());
            e.put("fencePending", r.fencePending());
            e.put("fenced", r.fenced());
            e.put("problem", r.problem());
        }
        return e;
    }
}
