package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Talks to a running monitor's HTTP API. Every request is bounded in time. Thread-safe.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final Duration timeout;

    /** A client for the monitor configured in {@code config}; commands may take up to the catch-up timeout. */
    public ApiClient(RingmasterConfig config) {
        var m = config.monitor();
        String host = m.listenAddress().equals("0.0.0.0") ? "127.0.0.1" : m.listenAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        this.base = "http://" + host + ":" + m.listenPort() + "/api/v1/";
        this.timeout = m.catchUpTimeout().plus(m.actionTimeout()).multipliedBy(3).plusSeconds(10);
    }

    /** GET a resource; throws {@link CliException} when the monitor cannot be reached or answers an error. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** POST a command; throws {@link CliException} with the monitor's reason when refused. */
    public JsonNode post(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode send(HttpRequest.Builder b) {
        HttpResponse<String> r;
        try {
            r = http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot reach the monitor at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is `ringmaster monitor` running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(1, "interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new CliException(1, "the monitor answered HTTP " + r.statusCode() + " with something that is not JSON");
        }
        if (r.statusCode() >= 400) {
            throw new CliException(CliException.forHttpStatus(r.statusCode()),
                    body.path("error").asText("HTTP " + r.statusCode()));
        }
        return body;
    }

    /** Pretty JSON text. */
    public static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
