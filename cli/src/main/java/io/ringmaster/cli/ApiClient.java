package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.ApiAccess;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Talks to a running monitor's HTTP API, as the configuration describes it: its {@code monitor.listen} address
 * ({@code 127.0.0.1} for a wildcard), HTTPS trusting {@code monitor.tls_ca} (or the monitor's own
 * {@code tls_cert}) when TLS is configured, and {@code Authorization: Bearer} with {@code monitor.api_token} on
 * every request when one is set. Every request is bounded in time. The token is never shown. Thread-safe.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Exit code of a request the monitor refused (as for every other refusal). */
    static final int REFUSED = 1;
    private final HttpClient http;
    private final String base;
    private final Duration timeout;
    private final ApiAccess access;
    private final String source;

    /** A client for the monitor configured in {@code config}; commands may take up to the catch-up timeout. */
    public ApiClient(RingmasterConfig config) {
        var m = config.monitor();
        this.access = m.api();
        this.source = config.source() == null ? "the configuration" : config.source().toString();
        this.base = access.scheme() + "://" + clientHost(m.listenAddress()) + ":" + m.listenPort() + "/api/v1/";
        this.timeout = m.catchUpTimeout().plus(m.actionTimeout()).multipliedBy(3).plusSeconds(10);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        access.tls().ifPresent(t -> b.sslContext(t.clientContext()));
        this.http = b.build();
    }

    /** The address a client on this machine connects to for a listen address: loopback for a wildcard. */
    static String clientHost(String listenAddress) {
        String host = switch (listenAddress) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> listenAddress;
        };
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The API's base URL, {@code http(s)://host:port/api/v1/}. */
    String base() {
        return base;
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
        if (access.hasToken()) {
            b.header("Authorization", "Bearer " + access.token().reveal());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (SSLException e) {
            throw new CliException(1, "TLS with the monitor at " + base + " failed (" + firstLine(e) + "); this client "
                    + "trusts " + (access.tls().isPresent() ? "monitor.tls_ca, or else monitor.tls_cert, of " + source
                    : "the JDK's certificate authorities (no monitor.tls_cert in " + source + ")"));
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot reach the monitor at " + base + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is `ringmaster monitor` running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(1, "interrupted");
        }
        if (r.statusCode() == 401) {
            throw new CliException(REFUSED, "the monitor at " + base + " refused the request: API token "
                    + (access.hasToken() ? "wrong (monitor.api_token of " + source + " is not the monitor's)"
                    : "missing (set monitor.api_token in " + source + ")"));
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

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
        return m.lines().findFirst().orElse(m);
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
