package io.ringmaster.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.routing.RouteTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a monitor's route table over HTTP by long-polling
 * {@code GET /api/v1/routes?after=V&wait=MS&router=ID&lease=MS}: the monitor answers as soon as a newer table is
 * published, or with the current one when the wait runs out. Every answer is handed to the listener (which renews
 * the writer lease and updates the router); failures are retried with a bounded back-off.
 *
 * <p>Asking for tables after V tells the monitor this router has applied V; with the router's id and how long
 * after asking it may still route writes on an old answer ({@code lease}), the monitor can wait for every router to
 * let go of a writer before it fences that writer.
 *
 * <p>With a token ({@code monitor.api_token}) every poll carries {@code Authorization: Bearer}; over {@code https} the
 * monitor's certificate is checked against the given TLS context (or the JDK's authorities). The token is never
 * logged.
 *
 * <p>One named daemon thread; {@link #close()} stops it within one request timeout. Thread-safe.
 */
public final class MonitorFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitorFollower.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF_MS = 1000;

    private final URI routes;
    private final Duration wait;
    private final Duration connectTimeout;
    private final Identity identity;
    private final LongSupplier nanoClock;
    private final Answer onAnswer;
    private final Access access;
    private final Thread thread;
    private volatile boolean running;
    private volatile HttpURLConnection inFlight;
    private volatile java.util.function.Supplier<Object> report = () -> null;
    /** The request header that carries a router's counters to the monitor: base64url of their JSON. */
    public static final String STATS_HEADER = "Ringmaster-Router-Stats";

    /**
     * Who follows, sent with every poll.
     *
     * @param id    names this router among the monitor's followers (for example {@code pid@host})
     * @param lease how long after asking this router may still route writes on the answer it gets, at most
     */
    public record Identity(String id, Duration lease) {}

    /**
     * How this follower proves who it is and checks the monitor.
     *
     * @param token bearer token sent with every poll; empty sends none
     * @param tls   trust for an {@code https} monitor; empty uses the JDK's default authorities
     */
    public record Access(Secret token, Optional<SSLContext> tls) {
        public Access {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(tls, "tls");
        }

        /** No token, default trust. */
        public static Access none() {
            return new Access(Secret.empty(), Optional.empty());
        }

        @Override
        public String toString() {
            return "Access[token=" + token + ", tls=" + tls.isPresent() + "]";
        }
    }

    /** Receives the tables. */
    @FunctionalInterface
    public interface Answer {
        /**
         * @param table        the table received
         * @param askedAtNanos when the request was sent, on the follower's monotonic clock: the answer was made
         *                     after this, so a lease counted from here cannot outlast the monitor's view of it
         */
        void accept(RouteTable table, long askedAtNanos);
    }

    /**
     * @param monitor        the monitor's API base, {@code http://host:port}
     * @param wait           how long one long-poll may wait at the monitor; keep it well below the writer lease so
     *                       answers renew the lease in time
     * @param connectTimeout bound on connecting to the monitor
     * @param identity       sent with every poll
     * @param nanoClock      monotonic nanoseconds for {@code askedAtNanos}, normally {@code System::nanoTime}
     * @param onAnswer       called with every table received, on the follower's thread
     */
    public MonitorFollower(URI monitor, Duration wait, Duration connectTimeout, Identity identity,
                           LongSupplier nanoClock, Answer onAnswer) {
        this(monitor, wait, connectTimeout, identity, Access.none(), nanoClock, onAnswer);
    }

    /**
     * Like the other constructor, with a token and TLS trust.
     *
     * @param access token and TLS trust for the monitor's API
     */
    public MonitorFollower(URI monitor, Duration wait, Duration connectTimeout, Identity identity, Access access,
                           LongSupplier nanoClock, Answer onAnswer) {
        this.access = Objects.requireNonNull(access, "access");
        this.routes = Objects.requireNonNull(monitor, "monitor").resolve("/api/v1/routes");
        this.wait = wait;
        this.connectTimeout = connectTimeout;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.onAnswer = Objects.requireNonNull(onAnswer, "onAnswer");
        this.thread = new Thread(this::loop, "ringmaster-router-follower");
        this.thread.setDaemon(true);
    }

    /**
     * Sends what {@code stats} gives (a router's counters, JSON-ready; null sends none) with every poll, in the
     * {@value #STATS_HEADER} header, so that the monitor's {@code show --json} and {@code /metrics} see this router.
     */
    public MonitorFollower reportWith(java.util.function.Supplier<Object> stats) {
        this.report = Objects.requireNonNull(stats, "stats");
        return this;
    }

    /** Starts following. */
    public MonitorFollower start() {
        running = true;
        thread.start();
        log.info("following the monitor's route table at {} (long-poll, wait {} ms)", routes, wait.toMillis());
        return this;
    }

    private void loop() {
        long after = -1;
        long backoff = 50;
        String lastProblem = "";
        while (running) {
            try {
                long asked = nanoClock.getAsLong();
                RouteTable t = fetch(after);
                if (!lastProblem.isEmpty()) {
                    log.info("monitor at {} answers again", routes);
                    lastProblem = "";
                }
                backoff = 50;
                after = t.version();
                onAnswer.accept(t, asked);
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    break;
                }
                String problem = RoleListener.oneLine(e);
                if (!problem.equals(lastProblem)) {
                    log.warn("cannot read the route table from {}: {}", routes, problem);
                    lastProblem = problem;
                }
                after = -1;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private RouteTable fetch(long after) throws IOException {
        long waitMs = after < 0 ? 0 : wait.toMillis();
        URI uri = URI.create(routes + "?after=" + after + "&wait=" + waitMs + "&router="
                + URLEncoder.encode(identity.id(), StandardCharsets.UTF_8) + "&lease=" + identity.lease().toMillis());
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        inFlight = c;
        try {
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) (waitMs + connectTimeout.toMillis() + 1000));
            c.setRequestProperty("Accept", "application/json");
            Object stats = report.get();
            if (stats != null) {
                c.setRequestProperty(STATS_HEADER, java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(JSON.writeValueAsBytes(stats)));
            }
            if (!access.token().isEmpty()) {
                c.setRequestProperty("Authorization", "Bearer " + access.token().reveal());
            }
            if (c instanceof HttpsURLConnection https && access.tls().isPresent()) {
                https.setSSLSocketFactory(access.tls().get().getSocketFactory());
            }
            int status = c.getResponseCode();
            if (status == 401 || status == 403) {
                throw new IOException("HTTP " + status + " from the monitor: API token "
                        + (access.token().isEmpty() ? "missing" : "wrong")
                        + " (this router sends monitor.api_token of its configuration)");
            }
            if (status != 200) {
                throw new IOException("HTTP " + status + " from the monitor");
            }
            try (InputStream in = c.getInputStream()) {
                return parse(JSON.readTree(in));
            }
        } finally {
            inFlight = null;
        }
    }

    /**
     * Reads the monitor's route table JSON: {@code {"version", "epoch", "issued", "writerChanging", "roles": {role:
     * [{"host", "address", "port"}]}}}.
     *
     * @throws IOException when a field is missing or malformed
     */
    static RouteTable parse(JsonNode n) throws IOException {
        try {
            require(n, "version");
            require(n, "epoch");
            require(n, "issued");
            require(n, "roles");
            Map<String, List<RouteTable.Backend>> roles = new LinkedHashMap<>();
            var it = n.get("roles").fields();
            while (it.hasNext()) {
                var e = it.next();
                List<RouteTable.Backend> backends = new ArrayList<>();
                for (JsonNode b : e.getValue()) {
                    require(b, "host");
                    require(b, "address");
                    require(b, "port");
                    backends.add(new RouteTable.Backend(b.get("host").asText(), b.get("address").asText(),
                            b.get("port").asInt()));
                }
                roles.put(e.getKey(), backends);
            }
            return new RouteTable(n.get("version").asLong(), n.get("epoch").asLong(),
                    Instant.parse(n.get("issued").asText()), n.path("writerChanging").asBoolean(false), roles);
        } catch (DateTimeParseException e) {
            throw new IOException("malformed route table: issued: " + e.getMessage());
        }
    }

    private static void require(JsonNode n, String field) throws IOException {
        if (n == null || n.get(field) == null || n.get(field).isNull()) {
            throw new IOException("malformed route table: missing '" + field + "'");
        }
    }

    /** Stops following; waits a bounded time for the thread. Idempotent. */
    @Override
    public void close() {
        running = false;
        HttpURLConnection c = inFlight;
        if (c != null) {
            c.disconnect();
        }
        thread.interrupt();
        try {
            thread.join(connectTimeout.toMillis() + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("route-table follower still running after close");
        }
    }
}
