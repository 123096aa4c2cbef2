package io.ringmaster.agent;

import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one database host ({@code ringmaster agent --host NAME}): its API and the parts that answer on it.
 *
 * <pre>
 * GET /api/v1/ping     {"ok": true, "host": NAME, "started": ISO-8601}
 * GET /api/v1/status   {"ok": true, "host": NAME, "server": "address:port", PART: {...}...}: what each part reports
 * POST /api/v1/check   {"ok": true, "host": NAME}: changes nothing; answers only a caller with the token
 *                      ({@code config check} uses it to prove the token works)
 * GET /metrics         Prometheus text, tagged cluster and host: ringmaster_agent_addresses_held (role addresses,
 *                      VIPs), ringmaster_agent_lease_age_seconds (since the monitor's last instruction; absent
 *                      before the first), ringmaster_agent_writer_lease (1 while it holds a valid writer lease),
 *                      ringmaster_agent_port_blocked, ringmaster_agent_fenced (1/0)
 * </pre>
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #close()} (on SIGTERM). Thread-safe.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private final RingmasterConfig config;
    private final HostConfig host;
    private final AgentConfig agent;
    private final AgentServer server;
    private final Instant started = Instant.now();
    private final Map<String, Supplier<Object>> status = new ConcurrentHashMap<>();
    private final java.util.List<AutoCloseable> parts = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Binds the agent's API for one host.
     *
     * @param config the cluster's configuration
     * @param host   the host this agent runs beside
     * @throws IllegalArgumentException when the host is unknown or has no agent under {@code agents.hosts}
     * @throws IOException              when the API address cannot be bound
     */
    public Agent(RingmasterConfig config, String host) throws IOException {
        this.config = config;
        this.host = config.findHost(host).orElseThrow(() -> new IllegalArgumentException(
                "--host: '" + host + "' is not a host of " + describe(config)));
        this.agent = config.agents().agent(host).orElseThrow(() -> new IllegalArgumentException(
                "--host: '" + host + "' has no agent under agents.hosts in " + describe(config)));
        this.server = new AgentServer(config.agents().access(), agent.listenAddress(), agent.port());
        server.route("GET", "ping", r -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", true);
            out.put("host", host);
            out.put("started", started.toString());
            return out;
        });
        server.route("GET", "status", r -> statusView());
        server.route("POST", "check", r -> Map.of("ok", true, "host", host));
        var registry = io.ringmaster.metrics.Metrics.registry(config.cluster());
        var sampled = new io.ringmaster.metrics.SampledMeters(registry);
        server.metrics(registry, () -> sampled.sample(s -> sample(s, status.get("addresses"))));
    }

    /** The addresses part's view as series (none without the part). */
    private void sample(io.ringmaster.metrics.SampledMeters.Sample s, Supplier<Object> addresses) {
        if (addresses == null || !(addresses.get() instanceof Map<?, ?> v)) {
            return;
        }
        String h = host.name();
        s.gauge("ringmaster_agent_addresses_held", "role addresses (VIPs) this agent holds",
                v.get("held") instanceof java.util.List<?> l ? l.size() : 0, "host", h);
        if (v.get("lease_age_ms") instanceof Number age && age.longValue() >= 0) {
            s.gauge("ringmaster_agent_lease_age_seconds", "time since the monitor's last instruction",
                    age.doubleValue() / 1000, "host", h);
        }
        s.gauge("ringmaster_agent_writer_lease", "1 while this host holds a valid writer lease",
                Boolean.TRUE.equals(v.get("writer")) ? 1 : 0, "host", h);
        s.gauge("ringmaster_agent_port_blocked", "1 while client access to the server's port is blocked",
                Boolean.TRUE.equals(v.get("blocked")) ? 1 : 0, "host", h);
        s.gauge("ringmaster_agent_fenced", "1 after the lease ran out and the server was fenced",
                Boolean.TRUE.equals(v.get("fenced")) ? 1 : 0, "host", h);
    }

    private static String describe(RingmasterConfig c) {
        return c.source() == null ? "the configuration" : c.source().toString();
    }

    /** The configuration. */
    public RingmasterConfig config() {
        return config;
    }

    /** The host this agent runs beside. */
    public HostConfig host() {
        return host;
    }

    /** This agent's own section. */
    public AgentConfig agentConfig() {
        return agent;
    }

    /** The API, for parts to register their routes on (before {@link #start()}). */
    public AgentServer server() {
        return server;
    }

    /**
     * Adds a part's section to {@code GET /api/v1/status}, and closes the part when the agent closes (parts close
     * in reverse order of registration).
     *
     * @param key  the section's name, e.g. {@code addresses}
     * @param view what the section shows now (called on every request, from any thread)
     * @param part closed with the agent; may be null
     */
    public void addPart(String key, Supplier<Object> view, AutoCloseable part) {
        status.put(key, view);
        if (part != null) {
            parts.add(0, part);
        }
    }

    private Map<String, Object> statusView() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("host", host.name());
        out.put("server", host.endpoint());
        out.put("started", started.toString());
        status.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Starts serving. */
    public void start() {
        HostCommand.removeLeftovers();
        server.start();
        log.info("agent of {} ({}) started", host.name(), host.endpoint());
    }

    /** The bound API port. */
    public int port() {
        return server.port();
    }

    /** Stops serving, then closes the parts. */
    @Override
    public void close() {
        server.close();
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", p, e.toString());
            }
        }
        log.info("agent of {} stopped", host.name());
    }
}
