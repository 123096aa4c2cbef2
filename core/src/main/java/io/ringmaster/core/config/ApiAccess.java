package io.ringmaster.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may use the monitor's HTTP API, and how it is reached: the bearer token ({@code monitor.api_token}) and the
 * optional TLS material ({@code monitor.tls_cert}, {@code tls_key}, {@code tls_ca}).
 *
 * <p>Rules (kept by {@link ConfigLoader} and by the API itself): every POST needs the token; on a listener that is
 * not loopback every request needs it, and such a listener without a token is refused. A monitor without a token
 * takes no commands over the API. Immutable and thread-safe; {@link #toString()} never shows the token.
 *
 * @param token the bearer token, never null; {@link Secret#isEmpty() empty} when none is configured
 * @param tls   the API's TLS material; empty for plain HTTP
 */
public record ApiAccess(Secret token, Optional<ApiTls> tls) {
    /** Shortest token accepted, in characters: 16 random characters or more are not guessed over HTTP. */
    public static final int MIN_TOKEN_LENGTH = 16;
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    public ApiAccess {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tls, "tls");
    }

    /** No token, plain HTTP (a loopback listener that takes no commands). */
    public static ApiAccess open() {
        return new ApiAccess(Secret.empty(), Optional.empty());
    }

    /** True when a token is configured. */
    public boolean hasToken() {
        return !token.isEmpty();
    }

    /** {@code https} with TLS, else {@code http}. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /**
     * Why a token value cannot be used, or empty when it can: at least {@value #MIN_TOKEN_LENGTH} printable ASCII
     * characters without spaces (it travels in an HTTP header). The message never contains the token.
     */
    public static Optional<String> tokenProblem(String token) {
        if (token.length() < MIN_TOKEN_LENGTH) {
            return Optional.of("must be at least " + MIN_TOKEN_LENGTH + " characters (it has " + token.length()
                    + "); make one with: openssl rand -hex 32");
        }
        if (!TOKEN.matcher(token).matches()) {
            return Optional.of("must be printable ASCII without spaces (it is sent in an HTTP header)");
        }
        return Optional.empty();
    }

    /**
     * True when the address only accepts connections from this machine: {@code 127.0.0.0/8}, {@code ::1} or
     * {@code localhost}. Anything else, a wildcard ({@code 0.0.0.0}, {@code ::}) or a name included, is not.
     *
     * @param address the listen address, without brackets
     */
    public static boolean isLoopback(String address) {
        String a = address.trim().toLowerCase(Locale.ROOT);
        return a.equals("localhost") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1")
                || IPV4_LOOPBACK.matcher(a).matches();
    }

    /**
     * Compares a presented token with the configured one in time that depends on neither (both are hashed with
     * SHA-256 and the digests compared with {@link MessageDigest#isEqual}). False when no token is configured.
     *
     * @param presented the token a client sent, may be null
     */
    public boolean accepts(String presented) {
        if (presented == null || token.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(token.reveal()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
