package io.ringmaster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ringmaster.core.api.ApiGuard;
import io.ringmaster.core.config.ApiAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API (JSON under {@code /api/v1/}) on the JDK's built-in HTTP server: a table of exact
 * {@code METHOD path} routes that the parts of the agent register ({@link #route}). Access is checked by an
 * {@link ApiGuard} with {@code agents.token}: every POST needs the token; with TLS configured it speaks HTTPS only.
 * Every request is logged (method, path, client, status; never a body or the token).
 *
 * <p>A handler answers with a JSON body (status 200), throws {@link Refused} for a clear refusal with its status,
 * or writes the exchange itself (a stream) and returns {@link #STREAMED}. Lifecycle: register routes, {@link #start()},
 * then {@link #close()}. Thread-safe; each request runs on its own virtual thread.
 */
public final class AgentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentServer.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Returned by a handler that wrote the response itself. */
    public static final Object STREAMED = new Object();
    /** Largest JSON request body read, bytes. */
    private static final int MAX_BODY = 1 << 20;

    /** One request to a handler. */
    public record Request(String method, String path, Map<String, String> query, HttpExchange exchange) {
        /** The JSON body (an empty object when there is none). */
        public JsonNode json() throws IOException {
            byte[] b = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new Refused(413, "request body is larger than " + MAX_BODY + " bytes");
            }
            if (b.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                return JSON.readTree(b);
            } catch (IOException e) {
                throw new Refused(400, "request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }

        /** The raw body, for streams. */
        public InputStream body() {
            return exchange.getRequestBody();
        }

        /** A query parameter, or empty. */
        public Optional<String> param(String name) {
            return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty());
        }
    }

    /** Answers one route. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @return the JSON body (a map, a record, a {@link JsonNode}) sent with 200, or {@link #STREAMED}
         * @throws Refused for a refusal with its own status and one-line message
         * @throws Exception for anything else (500, logged)
         */
        Object handle(Request request) throws Exception;
    }

    /** A refusal with its HTTP status and one-line reason. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final HttpServer server;
    private final ApiGuard guard;
    private final String scheme;
    private final ExecutorService pool;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();

    /**
     * Binds the listener.
     *
     * @throws IOException when the address cannot be bound, or it is not loopback and no token is configured
     */
    public AgentServer(ApiAccess access, String listenAddress, int port) throws IOException {
        try {
            this.guard = new ApiGuard(access, listenAddress, "agents.token", "agent");
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        this.scheme = access.scheme();
        try {
            InetSocketAddress at = new InetSocketAddress(listenAddress, port);
            if (access.tls().isPresent()) {
                HttpsServer https = HttpsServer.create(at, 32);
                https.setHttpsConfigurator(new HttpsConfigurator(access.tls().get().serverContext()));
                this.server = https;
            } else {
                this.server = HttpServer.create(at, 32);
            }
        } catch (IOException e) {
            throw new IOException("cannot listen on " + listenAddress + ":" + port + ": " + e.getMessage(), e);
        }
        this.pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringmaster-agent-api-", 1).factory());
        server.setExecutor(pool);
        server.createContext("/api/v1/", this::handle);
    }

    /**
     * Registers a route.
     *
     * @param method {@code GET} or {@code POST}
     * @param path   path under {@code /api/v1/}, e.g. {@code addresses}
     * @throws IllegalStateException when the route is taken
     */
    public void route(String method, String path, Handler handler) {
        if (routes.putIfAbsent(method + " " + path, handler) != null) {
            throw new IllegalStateException("route " + method + " " + path + " registered twice");
        }
    }

    /**
     * Serves {@code GET /metrics} (Prometheus text) beside the API, guarded as the API's reads are: open on
     * loopback, {@code agents.token} beyond it.
     *
     * @param beforeScrape refreshes sampled series before each scrape
     */
    public void metrics(io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry, Runnable beforeScrape) {
        server.createContext("/metrics", new io.ringmaster.metrics.MetricsHandler(registry, guard, beforeScrape));
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts serving. */
    public void start() {
        server.start();
        log.info("agent API listening on {}://{}:{}/api/v1/ ({})", scheme, server.getAddress().getHostString(),
                port(), guard.describe());
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring("/api/v1/".length());
            String method = ex.getRequestMethod();
            Optional<ApiGuard.Refusal> refused = guard.check(method, false,
                    ex.getRequestHeaders().getFirst("Authorization"));
            if (refused.isPresent()) {
                guard.logRefusal(method, path, ex.getRemoteAddress(), refused.get());
                if (refused.get().status() == 401) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ringmaster-agent\"");
                }
                error(ex, refused.get().status(), refused.get().message());
                return;
            }
            Handler h = routes.get(method + " " + path);
            if (h == null) {
                boolean other = routes.keySet().stream().anyMatch(k -> k.endsWith(" " + path));
                error(ex, other ? 405 : 404, other ? "method " + method + " not allowed on /api/v1/" + path
                        : "no such resource: " + method + " /api/v1/" + path);
                return;
            }
            int status = 200;
            try {
                Object body = h.handle(new Request(method, path, query(ex.getRequestURI().getRawQuery()), ex));
                if (body != STREAMED) {
                    send(ex, 200, body);
                }
            } catch (Refused e) {
                status = e.status();
                error(ex, status, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 503;
                error(ex, status, "interrupted");
            } catch (Exception e) {
                status = 500;
                log.error("agent API {} {} failed", method, path, e);
                error(ex, status, "internal error: " + e);
            } finally {
                if (!path.equals("ping") && !method.equals("GET")) {
                    log.info("agent API {} /api/v1/{} from {}: {}", method, path, ex.getRemoteAddress(), status);
                }
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    /** Sends a JSON error body {@code {"ok": false, "error": message}}; ignored when the response has started. */
    static void error(HttpExchange ex, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", message);
        try {
            send(ex, status, body);
        } catch (IOException | IllegalStateException e) {
            log.debug("could not send the error of {}: {}", ex.getRequestURI(), e.toString());
        }
    }

    static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
