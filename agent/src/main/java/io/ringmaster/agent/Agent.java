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
