package io.ringmaster.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live topology page at {@code GET /}: three static files shipped in the jar
 * ({@code io/ringmaster/monitor/web/}: {@code index.html}, {@code app.js}, {@code app.css}), no build step. The
 * script polls {@code /api/v1/status}, {@code /api/v1/recoveries} and {@code /api/v1/routes} every 500 ms and posts
 * the operator's commands with the API token the operator typed in (kept in the tab's memory and sessionStorage).
 *
 * <p>The files hold no data and no secret, so they are served without a token; every API call they make goes
 * through {@link io.ringmaster.core.api.ApiGuard} as any other client's. Every answer carries a strict
 * Content-Security-Policy (only this origin's script and style, no inline code, no frames, no form posts), {@code
 * nosniff} and {@code no-referrer}. Only GET and HEAD; other paths 404. Immutable and thread-safe.
 */
final class WebPage implements HttpHandler {
    /** The page's policy: everything from this origin only, nothing inline, never framed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record File(byte[] bytes, String contentType) {}

    private final Map<String, File> files;

    /** @throws UncheckedIOException when a file is missing from the jar (a broken build) */
    WebPage() {
        File index = load("index.html", "text/html; charset=utf-8");
        this.files = Map.of("/", index, "/index.html", index,
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/app.css", load("app.css", "text/css; charset=utf-8"));
    }

    private static File load(String name, String contentType) {
        try (InputStream in = WebPage.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("web/" + name + " missing from the monitor's jar"));
            }
            return new File(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Cache-Control", "no-cache");
            String method = ex.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                h.set("Allow", "GET, HEAD");
                plain(ex, 405, "method " + method + " not allowed");
                return;
            }
            File f = files.get(ex.getRequestURI().getPath());
            if (f == null) {
                plain(ex, 404, "no such page: " + ex.getRequestURI().getPath() + " (the page is /, the API /api/v1/)");
                return;
            }
            h.set("Content-Type", f.contentType());
            if (head) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, f.bytes().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(f.bytes());
            }
        }
    }

    private static void plain(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
