package io.ringmaster.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every host's agent which role addresses it holds ({@code POST /api/v1/addresses}), as a lease: on every
 * change at once, and renewed every third of {@code agents.lease}. The writer holder's agent is told
 * {@code writer=true} even without writer addresses (it fences its server itself when the renewals stop). Balanced
 * addresses stay where they are ({@link RoleAddresses}); at start the monitor learns where they are from every
 * agent's status, so a monitor restart moves none.
 *
 * <p>Before another host is made writable, {@link #fence} tells the old writer's agent {@code fence=true} and waits
 * until it confirms the writer addresses are gone and its server blocked or fenced, or until its lease has run out
 * as the monitor counts it (receipt of its last answer + its {@code lease_ms}).
 *
 * <p>One named thread per agent, so an unreachable agent delays no other's renewal; every request is bounded by
 * {@code agents.timeout}; an agent's requests are sent one at a time ({@link AgentLink#io}) so a fence is never
 * overtaken by an older renewal. Does nothing when no agents are configured. Thread-safe.
 */
final class AddressPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AddressPublisher.class);
    /** How often a fence confirmation is asked for again while waiting, ms. */
    static final long POLL_MS = 50;
    /** Shortest bound on a fence request, ms. */
    static final long MIN_FENCE_MS = 250;
    /** How often a fence that got no answer is sent again, ms. */
    static final long RETRY_MS = 200;
    /** Reason prefix of a fence sent again (not logged again). */
    private static final String RETRY = "again: ";

    /**
     * How a fence through an agent ended.
     *
     * @param confirmed the agent confirmed (false: its lease ran out, or it never held the writer role)
     * @param detail    one line for the recovery record
     * @param millis    time waited
     * @param stillHolds the agent answered, at the end of the wait, that it still holds a writer address: the
     *                  change must not go on
     */
    record FenceOutcome(boolean confirmed, String detail, long millis, boolean stillHolds) {}

    private final String writerRole;
    private final RingmasterConfig config;
    private final long leaseNanos;
    private final long renewNanos;
    private final Map<String, AgentLink> links = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ReentrantLock pause = new ReentrantLock();
    private final Condition never = pause.newCondition();
    private final Map<String, Long> pushedVersion = new HashMap<>(); // guarded by lock
    private final Map<String, Long> renewAtNanos = new HashMap<>(); // guarded by lock
    private final List<Thread> threads = new ArrayList<>();
    private RoleAddresses current; // null until the first publish; guarded by lock
    private Map<String, String> memory = Map.of(); // guarded by lock
    private long version; // guarded by lock
    private long epoch; // guarded by lock
    private volatile boolean closed;

    /** A publisher for the configured agents (hosts under {@code agents.hosts} that are under {@code hosts:}). */
    AddressPublisher(RingmasterConfig config, String writerRole) {
        this.config = config;
        this.writerRole = Objects.requireNonNull(writerRole, "writerRole");
        this.leaseNanos = config.agents().lease().toNanos();
        this.renewNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), leaseNanos / 3);
        for (AgentConfig a : config.agents().agents()) {
            if (config.findHost(a.host()).isPresent()) {
                links.put(a.host(), new AgentLink(new AgentClient(config.agents(), a), leaseNanos));
            }
        }
    }

    /** True when at least one agent is configured. */
    boolean enabled() {
        return !links.isEmpty();
    }

    /** Learns what every agent holds (bounded by {@code agents.timeout}), then starts the renewal threads. */
    void start() {
        if (!enabled()) {
            return;
        }
        learn();
        for (AgentLink l : links.values()) {
            Thread t = new Thread(() -> pushLoop(l), "ringmaster-addresses-" + l.host());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        log.info("role addresses: {} agent(s), lease {} ms, renewed every {} ms", links.size(),
                leaseNanos / 1_000_000, renewNanos / 1_000_000);
    }

    /** Asks every agent's status in parallel: balanced addresses stay where the agents hold them. */
    private void learn() {
        List<Thread> asks = new ArrayList<>();
        for (AgentLink l : links.values()) {
            asks.add(Thread.ofVirtual().name("ringmaster-addresses-learn-" + l.host()).start(() -> status(l)));
        }
        long until = System.nanoTime() + config.agents().timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : asks) {
            try {
                if (!t.join(java.time.Duration.ofNanos(Math.max(1, until - System.nanoTime())))) {
                    log.warn("{} still running after agents.timeout; going on without it", t.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Map<String, String> held = new LinkedHashMap<>();
        List<String> balanced = config.roles().stream().filter(r -> !r.isExclusive())
                .flatMap(r -> r.ips().stream()).toList();
        links.values().forEach(l -> {
            if (l.last() != null) {
                l.last().held().stream().filter(balanced::contains).forEach(ip -> held.putIfAbsent(ip, l.host()));
            }
        });
        if (!held.isEmpty()) {
            log.info("role addresses the agents hold at start (kept where they are): {}", held);
        }
        lock.lock();
        try {
            memory = held;
        } finally {
            lock.unlock();
        }
    }

    /** GET status of one agent, recorded; returns its addresses part or null. */
    private AgentLink.Reply status(AgentLink l) {
        try {
            JsonNode s = l.client.get("status");
            JsonNode a = s.has("addresses") ? s.path("addresses") : s;
            l.answered(a, System.nanoTime(), false);
            return l.last();
        } catch (AgentException e) {
            l.failed(e, System.nanoTime(), false);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Publishes the role holders: when the addresses they imply differ from the last ones, every agent whose share
     * changed is told at once. Cheap when nothing changed; callable under the monitor's lock.
     *
     * @param holders role to its holders (the writer role empty during a writer change)
     * @param epoch   the monitor's epoch, sent along
     */
    void publish(Map<String, List<String>> holders, long epoch) {
        if (!enabled()) {
            return;
        }
        lock.lock();
        try {
            this.epoch = Math.max(this.epoch, epoch);
            RoleAddresses next = RoleAddresses.assign(config, writerRole, holders, memory);
            if (current != null && next.hosts().equals(current.hosts())) {
                return;
            }
            next.hosts().forEach((h, held) -> {
                RoleAddresses.Held was = current == null ? null : current.of(h);
                if (!held.equals(was) && links.containsKey(h)) {
                    log.info("role addresses of {}: writer={} {} (epoch {}, {})", h, held.writer(), held.byRole(),
                            this.epoch, current == null ? "first assignment" : "the role holders changed");
                }
            });
            current = next;
            memory = next.hostOf();
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pushLoop(AgentLink l) {
        String host = l.host();
        while (!closed) {
            try {
                lock.lockInterruptibly();
                try {
                    while (!closed && (current == null || (pushedVersion.getOrDefault(host, -1L) == version
                            && System.nanoTime() < renewAtNanos.getOrDefault(host, 0L)))) {
                        long wait = current == null ? renewNanos : renewAtNanos.get(host) - System.nanoTime();
                        changed.awaitNanos(Math.max(1, wait));
                    }
                } finally {
                    lock.unlock();
                }
                if (closed) {
                    return;
                }
                l.io.lockInterruptibly();
                long v;
                try {
                    RoleAddresses.Held want;
                    long ep;
                    boolean change;
                    lock.lock();
                    try { // read after taking io: a fence that ran meanwhile changed what is wanted
                        want = current.of(host);
                        ep = epoch;
                        v = version;
                        change = pushedVersion.getOrDefault(host, -1L) != v;
                    } finally {
                        lock.unlock();
                    }
                    send(l, want, ep, false, change ? "the role holders changed" : "renewal");
                } finally {
                    l.io.unlock();
                }
                lock.lock();
                try {
                    pushedVersion.put(host, v);
                    renewAtNanos.put(host, System.nanoTime() + renewNanos);
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("role addresses of {}: renewal failed", host, e);
            }
        }
    }

    /** One POST /api/v1/addresses, recorded on the link; the answer, or null when there was none. */
    private JsonNode send(AgentLink l, RoleAddresses.Held want, long ep, boolean fence, String reason)
            throws InterruptedException {
        return send(l, want, ep, fence, reason, config.agents().timeout());
    }

    /** As {@link #send(AgentLink, RoleAddresses.Held, long, boolean, String)}, bounded by {@code bound}. */
    private JsonNode send(AgentLink l, RoleAddresses.Held want, long ep, boolean fence, String reason,
                          java.time.Duration bound) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("writer", want.writer());
        body.put("writer_ips", want.writerIps(writerRole));
        body.put("reader_ips", want.otherIps(writerRole));
        body.put("lease_ms", leaseNanos / 1_000_000);
        body.put("epoch", ep);
        body.put("fence", fence);
        body.put("reason", reason);
        if (!"renewal".equals(reason) && !reason.startsWith(RETRY)) {
            log.info("telling the agent of {}: writer={} writer_ips={} reader_ips={} fence={} ({})", l.host(),
                    want.writer(), want.writerIps(writerRole), want.otherIps(writerRole), fence, reason);
        }
        try {
            JsonNode r = l.client.post("addresses", body, bound);
            l.answered(r, System.nanoTime(), want.writer());
            return r;
        } catch (AgentException e) {
            l.failed(e, System.nanoTime(), want.writer());
            return null;
        }
    }

    /**
     * Fences {@code host}'s writer role through its agent before another host is made writable: tells it
     * {@code fence=true}, then waits until it confirms that it holds no writer address and that its server's port is
     * blocked or its server fenced, or until its writer lease has run out as the monitor counts it. When
     * {@code alive} (a switchover: the monitor still works on the old writer), it then waits, at most
     * {@code agents.timeout}, for the agent to finish its fence and lift the block. The caller has published
     * holders without {@code host} as writer. Bounded by the lease plus {@code agents.timeout}.
     *
     * @return how it ended, or null when {@code host} has no agent
     * @throws InterruptedException when interrupted while waiting
     */
    /**
     * The hosts whose agent was told to hold the writer role and has not been reachable for a whole lease since
     * (as the monitor counts it: connections that never opened cannot have renewed it): each has fenced its server
     * by itself. Empty without agents.
     */
    java.util.Set<String> writerLeasesLapsed() {
        long now = System.nanoTime();
        java.util.Set<String> out = new java.util.TreeSet<>();
        links.forEach((h, l) -> {
            if (l.writerLeaseLapsed(now)) {
                out.add(h);
            }
        });
        return out;
    }

    FenceOutcome fence(String host, boolean alive) throws InterruptedException {
        AgentLink l = links.get(host);
        if (l == null) {
            return null;
        }
        long t0 = System.nanoTime();
        boolean neverHeard = l.lastAnswerNanos() == 0;
        long cap = t0 + leaseNanos + config.agents().timeout().toNanos(); // an answering agent renews its own count
        l.io.lockInterruptibly();
        try {
            RoleAddresses.Held want;
            long ep;
            lock.lock();
            try {
                RoleAddresses.Held now = current == null ? RoleAddresses.Held.NONE : current.of(host);
                Map<String, List<String>> others = new LinkedHashMap<>(now.byRole());
                others.remove(writerRole);
                want = new RoleAddresses.Held(false, others);
                ep = epoch;
            } finally {
                lock.unlock();
            }
            String reason = "fence: the writer role leaves " + host;
            AgentLink.Reply rep = reply(send(l, want, ep, true, reason, fenceBound(l)));
            while (true) {
                long now = System.nanoTime();
                if (rep != null && !rep.writerHeld() && (rep.blocked() || rep.fenced())) {
                    if (alive) {
                        rep = awaitFenceDone(l, rep);
                    }
                    return new FenceOutcome(true, "agent of " + host + " confirmed: " + confirmation(rep),
                            (System.nanoTime() - t0) / 1_000_000, false);
                }
                long until = neverHeard && l.lastAnswerNanos() == 0 ? t0 + leaseNanos : l.writerUntilNanos();
                if (now >= cap && rep != null && rep.writerHeld()) {
                    return new FenceOutcome(false, "agent of " + host + " still holds a writer address after "
                            + (now - t0) / 1_000_000 + " ms" + (rep.problem().isEmpty() ? "" : ": " + rep.problem()),
                            (now - t0) / 1_000_000, true);
                }
                if (now >= Math.min(until, cap)) {
                    return new FenceOutcome(false, expired(l, rep, until), (now - t0) / 1_000_000, false);
                }
                long poll = TimeUnit.MILLISECONDS.toNanos(rep == null ? RETRY_MS : POLL_MS);
                pauseNanos(Math.min(poll, Math.max(1, Math.min(until, cap) - now)));
                rep = rep == null ? reply(send(l, want, ep, true, RETRY + reason, fenceBound(l))) : status(l);
            }
        } finally {
            l.io.unlock();
        }
    }

    /**
     * Bound on one fence request: {@code agents.timeout}, but no longer than the agent's writer lease has left
     * (after that its answer is not needed), and at least {@link #MIN_FENCE_MS}, so a reachable agent is told.
     */
    private java.time.Duration fenceBound(AgentLink l) {
        long timeout = config.agents().timeout().toNanos();
        long until = l.writerUntilNanos();
        long left = until == Long.MIN_VALUE ? timeout : until - System.nanoTime();
        return java.time.Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_FENCE_MS),
                Math.min(timeout, left)));
    }

    /** After a confirmation with the old writer alive: waits (at most agents.timeout) until the block is lifted. */
    private AgentLink.Reply awaitFenceDone(AgentLink l, AgentLink.Reply rep) throws InterruptedException {
        long until = System.nanoTime() + config.agents().timeout().toNanos();
        while (rep != null && (rep.blocked() || rep.fencePending()) && System.nanoTime() < until) {
            pauseNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
            AgentLink.Reply next = status(l);
            rep = next == null ? rep : next;
        }
        return rep;
    }

    private static AgentLink.Reply reply(JsonNode r) {
        return r == null ? null : AgentLink.Reply.of(r);
    }

    private String confirmation(AgentLink.Reply r) {
        List<String> parts = new ArrayList<>();
        boolean writerIps = config.role(writerRole).map(x -> !x.ips().isEmpty()).orElse(false);
        parts.add(writerIps ? "writer address removed" : "no writer address configured");
        if (r.blocked()) {
            parts.add("port blocked");
        }
        if (r.fenced()) {
            parts.add("server fenced (read_only, sessions killed)");
        }
        if (r.fencePending()) {
            parts.add("fence pending");
        }
        return String.join(", ", parts);
    }

    private String expired(AgentLink l, AgentLink.Reply rep, long until) {
        String host = l.host();
        if (until == Long.MIN_VALUE) {
            return "agent of " + host + " " + (rep == null ? "unreachable" : "did not confirm")
                    + ": it never held the writer role as far as the monitor knows";
        }
        long last = l.lastAnswerNanos();
        String after = last == 0 ? "it never answered this monitor; waited one lease"
                : l.writerFromAnswer() ? String.format(Locale.ROOT, "its lease ran out %.1f s after its last answer",
                        (until - last) / 1e9)
                : String.format(Locale.ROOT, "its lease ran out %.1f s after the last renewal it may have received "
                        + "(sent, not answered; its last answer %.1f s before that)",
                        (until - l.writerFromNanos()) / 1e9, (l.writerFromNanos() - last) / 1e9);
        if (rep == null) {
            return "agent of " + host + " unreachable: " + after;
        }
        return "agent of " + host + " answered without confirming the fence (writer_held=" + rep.writerHeld()
                + ", blocked=" + rep.blocked() + (rep.problem().isEmpty() ? "" : ", problem: " + rep.problem())
                + "): " + after;
    }

    private void pauseNanos(long nanos) throws InterruptedException {
        pause.lock();
        try {
            long left = nanos;
            while (left > 0 && !closed) {
                left = never.awaitNanos(left);
            }
        } finally {
            pause.unlock();
        }
    }

    /** Role to the addresses of it {@code host} holds now; empty when none (or no agents). */
    Map<String, List<String>> addressesOf(String host) {
        lock.lock();
        try {
            return current == null ? Map.of() : current.of(host).byRole();
        } finally {
            lock.unlock();
        }
    }

    /** The agent of {@code host} as {@link AgentLink#view} shows it, or null when it has none. */
    Map<String, Object> agentView(String host) {
        AgentLink l = links.get(host);
        return l == null ? null : l.view(System.nanoTime());
    }

    /** Stops the renewals (the agents keep their reader addresses, the writer's until its lease runs out). */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                if (!t.join(config.agents().timeout().plusSeconds(1))) {
                    log.warn("{} did not stop within agents.timeout + 1 s", t.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
