package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page's files: content types, the security headers on every answer, GET and HEAD only, nothing else served. */
class WebPageTest {
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", new WebPage());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.getAddress().getPort() + path)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeThePageFilesWithTheirTypesAndAStrictPolicy() throws Exception {
        HttpResponse<String> index = call("GET", "/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(index.body()).contains("<script src=\"app.js\" defer></script>").doesNotContain("<script>")
                .doesNotContain("style=\"");
        assertThat(call("GET", "/app.js").headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(call("GET", "/app.css").headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
        for (String path : new String[] {"/", "/app.js", "/nope", "/../etc/passwd"}) {
            HttpResponse<String> r = call("GET", path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
                    .contains(WebPage.CONTENT_SECURITY_POLICY);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        }
        assertThat(WebPage.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "script-src 'self'",
                "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "*");
    }

    @Test
    void shouldAnswerHeadAndRefuseOtherMethodsAndUnknownPaths() throws Exception {
        HttpResponse<String> head = call("HEAD", "/app.js");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> post = call("POST", "/");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        HttpResponse<String> missing = call("GET", "/ringmaster-state.json");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    }
}
