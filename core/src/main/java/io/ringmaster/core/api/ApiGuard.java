package io.ringmaster.core.api;

import io.ringmaster.core.config.ApiAccess;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use an HTTP API of Ringmaster (the monitor's, an agent's): every command (POST) needs {@code Authorization: Bearer TOKEN}, and so does a router that
 * registers itself as a follower ({@code routes?router=}) when a token is configured, since the monitor then waits
 * for it before fencing a writer; on a listener that is not loopback every request needs it. A monitor without a
 * token takes no commands over the API (403).
 *
 * <p>The token is compared in constant time ({@link ApiAccess#accepts}) and never logged: a refusal is logged with
 * the method, path and client address only, at most once per {@value #LOG_EVERY_MS} ms (with the count of refusals
 * since), so that a client knocking with wrong tokens cannot flood the log. Thread-safe.
 */
public final class ApiGuard {
    private static final Logger log = LoggerFactory.getLogger(ApiGuard.class);
    /** Shortest time between two log lines about refusals, ms. */
    public static final long LOG_EVERY_MS = 10_000;
    private static final String BEARER = "bearer ";

    private final ApiAccess access;
    private final boolean loopback;
    private final String tokenField;
    private final String daemon;
    /** Guarded by {@code this}: when the last refusal was logged (monotonic ns), and refusals not logged since. */
    private long lastLogNanos = System.nanoTime() - LOG_EVERY_MS * 2_000_000;
    private int unlogged;

    /**
     * A refused request.
     *
     * @param status  the HTTP status (401 or 403)
     * @param message the one-line reason sent back; never the token
     */
    public record Refusal(int status, String message) {}

    /** The monitor's guard ({@code monitor.api_token}). */
    public ApiGuard(ApiAccess access, String listenAddress) {
        this(access, listenAddress, "monitor.api_token", "monitor");
    }

    /**
     * @param access         the configured token and TLS
     * @param listenAddress  the address the API listens on
     * @param tokenField     the configuration field of the token, for messages ({@code agents.token})
     * @param daemon         what serves the API, for messages ({@code monitor}, {@code agent})
     * @throws IllegalArgumentException when the address is not loopback and no token is configured
     */
    public ApiGuard(ApiAccess access, String listenAddress, String tokenField, String daemon) {
        this.access = Objects.requireNonNull(access, "access");
        this.loopback = ApiAccess.isLoopback(listenAddress);
        this.tokenField = tokenField;
        this.daemon = daemon;
        if (!loopback && !access.hasToken()) {
            throw new IllegalArgumentException(tokenField + ": missing (required): listen " + listenAddress
                    + " is not a loopback address, so the API needs a token");
        }
    }

    /**
     * Checks one request.
     *
     * @param method        HTTP method
     * @param registers     true when the request registers a router follower ({@code routes?router=ID})
     * @param authorization the {@code Authorization} header, may be null
     * @return the refusal, or empty when the request may go on
     */
    public Optional<Refusal> check(String method, boolean registers, String authorization) {
        boolean command = !method.equals("GET") && !method.equals("HEAD");
        boolean needed = command || !loopback || registers && access.hasToken();
        if (!needed) {
            return Optional.empty();
        }
        if (!access.hasToken()) {
            return Optional.of(new Refusal(403, "this " + daemon + " has no " + tokenField + ", so it takes no "
                    + "commands over the API: set " + tokenField + " in its configuration (see 'Securing the API' in "
                    + "the README)"));
        }
        if (!access.accepts(bearer(authorization))) {
            return Optional.of(new Refusal(401, (authorization == null ? "missing" : "wrong")
                    + " API token: send 'Authorization: Bearer' with the " + tokenField + " of the configuration"));
        }
        return Optional.empty();
    }

    /** What the guard asks for, for the start-up log line; never the token. */
    public String describe() {
        if (!access.hasToken()) {
            return "no " + tokenField + ": read-only, commands refused";
        }
        return loopback ? "token required for commands" : "token required for every request";
    }

    /** Logs a refusal, rate-limited; never the token. {@code path}: under {@code /api/v1/}, or absolute. */
    public void logRefusal(String method, String path, Object client, Refusal r) {
        int more;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - lastLogNanos < LOG_EVERY_MS * 1_000_000) {
                unlogged++;
                return;
            }
            lastLogNanos = now;
            more = unlogged;
            unlogged = 0;
        }
        log.warn("API refused {} {} from {} with {}: {}{}", method, path.startsWith("/") ? path : "/api/v1/" + path,
                client, r.status(),
                r.status() == 401 ? "missing or wrong API token" : "no " + tokenField + " configured",
                more == 0 ? "" : " (" + more + " more refusals not logged in the last "
                        + LOG_EVERY_MS / 1000 + " s)");
    }

    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.length() <= BEARER.length() || !h.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        return h.substring(BEARER.length()).strip();
    }
}
