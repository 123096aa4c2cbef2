package io.ringmaster.tools.checksum;

import java.util.Locale;

/**
 * The per-row hash. Chunks combine row hashes with BIT_XOR (order-independent, as pt-table-checksum does) and,
 * for tables checksummed whole without a unique key, also with SUM (so that duplicate rows cannot cancel out).
 */
public enum HashFunction {
    /** CRC32 of the row text: 32 bits, the fastest (pt-table-checksum's default). */
    CRC32,
    /** The first 64 bits of MD5 of the row text: slower, far fewer collisions. */
    MD5;

    /** The SQL of an unsigned 64-bit integer hash of {@code text}. */
    String sql(String text) {
        return switch (this) {
            case CRC32 -> "CRC32(" + text + ")";
            case MD5 -> "CAST(CONV(LEFT(MD5(" + text + "), 16), 16, 10) AS UNSIGNED)";
        };
    }

    /**
     * Parses {@code crc32} or {@code md5}, case-insensitive.
     *
     * @throws IllegalArgumentException for anything else, naming the allowed values
     */
    public static HashFunction parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "crc32" -> CRC32;
            case "md5" -> MD5;
            default -> throw new IllegalArgumentException("must be crc32 or md5, not '" + text + "'");
        };
    }
}
