package io.ringmaster.tools.checksum;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Cuts the chunks of a table keyed by one integer column by arithmetic on the key instead of a boundary query:
 * the next upper bound is the lower bound plus the wanted rows divided by the key density (rows per key value)
 * measured on the chunks already done. The boundary query ({@code ORDER BY key LIMIT n-1, 1}) reads as many rows
 * as the chunk itself, so on the writer it costs as much as the checksum; this saves it while the density holds.
 * The estimate is trusted only after a chunk cut exactly (by the boundary query) has measured it, and is dropped
 * again when a chunk came out more than twice as large as wanted: the next chunk is then cut exactly. An empty
 * range quadruples the next step, so gaps in the key are crossed in a few chunks. Ranges past the writer's
 * largest key end the table (the last chunk has no upper bound).
 *
 * <p>Pure; not thread-safe (one per table, used by the thread that cuts chunks).
 */
public final class IntegerRanges {
    private static final double WEIGHT = 0.5;
    private final BigInteger max;
    private double density = -1;
    private boolean trusted;

    /** @param max the writer's largest key value when the table starts, never null */
    public IntegerRanges(BigInteger max) {
        this.max = max;
    }

    /** True when the next chunk may be cut by arithmetic. */
    public boolean trusted() {
        return trusted && density > 0;
    }

    /**
     * The next upper bound.
     *
     * @param lower exclusive lower bound
     * @param rows  wanted rows, at least 1
     * @return the inclusive upper bound, or empty when the chunk reaches past the largest key (the last chunk)
     * @throws IllegalStateException when not {@link #trusted()}
     */
    public Optional<BigInteger> upper(BigInteger lower, long rows) {
        if (!trusted()) {
            throw new IllegalStateException("no trusted key density yet");
        }
        BigInteger step = BigDecimal.valueOf(rows).divide(BigDecimal.valueOf(density), 0, RoundingMode.CEILING)
                .toBigInteger().max(BigInteger.ONE);
        BigInteger upper = lower.add(step);
        return upper.compareTo(max) >= 0 ? Optional.empty() : Optional.of(upper);
    }

    /**
     * Records a finished chunk {@code (lower, upper]}.
     *
     * @param lower  exclusive lower bound (the smallest key minus one for the first chunk)
     * @param upper  inclusive upper bound
     * @param rows   rows the chunk held on the writer
     * @param wanted rows it was cut for
     * @param exact  it was cut by the boundary query (its row count is what was wanted)
     */
    public void record(BigInteger lower, BigInteger upper, long rows, long wanted, boolean exact) {
        BigInteger span = upper.subtract(lower);
        if (span.signum() <= 0) {
            return;
        }
        if (rows == 0) {
            if (density > 0) {
                density = density / 4; // an empty range: step four times as far
            }
            return;
        }
        double observed = rows / span.doubleValue();
        density = density < 0 ? observed : WEIGHT * density + (1 - WEIGHT) * observed;
        if (exact) {
            trusted = true;
        } else if (rows > 2 * wanted) {
            trusted = false;
        }
    }
}
