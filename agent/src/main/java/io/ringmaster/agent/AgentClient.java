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
    /** Built on first use: a JDK HttpClient takes ~0.2 s to build in a fresh JVM (measured on 2 cores). */
    private volatile HttpClient http;

    /** A client of the given agent (nothing is opened until the first request). */
    public AgentClient(AgentsConfig agents, AgentConfig agent) {
        this.agents = agents;
        this.agent = agent;
    }

    private HttpClient build() {
        // connecting gets half the request's bound, so that a request that never reached the agent fails as a
        // connect timeout (the monitor then knows it renewed nothing) rather than as a request timeout
        Duration connect = agents.timeout().dividedBy(2);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(
                connect.compareTo(Duration.ofMillis(250)) < 0 ? agents.timeout() : connect);
        agents.access().tls().ifPresent(t -> b.sslContext(t.clientContext()));
        return b.build();
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
        return get(pathAndQuery, agents.timeout());
    }

    /** GET, bounded by {@code timeout} (for a request that does more than read state, e.g. {@code clone/source}). */
    public JsonNode get(String pathAndQuery, Duration timeout) throws AgentException, InterruptedException {
        return send(request(pathAndQuery, timeout).GET().build());
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

    /** The HTTP client (for streams), built on first use. Thread-safe. */
    public HttpClient http() {
        HttpClient h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null) {
                    h = build();
                    http = h;
                }
            }
        }
        return h;
    }

    /**
     * An answer to {@link #openStream}: its status, headers (names lower-cased) and body, read straight from the
     * connection. Closing it closes the connection. Not thread-safe (one reader).
     *
     * @param status  the HTTP status
     * @param headers the response headers, names lower-cased
     * @param body    the body: up to the end of the connection (a 200 stream) or {@code content-length} bytes
     * @param socket  the connection
     */
    public record Stream(int status, java.util.Map<String, String> headers, InputStream body, java.net.Socket socket)
            implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * GET of a stream over a plain HTTP/1.0 connection (TLS when configured): the agent then sends the body as it
     * comes, undelimited, up to the end of the connection, with no chunk framing, and the caller reads it straight
     * from the socket (the JDK's {@link HttpClient} relays a body through many small buffers: about half the speed
     * on a 1 GB clone).
     *
     * @param connectTimeout bound on connecting (and the TLS handshake)
     * @param readTimeout    bound on each read: a stream that delivers nothing for this long fails
     * @throws AgentException when the agent cannot be reached or its answer has no HTTP status line
     */
    public Stream openStream(String pathAndQuery, Duration connectTimeout, Duration readTimeout)
            throws AgentException {
        return exchange("GET", pathAndQuery, null, connectTimeout, readTimeout);
    }

    /**
     * POST of a stream read from {@code body} to its end, sent in 1 MiB chunks ({@code Transfer-Encoding: chunked})
     * over a plain connection (TLS when configured), for the bulk data of a restore; the answer is read as
     * {@link #openStream}'s is. Connecting is bounded by {@code agents.timeout}.
     *
     * @param readTimeout bound on each read of the answer (the agent answers once it has taken the whole body)
     * @throws AgentException when the agent cannot be reached, the body cannot be read or sent, or the answer has
     *                        no HTTP status line
     */
    public Stream postStream(String pathAndQuery, InputStream body, Duration readTimeout) throws AgentException {
        return exchange("POST", pathAndQuery, java.util.Objects.requireNonNull(body, "body"), agents.timeout(),
                readTimeout);
    }

    private static final int STREAM_CHUNK = 1 << 20;
    private static final java.util.regex.Pattern STATUS_LINE = java.util.regex.Pattern.compile(
            "HTTP/\\d\\.\\d (\\d{3}).*");

    /** One request on its own connection: a GET (HTTP/1.0, body up to the end) or a chunked POST of {@code body}. */
    private Stream exchange(String method, String pathAndQuery, InputStream body, Duration connectTimeout,
                            Duration readTimeout) throws AgentException {
        java.net.Socket s = null;
        String failed = "cannot be reached for a stream";
        try {
            s = agents.access().tls().isPresent()
                    ? agents.access().tls().get().clientContext().getSocketFactory().createSocket()
                    : new java.net.Socket();
            s.setReceiveBufferSize(STREAM_CHUNK);
            s.setSendBufferSize(STREAM_CHUNK);
            s.connect(new java.net.InetSocketAddress(agent.address(), agent.port()),
                    (int) Math.max(1, connectTimeout.toMillis()));
            s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, readTimeout.toMillis())));
            if (s instanceof javax.net.ssl.SSLSocket ssl) {
                javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // as HttpClient checks the agent's name
                ssl.setSSLParameters(p);
                ssl.startHandshake();
            }
            failed = "broke off the stream";
            StringBuilder req = new StringBuilder(method).append(" /api/v1/").append(pathAndQuery)
                    .append(body == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n")
                    .append("Host: ").append(agent.endpoint()).append("\r\n");
            if (body != null) {
                req.append("Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n");
            }
            if (agents.access().hasToken()) {
                req.append("Authorization: Bearer ").append(agents.access().token().reveal()).append("\r\n");
            }
            req.append("\r\n");
            java.io.OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), STREAM_CHUNK + 64);
            out.write(req.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            if (body != null) {
                writeChunked(body, out);
            }
            out.flush();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
            String status = headerLine(in);
            java.util.regex.Matcher m = STATUS_LINE.matcher(status);
            if (!m.matches()) {
                throw new IOException("not an HTTP answer: " + status.substring(0, Math.min(80, status.length())));
            }
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (String line = headerLine(in); !line.isEmpty(); line = headerLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                            line.substring(colon + 1).strip());
                }
                if (headers.size() > 100) {
                    throw new IOException("more than 100 header lines");
                }
            }
            return new Stream(Integer.parseInt(m.group(1)), headers, in, s);
        } catch (IOException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing what failed
                }
            }
            throw new AgentException(agent.host(), 0, "agent of " + agent.host() + " (" + agent.endpoint()
                    + ") " + failed + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        }
    }

    /** Copies {@code body} to its end as HTTP/1.1 chunks of up to 1 MiB, then the last chunk. */
    private static void writeChunked(InputStream body, java.io.OutputStream out) throws IOException {
        byte[] buf = new byte[STREAM_CHUNK];
        int n;
        while ((n = body.readNBytes(buf, 0, buf.length)) > 0) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(buf, 0, n);
            out.write('\r');
            out.write('\n');
        }
        out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** One header line without its CRLF; at most 8 KiB. */
    private static String headerLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 8192) {
                throw new IOException("a header line longer than 8 KiB");
            }
        }
        if (c < 0 && b.isEmpty()) {
            throw new IOException("the connection closed before the answer's headers ended");
        }
        return b.toString();
    }

    /**
     * The JSON of an answer, or the agent's one-line error.
     *
     * @throws AgentException when the agent is not reached in time or answers with a status other than 2xx
     */
    private JsonNode send(HttpRequest req) throws AgentException, InterruptedException {
        HttpResponse<InputStream> res;
        try {
            res = http().send(req, HttpResponse.BodyHandlers.ofInputStream());
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
