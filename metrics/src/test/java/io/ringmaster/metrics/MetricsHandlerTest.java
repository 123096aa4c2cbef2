package io.ringmaster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmaster.core.api.ApiGuard;
import io.ringmaster.core.config.ApiAccess;
import io.ringmaster.core.config.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The /metrics listener over real HTTP: GET's rules of the API, 405 for other methods, samples before a scrape. */
class MetricsHandlerTest {
    private static final String TOKEN = "metrics-handler-test-token-0123";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheRegistryOnLoopbackWithoutTokenAndRefuseOtherMethods() throws Exception {
        PrometheusMeterRegistry r = Metrics.registry("prod");
        SampledMeters m = new SampledMeters(r);
        AtomicInteger scrapes = new AtomicInteger();
        MetricsHandler h = new MetricsHandler(r, new ApiGuard(ApiAccess.open(), "127.0.0.1"), () -> m.sample(
                s -> s.gauge("ringmaster_test_scrapes", "scrapes", scrapes.incrementAndGet())));
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, h)) {
            server.start();
            HttpResponse<String> first = get(server.port(), null);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type")).hasValue(MetricsHandler.CONTENT_TYPE);
            assertThat(first.body()).contains("ringmaster_test_scrapes{cluster=\"prod\"} 1.0");
            assertThat(get(server.port(), null).body()).contains("ringmaster_test_scrapes{cluster=\"prod\"} 2.0");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void shouldNeedTheTokenBeyondLoopback() throws Exception {
        PrometheusMeterRegistry r = Metrics.registry("prod");
        ApiAccess access = new ApiAccess(Secret.of(TOKEN), java.util.Optional.empty());
        // a guard that believes it listens beyond loopback, on a loopback socket the test can reach
        MetricsHandler h = new MetricsHandler(r, new ApiGuard(access, "0.0.0.0"), () -> { });
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, h)) {
            server.start();
            HttpResponse<String> none = get(server.port(), null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("missing API token").doesNotContain(TOKEN);
            assertThat(get(server.port(), TOKEN + "x").statusCode()).isEqualTo(401);
            assertThat(get(server.port(), TOKEN).statusCode()).isEqualTo(200);
        }
    }
}
