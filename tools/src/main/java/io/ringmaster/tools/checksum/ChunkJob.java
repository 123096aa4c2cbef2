package io.ringmaster.tools.checksum;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One chunk, computed on the writer, handed to every host's worker. When the last host has answered, the
 * completion callback runs once, on that host's worker thread, before it takes its next chunk: so chunks complete
 * in order. Thread-safe.
 */
final class ChunkJob {
    final Chunk chunk;
    final String hostSql;
    final String writerSql;
    final HostSession.Locked writer;
    final double writerMillis;
    final boolean last;
    final String writerName;
    private final List<String> hostOrder;
    private final Map<String, ChunkRow> rows = new ConcurrentHashMap<>();
    private final AtomicInteger remaining;
    private final Consumer<ChunkJob> onComplete;

    /**
     * @param hostSql    the chunk query for hosts (no lock)
     * @param writerSql  the chunk query for the writer (LOCK IN SHARE MODE), for rechecks
     * @param writer     the writer's sum and position; a zero sum with an empty position when the writer could not
     *                   compute it (every host then skips the chunk)
     * @param hostOrder  names of the hosts that will answer, in report order
     */
    ChunkJob(Chunk chunk, String hostSql, String writerSql, HostSession.Locked writer, double writerMillis,
             boolean last, String writerName, List<String> hostOrder, Consumer<ChunkJob> onComplete) {
        this.chunk = chunk;
        this.hostSql = hostSql;
        this.writerSql = writerSql;
        this.writer = writer;
        this.writerMillis = writerMillis;
        this.last = last;
        this.writerName = writerName;
        this.hostOrder = List.copyOf(hostOrder);
        this.remaining = new AtomicInteger(hostOrder.size());
        this.onComplete = onComplete;
    }

    /** The writer's position for this chunk. */
    GtidPosition position() {
        return writer.position();
    }

    /** Records one host's answer; the last one runs the completion callback. */
    void complete(ChunkRow row) {
        if (rows.putIfAbsent(row.host(), row) == null && remaining.decrementAndGet() == 0) {
            onComplete.accept(this);
        }
    }

    /** The writer's row, then one per host in order. */
    List<ChunkRow> rows() {
        List<ChunkRow> out = new ArrayList<>();
        out.add(new ChunkRow(chunk.table(), chunk.number(), writerName, chunk.index(), chunk.range(),
                writer.sum().rows(), writer.sum().crc(), writer.sum().rows(), writer.sum().crc(), ChunkStatus.WRITER,
                ""));
        for (String h : hostOrder) {
            out.add(rows.get(h));
        }
        return out;
    }

    /** A row for a host from the writer's sums and the host's. */
    ChunkRow row(String host, ChunkSum writerSum, ChunkSum hostSum, ChunkStatus status, String note) {
        return new ChunkRow(chunk.table(), chunk.number(), host, chunk.index(), chunk.range(), writerSum.rows(),
                writerSum.crc(), hostSum == null ? -1 : hostSum.rows(), hostSum == null ? null : hostSum.crc(),
                status, note);
    }
}
