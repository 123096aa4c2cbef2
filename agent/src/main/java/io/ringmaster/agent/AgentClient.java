package io.ringmaster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.AgentsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Talks to one agent's API: JSON in and out, {@code Authorization: Bearer} with {@code agents.token} when one is
 * configured, HTTPS when {@code agents.tls_cert} is, every request bounded by {@code agents.timeout} unless a
 * longer bound is given. Thread-safe; the token is never shown.
 */
public final class AgentClient {
    private final AgentsConfig agents;
    private final AgentConfig agent;
    private final HttpClient http;

    /** A client of the given agent. */
    public AgentClient(AgentsConfig agents, AgentConfig agent) {
        this.agents = agents;
        this.agent = agent;
        // connecting gets half the request's bound, so that a request that never reached the agent fails as a
        // connect timeout (the monitor then knows it renewed nothing) rather than as a request timeout
        Duration connect = agents.timeout().dividedBy(2);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(
                connect.compareTo(Duration.ofMillis(250)) < 0 ? agents.timeout() : connect);
        agents.access().tls().ifPresent(t -> b.sslContext(t.clientContext()));
        this.http = b.build();
    }

    /** The agent's host. */
    public String host() {
        return agent.host();
    }

    /** The agent's section of the configuration. */
    public AgentConfig agent() {
        return agent;
    }

    /** {@code scheme://address:port/api/v1/PATH}. */
    public URI uri(String pathAndQuery) {
        return URI.create(agents.access().scheme() + "://" + agent.endpoint() + "/api/v1/" + pathAndQuery);
    }

    /** GET, bounded by {@code agents.timeout}. */
    public JsonNode get(String pathAndQuery) throws AgentException, InterruptedException {
        return send(request(pathAndQuery, agents.timeout()).GET().build());
    }

    /** POST of a JSON body (a map, a record, a {@link JsonNode}; null for none), bounded by {@code agents.timeout}. */
    public JsonNode post(String pathAndQuery, Object body) throws AgentException, InterruptedException {
        return post(pathAndQuery, body, agents.timeout());
    }

    /** POST of a JSON body, bounded by {@code timeout}. */
    public JsonNode post(String pathAndQuery, Object body, Duration timeout)
            throws AgentException, InterruptedException {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : AgentServer.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request body: " + e.getMessage(), e);
        }
        return send(request(pathAndQuery, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    /**
     * A request builder with the token and the time bound set, for streams (the caller sends it with
     * {@link #http()}).
     */
    public HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(timeout);
        if (agents.access().hasToken()) {
            b.header("Authorization", "Bearer " + agents.access().token().reveal());
        }
        return b;
    }

    /** The HTTP client (for streams). */
    public HttpClient http() {
        return http;
    }

    /**
     * The JSON of an answer, or the agent's one-line error.
     *
     * @throws AgentException when the agent is not reached in time or answers with a status other than 2xx
     */
    private JsonNode send(HttpRequest req) throws AgentException, InterruptedException {
        HttpResponse<InputStream> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new AgentException(agent.host(), 0, "agent of " + agent.host() + " (" + agent.endpoint()
                    + ") did not answer within " + req.timeout().map(Duration::toMillis).orElse(0L) + " ms", e);
        } catch (IOException e) {
            throw new AgentException(agent.host(), 0, "agent of " + agent.host() + " (" + agent.endpoint()
                    + ") cannot be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        }
        JsonNode json;
        try (InputStream in = res.body()) {
            byte[] b = in.readAllBytes();
            json = b.length == 0 ? AgentServer.JSON.createObjectNode() : AgentServer.JSON.readTree(b);
        } catch (IOException e) {
            throw new AgentException(agent.host(), res.statusCode() / 100 == 2 ? 0 : res.statusCode(),
                    "agent of " + agent.host() + " answered " + res.statusCode() + " without JSON: "
                            + e.getMessage(), e);
        }
        if (res.statusCode() / 100 != 2) {
            throw new AgentException(agent.host(), res.statusCode(), "agent of " + agent.host() + ": "
                    + json.path("error").asText("HTTP " + res.statusCode()), null);
        }
        return json;
    }
}
