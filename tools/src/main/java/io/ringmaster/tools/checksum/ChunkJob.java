package io.ringmaster.tools.checksum;

import io.ringmaster.core.gtid.GtidPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One chunk, handed to every host's worker as soon as the writer's position for it is known, which is before the
 * writer's own checksum when the writer takes it in a consistent snapshot: the writer and every host then compute
 * the chunk at the same time. When the last host has answered, the completion callback runs once, on that host's
 * worker thread, before it takes its next chunk: so chunks complete in order. Thread-safe.
 */
final class ChunkJob {
    final Chunk chunk;
    final String hostSql;
    final String writerSql;
    final boolean last;
    final String writerName;
    private final CompletableFuture<Optional<GtidPosition>> position = new CompletableFuture<>();
    private final CompletableFuture<Optional<ChunkSum>> writerSum = new CompletableFuture<>();
    private volatile double writerMillis;
    private final List<String> hostOrder;
    private final Map<String, ChunkRow> rows = new ConcurrentHashMap<>();
    private final AtomicInteger remaining;
    private final Consumer<ChunkJob> onComplete;

    /** The writer could not compute the chunk. */
    static final ChunkSum NONE = new ChunkSum(0, "");

    /**
     * @param hostSql    the chunk query for hosts (no lock)
     * @param writerSql  the chunk query for the writer (LOCK IN SHARE MODE), for rechecks
     * @param hostOrder  names of the hosts that will answer, in report order
     */
    ChunkJob(Chunk chunk, String hostSql, String writerSql, boolean last, String writerName, List<String> hostOrder,
             Consumer<ChunkJob> onComplete) {
        this.chunk = chunk;
        this.hostSql = hostSql;
        this.writerSql = writerSql;
        this.last = last;
        this.writerName = writerName;
        this.hostOrder = List.copyOf(hostOrder);
        this.remaining = new AtomicInteger(hostOrder.size());
        this.onComplete = onComplete;
    }

    /** The writer's position is known (empty: the writer could not compute the chunk). */
    void position(Optional<GtidPosition> pos) {
        position.complete(pos);
    }

    /** The writer's checksum is known (empty: the writer could not compute the chunk). */
    void writerSum(Optional<ChunkSum> sum, double millis) {
        writerMillis = millis;
        writerSum.complete(sum);
    }

    /** Fails both halves, e.g. when the writer's connection broke. */
    void writerFailed() {
        position.complete(Optional.empty());
        writerSum.complete(Optional.empty());
    }

    /** Waits for the writer's position, at most {@code bound}; empty when the writer could not compute it. */
    Optional<GtidPosition> awaitPosition(Duration bound) throws InterruptedException {
        return await(position, bound);
    }

    /** Waits for the writer's checksum, at most {@code bound}; empty when the writer could not compute it. */
    Optional<ChunkSum> awaitWriterSum(Duration bound) throws InterruptedException {
        return await(writerSum, bound);
    }

    /** The writer's position once known, else null. */
    GtidPosition positionNow() {
        return position.isDone() ? position.join().orElse(null) : null;
    }

    double writerMillis() {
        return writerMillis;
    }

    /** Records one host's answer; the last one runs the completion callback. */
    void complete(ChunkRow row) {
        if (rows.putIfAbsent(row.host(), row) == null && remaining.decrementAndGet() == 0) {
            onComplete.accept(this);
        }
    }

    /** The writer's row, then one per host in order. */
    List<ChunkRow> rows() {
        ChunkSum w = writerSum.isDone() ? writerSum.join().orElse(NONE) : NONE;
        List<ChunkRow> out = new ArrayList<>();
        out.add(new ChunkRow(chunk.table(), chunk.number(), writerName, chunk.index(), chunk.range(), w.rows(),
                w.crc(), w.rows(), w.crc(), ChunkStatus.WRITER, ""));
        for (String h : hostOrder) {
            out.add(rows.get(h));
        }
        return out;
    }

    /** A row for a host from the writer's sums and the host's. */
    ChunkRow row(String host, ChunkSum writer, ChunkSum hostSum, ChunkStatus status, String note) {
        ChunkSum w = writer == null ? NONE : writer;
        return new ChunkRow(chunk.table(), chunk.number(), host, chunk.index(), chunk.range(), w.rows(), w.crc(),
                hostSum == null ? -1 : hostSum.rows(), hostSum == null ? null : hostSum.crc(), status, note);
    }

    private static <T> Optional<T> await(CompletableFuture<Optional<T>> f, Duration bound)
            throws InterruptedException {
        try {
            return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }
}
