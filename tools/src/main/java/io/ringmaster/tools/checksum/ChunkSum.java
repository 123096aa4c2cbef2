package io.ringmaster.tools.checksum;

import java.math.BigInteger;
import java.util.Objects;

/**
 * The checksum of one chunk on one host: its row count and the combination of its row hashes, as text
 * ({@code 16 hex digits of BIT_XOR}, then {@code /SUM} in decimal for tables whose rows may repeat). Immutable.
 *
 * @param rows rows in the chunk
 * @param crc  combined hash, never null
 */
public record ChunkSum(long rows, String crc) {
    public ChunkSum {
        Objects.requireNonNull(crc, "crc");
    }

    /**
     * Builds the sum from the chunk query's columns.
     *
     * @param rows    COUNT(*)
     * @param xor     BIT_XOR as unsigned decimal text
     * @param sum     SUM as decimal text
     * @param withSum whether SUM is part of the checksum
     */
    public static ChunkSum of(long rows, String xor, String sum, boolean withSum) {
        String hex = String.format("%16s", new BigInteger(xor == null ? "0" : xor).toString(16)).replace(' ', '0');
        return new ChunkSum(rows, withSum ? hex + "/" + (sum == null ? "0" : new BigInteger(sum.split("\\.")[0]))
                : hex);
    }
}
