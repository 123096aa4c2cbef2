package io.ringmaster.tools.checksum;

import java.time.Duration;

/**
 * Adapts the chunk size to a target time per chunk, as pt-table-checksum does (NibbleIterator + WeightedAvgRate):
 * an exponentially weighted average of rows per second, weight 0.75 on the past, times the target time. The first
 * chunk of each table uses the start size. Bounded between {@code minRows} and {@code maxRows}.
 *
 * <p>Not thread-safe: one instance per table, used by the thread that cuts chunks.
 */
public final class ChunkSizer {
    private static final double WEIGHT = 0.75;
    private final double targetSeconds;
    private final long minRows;
    private final long maxRows;
    private double rowsPerSecond = -1;
    private long next;

    /**
     * @param target    time a chunk should take on the writer, positive
     * @param startRows size of the first chunk, within the bounds
     * @param minRows   smallest size, at least 1
     * @param maxRows   largest size, at least {@code minRows}
     * @throws IllegalArgumentException for values out of range
     */
    public ChunkSizer(Duration target, long startRows, long minRows, long maxRows) {
        if (target.isNegative() || target.isZero()) {
            throw new IllegalArgumentException("target chunk time must be positive");
        }
        if (minRows < 1 || maxRows < minRows || startRows < minRows || startRows > maxRows) {
            throw new IllegalArgumentException("chunk sizes must satisfy 1 <= min <= start <= max, not " + minRows
                    + " <= " + startRows + " <= " + maxRows);
        }
        this.targetSeconds = target.toNanos() / 1e9;
        this.minRows = minRows;
        this.maxRows = maxRows;
        this.next = startRows;
    }

    /** Rows wanted in the next chunk. */
    public long nextRows() {
        return next;
    }

    /**
     * Records a finished chunk and computes the next size.
     *
     * @param rows    rows the chunk held (0 is ignored: an empty range says nothing about speed)
     * @param elapsed time its checksum took on the writer
     */
    public void record(long rows, Duration elapsed) {
        if (rows <= 0) {
            return;
        }
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-4);
        double rate = rows / seconds;
        rowsPerSecond = rowsPerSecond < 0 ? rate : WEIGHT * rowsPerSecond + (1 - WEIGHT) * rate;
        long wanted = (long) Math.floor(rowsPerSecond * targetSeconds);
        next = Math.max(minRows, Math.min(maxRows, wanted));
    }
}
