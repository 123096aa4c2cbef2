package io.ringmaster.router;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A MySQL protocol ERR packet sent in place of the server's initial handshake, so that a client the router cannot
 * serve gets a real error with a reason instead of a hang or a reset. A server speaks first in the MySQL protocol;
 * an ERR packet with sequence id 0 is what a server itself sends when it refuses a connection (for example error
 * 1040, too many connections), and every client library reports its code, SQLSTATE and message.
 *
 * <p>Layout: payload length (3 bytes, little-endian), sequence id 0, then the payload: {@code 0xFF}, error code
 * (2 bytes, little-endian), {@code '#'}, a 5-character SQLSTATE, the message. Stateless, thread-safe.
 */
public final class ErrPacket {
    /**
     * Error code of every refusal: 1040 (ER_CON_COUNT_ERROR), the code a server itself sends before its handshake
     * when it turns a connection away, with its own SQLSTATE 08004. Not a client-library code such as 2003:
     * MariaDB's C client (libmariadb, the {@code mariadb} command) reports a server packet carrying a client-range
     * code (2000-2999) as "malformed packet" and drops the message; Connector/J and libmariadb both show the
     * message of a 1040. Pools treat 1040 as a transient refusal and retry, which is what the router wants.
     */
    public static final int REFUSED = 1040;
    /** SQLSTATE "server rejected the establishment of the connection". */
    public static final String SQLSTATE_REJECTED = "08004";
    /** Longest message sent, in bytes; longer ones are cut. */
    public static final int MAX_MESSAGE_BYTES = 480;

    private ErrPacket() {}

    /**
     * Builds the packet.
     *
     * @param code     error code, 0..65535
     * @param sqlState exactly 5 ASCII characters
     * @param message  the reason, never null; characters outside printable ASCII become {@code ?} (the connection
     *                 has no character set yet) and it is cut to {@value #MAX_MESSAGE_BYTES} bytes
     * @return the whole packet, header included
     * @throws IllegalArgumentException when the code or SQLSTATE is malformed
     */
    public static byte[] of(int code, String sqlState, String message) {
        Objects.requireNonNull(message, "message");
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("error code must be 0..65535, not " + code);
        }
        if (sqlState == null || !sqlState.matches("[0-9A-Z]{5}")) {
            throw new IllegalArgumentException("SQLSTATE must be 5 characters 0-9 A-Z, not " + sqlState);
        }
        byte[] text = ascii(message);
        int payload = 1 + 2 + 1 + 5 + text.length;
        byte[] p = new byte[4 + payload];
        p[0] = (byte) payload;
        p[1] = (byte) (payload >>> 8);
        p[2] = (byte) (payload >>> 16);
        p[3] = 0;
        p[4] = (byte) 0xFF;
        p[5] = (byte) code;
        p[6] = (byte) (code >>> 8);
        p[7] = '#';
        System.arraycopy(sqlState.getBytes(StandardCharsets.US_ASCII), 0, p, 8, 5);
        System.arraycopy(text, 0, p, 13, text.length);
        return p;
    }

    private static byte[] ascii(String message) {
        int n = Math.min(message.length(), MAX_MESSAGE_BYTES);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = message.charAt(i);
            out[i] = c >= 0x20 && c < 0x7F ? (byte) c : (byte) '?';
        }
        return out;
    }
}
