package io.ringmaster.tools.checksum;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Replication lag of one host from the heartbeat table the monitor writes on the writer
 * ({@code heartbeat(server_id, ts_us, host)}, one row per writer, microseconds since the epoch, replicated to
 * every host). Pure and thread-safe.
 *
 * <p>Each host's copy of the writer's row is compared with the writer's own row, so the tool's clock and the
 * monitor's need not agree: lag = writer's ts_us − host's ts_us. When the writer's row is not advancing (no monitor
 * writes it), that difference says nothing for a host that already has the last beat, and lag is 0 for it (the
 * per-chunk GTID wait still holds the tool back); a host behind the last beat has been behind at least since that
 * beat was written, and its lag is now − host's ts_us. A host without the row (it never received a beat, or the
 * table is missing) has unknown lag.
 */
public final class HeartbeatLag {
    private HeartbeatLag() {}

    /**
     * Computes one host's lag.
     *
     * @param writerTsUs      the writer's row on the writer, microseconds; empty when there is no heartbeat
     * @param hostTsUs        the writer's row as found on the host, microseconds; empty when missing
     * @param nowUs           the tool's clock, microseconds since the epoch
     * @param writerAdvancing the writer's row changed recently (a monitor is writing it)
     * @return the lag (never negative), or empty when unknown
     */
    public static java.util.Optional<Duration> lag(OptionalLong writerTsUs, OptionalLong hostTsUs, long nowUs,
                                                   boolean writerAdvancing) {
        if (writerTsUs.isEmpty() || hostTsUs.isEmpty()) {
            return java.util.Optional.empty();
        }
        long writer = writerTsUs.getAsLong();
        long host = hostTsUs.getAsLong();
        long micros;
        if (writerAdvancing) {
            micros = writer - host;
        } else {
            micros = host >= writer ? 0 : nowUs - host;
        }
        return java.util.Optional.of(Duration.ofNanos(Math.max(0, micros) * 1000));
    }

    /**
     * Whether the writer's row is advancing: it changed between two readings, or it is younger than
     * {@code freshness} by the tool's clock.
     *
     * @param previousUs the previous reading, empty at the first
     * @param currentUs  this reading
     * @param nowUs      the tool's clock, microseconds
     * @param freshness  how old a beat may be and still count as current (a few check periods)
     */
    public static boolean advancing(OptionalLong previousUs, long currentUs, long nowUs, Duration freshness) {
        if (previousUs.isPresent() && previousUs.getAsLong() != currentUs) {
            return true;
        }
        return nowUs - currentUs <= freshness.toNanos() / 1000;
    }
}
