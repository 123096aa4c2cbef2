package io.ringmaster.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmaster.core.api.ApiGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the registry in Prometheus' text format (0.0.4). It is a read, so the API's rules for reads
 * apply ({@link ApiGuard}): open on a loopback listener, {@code Authorization: Bearer TOKEN} beyond it (Prometheus'
 * {@code authorization} scrape setting sends it). Other methods get 405. Thread-safe.
 */
public final class MetricsHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);
    /** The content type of Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final PrometheusMeterRegistry registry;
    private final ApiGuard guard;
    private final Runnable beforeScrape;

    /**
     * @param beforeScrape refreshes sampled series ({@link SampledMeters#sample}) before each scrape; may do nothing
     */
    public MetricsHandler(PrometheusMeterRegistry registry, ApiGuard guard, Runnable beforeScrape) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.beforeScrape = Objects.requireNonNull(beforeScrape, "beforeScrape");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, "method " + method + " not allowed on /metrics\n");
                return;
            }
            Optional<ApiGuard.Refusal> refused = guard.check(method, false,
                    ex.getRequestHeaders().getFirst("Authorization"));
            if (refused.isPresent()) {
                guard.logRefusal(method, "/metrics", ex.getRemoteAddress(), refused.get());
                if (refused.get().status() == 401) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ringmaster\"");
                }
                send(ex, refused.get().status(), refused.get().message() + "\n");
                return;
            }
            String body;
            try {
                beforeScrape.run();
                body = registry.scrape();
            } catch (RuntimeException e) {
                log.error("metrics scrape failed", e);
                send(ex, 500, "metrics scrape failed: " + e + "\n");
                return;
            }
            send(ex, 200, body);
        }
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", status == 200 ? CONTENT_TYPE : "text/plain; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
