package io.ringmaster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.lease.AddressLease;
import io.ringmaster.core.model.RoleKind;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's role addresses (virtual IPs), lease and fencing: {@link AddressKeeper} on the host's interface,
 * {@link ServerFence} with its {@link PortBlock}, and a tick thread that re-applies the lease every
 * {@link #TICK_MS} ms so that its expiry acts within the lease.
 *
 * <pre>
 * POST /api/v1/addresses {"writer", "writer_ips", "reader_ips", "lease_ms", "epoch", "fence", "reason"}
 *      -> {"ok", "host", "writer", "held", "writer_held", "blocked", "fence_pending", "fenced", "vip",
 *          "vip_off_reason", "lease_ms", "problem"}; 409 for an epoch lower than the highest seen
 * POST /api/v1/release   drops every role address, cancels a pending fence, lifts the block; same answer
 * GET  /api/v1/status    "addresses": the same fields plus "lease_age_ms"
 * </pre>
 *
 * <p>Thread-safe: instructions, ticks and releases are serialised on this object.
 */
public final class AddressPart implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AddressPart.class);
    /** Period of the tick thread, ms. */
    static final long TICK_MS = 150;

    private final HostConfig host;
    private final Duration defaultLease;
    private final Set<String> writerAddresses;
    private final AddressKeeper keeper;
    private final ServerFence fence;
    private final boolean vip;
    private final String vipOffReason;
    private final Thread ticker;
    private volatile boolean closed;
    private long highestEpoch = Long.MIN_VALUE;

    private AddressPart(Agent agent) throws InterruptedException {
        RingmasterConfig config = agent.config();
        this.host = agent.host();
        AgentConfig ac = agent.agentConfig();
        this.defaultLease = config.agents().lease();
        Set<String> roleAddresses = new LinkedHashSet<>(config.roleAddresses());
        Set<String> w = new LinkedHashSet<>();
        for (RoleConfig r : config.roles()) {
            if (r.kind() == RoleKind.EXCLUSIVE) {
                w.addAll(r.ips());
            }
        }
        this.writerAddresses = Set.copyOf(w);
        IpAddresses ips = null;
        String off;
        if (ac.networkInterface().isEmpty()) {
            off = "virtual IPs are off: agents.hosts[" + host.name() + "].interface is not configured";
        } else if (roleAddresses.isEmpty()) {
            off = "virtual IPs are off: no role has ips in the configuration";
        } else {
            String iface = ac.networkInterface().get();
            Optional<String> label = IpAddresses.label(iface, ac.port());
            IpAddresses.Opened opened = IpAddresses.open(iface, label);
            ips = opened.addresses().orElse(null);
            off = opened.why();
            if (ips != null && label.isEmpty()) {
                log.warn("{}: interface name too long for an address label: this agent takes every role address "
                        + "on it as its own", iface);
            }
        }
        this.vip = ips != null;
        this.vipOffReason = vip ? "" : off;
        if (vip) {
            log.info("vip=true: role addresses on {} with label {}", ips.iface(), ips.labelName());
        } else {
            log.warn("vip=false vip_off_reason=\"{}\" (the lease and fencing still work)", off);
        }
        Set<String> exempt = new LinkedHashSet<>();
        for (HostConfig h : config.hosts()) {
            boolean replicatesFromHere = !h.name().equals(host.name())
                    && (h.master().map(m -> m.equals(host.name())).orElse(false)
                    || (h.mode() == io.ringmaster.core.model.HostMode.MASTER
                    && host.mode() == io.ringmaster.core.model.HostMode.MASTER));
            if (replicatesFromHere && PortBlock.exemptable(h.address(), host.address())) {
                exempt.add(h.address());
            }
        }
        PortBlock block = new PortBlock(host.name(), host.port(), exempt, ac.killHostCommand());
        boolean leftBehind = block.leftBehind();
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                ServerFence.ATTEMPT_TIMEOUT);
        this.fence = new ServerFence(host, ac, config.monitorUser(), sql, block);
        this.keeper = new AddressKeeper(ips, roleAddresses, fence, System::nanoTime);
        Thread warm = new Thread(fence::warmUp, "agent-fence-warmup-" + host.name());
        warm.setDaemon(true);
        warm.start();
        keeper.adopt(writerAddresses, defaultLease);
        if (leftBehind) {
            // the earlier agent blocked the port for a fence that had not landed when it stopped: lifting the block
            // now would let a thawed server take writes before read_only. Finish that fence; a monitor that gives
            // this host the writer role again stands it down (and re-asserts read_only=OFF if it landed first).
            log.warn("{}: the client block {} of an earlier agent is still in place (it stopped before its fence "
                    + "landed): fencing the local server again before lifting it", host.name(), block.table());
            fence.fence("resumed: the client block of an earlier agent was still in place");
        }
        this.ticker = new Thread(this::tickLoop, "agent-address-tick-" + host.name());
        ticker.setDaemon(true);
    }

    /** Installs the part on an agent that has not started: routes, status section, tick thread. */
    public static AddressPart install(Agent agent) throws InterruptedException {
        AddressPart part = new AddressPart(agent);
        agent.server().route("POST", "addresses", part::instruct);
        agent.server().route("POST", "release", r -> part.release("the monitor or sandbox asked to release"));
        agent.addPart("addresses", part::statusView, part);
        part.ticker.start();
        return part;
    }

    private Object instruct(AgentServer.Request r) throws Exception {
        JsonNode b = r.json();
        boolean writer = b.path("writer").asBoolean(false);
        boolean fenceNow = b.path("fence").asBoolean(false);
        Set<String> writerIps = strings(b, "writer_ips");
        Set<String> readerIps = strings(b, "reader_ips");
        long leaseMs = b.path("lease_ms").asLong(defaultLease.toMillis());
        if (leaseMs <= 0) {
            throw new AgentServer.Refused(400, "lease_ms must be positive, not " + leaseMs);
        }
        if (!b.path("epoch").isMissingNode() && !b.path("epoch").canConvertToLong()) {
            throw new AgentServer.Refused(400, "epoch must be a whole number");
        }
        long epoch = b.path("epoch").asLong(0);
        String reason = b.path("reason").asText("");
        synchronized (this) {
            if (epoch < highestEpoch) {
                throw new AgentServer.Refused(409, "epoch " + epoch + " is lower than " + highestEpoch
                        + ", the highest this agent has seen; nothing changed");
            }
            highestEpoch = epoch;
            if (writer && !fenceNow) {
                fence.standDown("this host holds the writer role again (epoch " + epoch + ")");
            }
            try {
                keeper.instruct(writer, vip ? writerIps : Set.of(), vip ? readerIps : Set.of(),
                        Duration.ofMillis(leaseMs), fenceNow, reason);
            } catch (IllegalArgumentException e) {
                throw new AgentServer.Refused(400, e.getMessage());
            }
            log.info("instruction epoch {}: writer={} writer_ips={} reader_ips={} lease_ms={} fence={} ({})", epoch,
                    writer, writerIps, readerIps, leaseMs, fenceNow, reason.isEmpty() ? "no reason given" : reason);
            return view(false);
        }
    }

    private synchronized Object release(String reason) throws InterruptedException {
        fence.standDown(reason);
        fence.block().unblock(reason);
        keeper.releaseAll(reason);
        log.info("released every role address ({})", reason);
        return view(false);
    }

    private Object statusView() {
        try {
            synchronized (this) {
                return view(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("problem", "interrupted");
        }
    }

    private Map<String, Object> view(boolean withAge) throws InterruptedException {
        long now = System.nanoTime();
        Optional<AddressLease> lease = keeper.lease();
        Set<String> held = keeper.held();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("host", host.name());
        out.put("writer", lease.map(l -> l.writerRole() && l.valid(now)).orElse(false));
        out.put("held", List.copyOf(held));
        out.put("writer_held", held.stream().anyMatch(writerAddresses::contains));
        out.put("blocked", fence.block().blocked());
        out.put("fence_pending", fence.pending());
        out.put("fenced", fence.fenced());
        out.put("vip", vip);
        out.put("vip_off_reason", vipOffReason);
        out.put("lease_ms", lease.map(l -> l.length().toMillis()).orElse(0L));
        String problem = keeper.lastProblem();
        if (problem.isEmpty()) {
            problem = fence.pending() ? fence.problem() : fence.block().unavailable();
        }
        out.put("problem", problem);
        if (withAge) {
            out.put("lease_age_ms", lease.map(l -> (now - l.receivedAt()) / 1_000_000).orElse(-1L));
        }
        return out;
    }

    private void tickLoop() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MS);
                synchronized (this) {
                    if (!closed) {
                        keeper.tick();
                    }
                }
                fence.discoverSocket(); // outside the lock; connects on its own thread, once per 10 s at most
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("address tick: {}", e.getMessage());
            }
        }
    }

    private static Set<String> strings(JsonNode b, String field) {
        JsonNode n = b.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return Set.of();
        }
        if (!n.isArray()) {
            throw new AgentServer.Refused(400, field + " must be a list of addresses");
        }
        Set<String> out = new LinkedHashSet<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /**
     * Stops the tick thread and removes the role addresses this agent holds; lifts the block unless a fence is
     * pending ({@link ServerFence#close}).
     */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        ticker.interrupt();
        ticker.join(2000);
        synchronized (this) {
            fence.close();
            keeper.releaseAll("the agent stops");
        }
    }
}
