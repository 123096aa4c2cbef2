package io.ringmaster.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ringmaster.core.api.ApiGuard;
import io.ringmaster.core.config.ApiAccess;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.routing.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's HTTP API (JSON under {@code /api/v1/}), on the JDK's built-in HTTP server.
 *
 * <pre>
 * GET  /                                 the live topology page (see {@link WebPage}): HTML, no token needed
 * GET  /api/v1/ping                      {"ok": true}
 * GET  /api/v1/status                    the show view (see {@link StatusView#show})
 * GET  /api/v1/checks                    every check of every host
 * GET  /api/v1/recoveries                writer changes with their steps, newest first
 * GET  /api/v1/routes?after=V&amp;wait=MS    the route table; long-polls up to MS ms for a version newer than V
 *      [&amp;router=ID&amp;lease=MS]              a standalone router: it applied V, and may route writes for MS ms
 *                                         after asking; the monitor waits for it before fencing a writer
 * POST /api/v1/hosts/{host}/set-online   200 {"ok": true, "message"} or 404/409/503 {"ok": false, "error"}
 * POST /api/v1/hosts/{host}/set-offline
 * POST /api/v1/roles/{role}/move?host=H[&amp;force=1]
 * GET  /api/v1/roles/{role}/loss?host=H  transactions HOST lacks of the current holder (move-role --force)
 * GET  /api/v1/hosts/{host}/errant       GTIDs HOST has that the writer does not
 * POST /api/v1/recoveries/acknowledge    lift the anti-flap block after a failover
 * POST /api/v1/mode/{ACTIVE|MANUAL|WAIT|PASSIVE}
 * GET  /metrics                          Prometheus text format ({@link MonitorMetrics}); a read, guarded as GETs are
 * </pre>
 *
 * <p>Access ({@link ApiGuard}): every POST needs {@code Authorization: Bearer TOKEN} ({@code monitor.api_token}),
 * and so does a router registering itself when a token is configured; on a listener that is not loopback every
 * request does. Otherwise 401 (403 when no token is configured) with a JSON error, and nothing changes. With
 * {@code monitor.tls_cert} and {@code tls_key} the API speaks HTTPS only. The token is never logged or answered.
 *
 * <p>Lifecycle: {@link #start()} then {@link #close()}. Thread-safe.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Monitor monitor;
    private final HttpServer server;
    private final ApiGuard guard;
    private final String scheme;
    /** Longest long-poll, ms. */
    private static final long MAX_WAIT_MS = 60_000;
    /** Longest lease a router may declare, ms: the monitor waits at most this long for one before a fence. */
    private static final long MAX_LEASE_MS = 60_000;
    private final ExecutorService pool;

    /**
     * Binds the listener (the monitor's configured address and port).
     *
     * @throws IOException when the address cannot be bound (for example the port is taken), or it is not
     *                     loopback and no {@code monitor.api_token} is configured (the message names the field)
     */
    public HttpApi(Monitor monitor) throws IOException {
        this.monitor = monitor;
        var mc = monitor.config().monitor();
        ApiAccess access = mc.api();
        try {
            this.guard = new ApiGuard(access, mc.listenAddress());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        this.scheme = access.scheme();
        try {
            InetSocketAddress at = new InetSocketAddress(mc.listenAddress(), mc.listenPort());
            if (access.tls().isPresent()) {
                HttpsServer https = HttpsServer.create(at, 32);
                https.setHttpsConfigurator(new HttpsConfigurator(access.tls().get().serverContext()));
                this.server = https;
            } else {
                this.server = HttpServer.create(at, 32);
            }
        } catch (IOException e) {
            throw new IOException("cannot listen on " + mc.listenAddress() + ":" + mc.listenPort() + ": "
                    + e.getMessage(), e);
        }
        // a virtual thread per request: every standalone router holds a long-poll open, and there may be many
        this.pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringmaster-api-", 1).factory());
        server.setExecutor(pool);
        server.createContext("/api/v1/", this::handle);
        server.createContext("/", new WebPage()); // the live topology page (static files; their calls are guarded)
        server.createContext("/metrics", new io.ringmaster.metrics.MetricsHandler(monitor.metrics().registry(), guard,
                () -> monitor.metrics().sample(monitor, monitor.publisher())));
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts serving. */
    public void start() {
        server.start();
        log.info("API listening on {}://{}:{}/api/v1/ ({}); topology page at /", scheme,
                server.getAddress().getHostString(), port(), guard.describe());
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
            String[] p = path.split("/");
            String method = ex.getRequestMethod();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            Optional<ApiGuard.Refusal> refused = guard.check(method, path.equals("routes")
                    && !query.getOrDefault("router", "").isBlank(), ex.getRequestHeaders().getFirst("Authorization"));
            if (refused.isPresent()) {
                guard.logRefusal(method, path, ex.getRemoteAddress(), refused.get());
                if (refused.get().status() == 401) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ringmaster\"");
                }
                error(ex, refused.get().status(), refused.get().message());
                return;
            }
            try {
                if (method.equals("GET")) {
                    switch (path) {
                        case "ping" -> send(ex, 200, Map.of("ok", true));
                        case "status" -> send(ex, 200, StatusView.show(monitor));
                        case "checks" -> send(ex, 200, StatusView.checks(monitor));
                        case "recoveries" -> send(ex, 200, StatusView.recoveries(monitor));
                        case "routes" -> {
                            long after = number(query, "after", -1);
                            Duration wait = Duration.ofMillis(Math.min(MAX_WAIT_MS, Math.max(0,
                                    number(query, "wait", 0))));
                            String router = query.getOrDefault("router", "");
                            RouteTable t;
                            if (router.length() > 200) {
                                error(ex, 400, "router must be at most 200 characters");
                                return;
                            }
                            if (!router.isBlank()) {
                                long leaseMs = number(query, "lease", 0);
                                if (leaseMs < 0 || leaseMs > MAX_LEASE_MS) {
                                    error(ex, 400, "lease must be 0.." + MAX_LEASE_MS + " ms, not " + leaseMs);
                                    return;
                                }
                                t = monitor.awaitRoutes(after, wait, router, Duration.ofMillis(leaseMs),
                                        routerStats(ex));
                            } else {
                                t = wait.isZero() ? monitor.routes() : monitor.awaitRoutes(after, wait);
                            }
                            send(ex, 200, StatusView.routes(t));
                        }
                        default -> {
                            if (p.length == 3 && p[0].equals("hosts") && p[2].equals("errant")) {
                                send(ex, 200, monitor.errantReport(p[1]));
                            } else if (p.length == 3 && p[0].equals("roles") && p[2].equals("loss")) {
                                String host = query.get("host");
                                if (host == null || host.isBlank()) {
                                    error(ex, 400, "missing query parameter 'host'");
                                    return;
                                }
                                send(ex, 200, monitor.lossEstimate(p[1], host));
                            } else {
                                error(ex, 404, "no such resource: /api/v1/" + path);
                            }
                        }
                    }
                } else if (method.equals("POST")) {
                    String message;
                    if (p.length == 3 && p[0].equals("hosts") && p[2].equals("set-online")) {
                        message = monitor.setOnline(p[1]);
                    } else if (p.length == 3 && p[0].equals("hosts") && p[2].equals("set-offline")) {
                        message = monitor.setOffline(p[1]);
                    } else if (p.length == 3 && p[0].equals("roles") && p[2].equals("move")) {
                        String host = query.get("host");
                        if (host == null || host.isBlank()) {
                            error(ex, 400, "missing query parameter 'host'");
                            return;
                        }
                        message = monitor.moveRole(p[1], host, "1".equals(query.get("force"))
                                || "true".equals(query.get("force")));
                    } else if (path.equals("recoveries/acknowledge")) {
                        message = monitor.acknowledge();
                    } else if (p.length == 2 && p[0].equals("mode")) {
                        MonitorMode mode;
                        try {
                            mode = MonitorMode.parse(p[1]);
                        } catch (IllegalArgumentException e) {
                            error(ex, 400, "mode " + e.getMessage());
                            return;
                        }
                        message = monitor.setMode(mode);
                    } else {
                        error(ex, 404, "no such command: POST /api/v1/" + path);
                        return;
                    }
                    Map<String, Object> ok = new LinkedHashMap<>();
                    ok.put("ok", true);
                    ok.put("message", message);
                    send(ex, 200, ok);
                } else {
                    error(ex, 405, "method " + method + " not allowed");
                }
            } catch (CommandRefused e) {
                error(ex, e.status(), e.getMessage());
            } catch (BadQuery e) {
                error(ex, 400, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error(ex, 503, "interrupted");
            } catch (RuntimeException e) {
                log.error("API {} {} failed", method, path, e);
                error(ex, 500, "internal error: " + e);
            }
        }
    }

    /** A query parameter that is not what the API expects; the message names it. */
    private static final class BadQuery extends RuntimeException {
        BadQuery(String message) {
            super(message);
        }
    }

    /** The counters a standalone router sent with its poll (base64url JSON), or null when none or unreadable. */
    private static Object routerStats(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Ringmaster-Router-Stats");
        if (h == null || h.length() > 1 << 20) {
            return null;
        }
        try {
            return JSON.readValue(java.util.Base64.getUrlDecoder().decode(h), java.util.List.class);
        } catch (IOException | IllegalArgumentException e) {
            log.debug("unreadable router counters: {}", e.toString());
            return null;
        }
    }

    private static long number(Map<String, String> query, String name, long absent) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadQuery("query parameter '" + name + "' must be a whole number, not '"
                    + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'");
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

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", message);
        send(ex, status, body);
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
