package io.ringmaster.tools.checksum;

import io.ringmaster.core.config.HostConfig;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Holds the checksum back while a host lags (heartbeat, {@link HeartbeatLag}) or is loaded (Threads_running), as
 * pt-table-checksum's --max-lag and --max-load do, but with lag from the heartbeat table rather than
 * Seconds_Behind_Master. Checks at most once per {@code interval}; a pause is bounded by the throttle timeout.
 *
 * <p>Not thread-safe: used by the thread that cuts chunks, with sessions of its own.
 */
final class Throttle implements AutoCloseable {
    /** The pause ran out. */
    static final class TimeoutException extends Exception {
        TimeoutException(String message) {
            super(message);
        }
    }

    private static final Duration POLL = Duration.ofMillis(250);
    private final HostSession writer;
    private final Map<String, HostSession> hosts;
    private final ChecksumOptions options;
    private final long writerServerId;
    private final Duration freshness;
    private final Duration interval;
    private final Clock clock;
    private final Consumer<String> log;
    private OptionalLong previousWriterTs = OptionalLong.empty();
    private long lastCheckNanos;
    private boolean heartbeatMissingLogged;
    private long pausedMillis;

    /**
     * @param writer         a session on the writer
     * @param hosts          a session per compared host
     * @param writerServerId the writer's server_id (the key of its heartbeat row)
     * @param freshness      how old the writer's beat may be and still count as advancing
     */
    Throttle(HostSession writer, Map<String, HostSession> hosts, ChecksumOptions options, long writerServerId,
             Duration freshness, Duration interval, Clock clock, Consumer<String> log) {
        this.writer = writer;
        this.hosts = new LinkedHashMap<>(hosts);
        this.options = options;
        this.writerServerId = writerServerId;
        this.freshness = freshness;
        this.interval = interval;
        this.clock = clock;
        this.log = log;
    }

    /** Total time spent paused. */
    long pausedMillis() {
        return pausedMillis;
    }

    /** Stops watching a host (it failed). */
    void forget(String host) {
        HostSession s = hosts.remove(host);
        if (s != null) {
            s.close();
        }
    }

    /**
     * Returns at once when the last check is recent or every host is within limits; otherwise pauses until they
     * are.
     *
     * @throws TimeoutException when a pause lasts longer than the throttle timeout
     * @throws InterruptedException when interrupted while pausing
     */
    void await() throws TimeoutException, InterruptedException {
        long now = System.nanoTime();
        if (now - lastCheckNanos < interval.toNanos()) {
            return;
        }
        lastCheckNanos = now;
        List<String> reasons = reasons();
        if (reasons.isEmpty()) {
            return;
        }
        long begin = System.nanoTime();
        log.accept("throttle: pausing: " + String.join("; ", reasons));
        long deadline = begin + options.throttleTimeout().toNanos();
        while (!reasons.isEmpty()) {
            if (System.nanoTime() > deadline) {
                pausedMillis += (System.nanoTime() - begin) / 1_000_000;
                throw new TimeoutException("paused longer than --throttle-timeout "
                        + options.throttleTimeout().toSeconds() + " s: " + String.join("; ", reasons));
            }
            Thread.sleep(POLL.toMillis());
            reasons = reasons();
        }
        long waited = (System.nanoTime() - begin) / 1_000_000;
        pausedMillis += waited;
        lastCheckNanos = System.nanoTime();
        log.accept("throttle: resumed after " + waited + " ms");
    }

    /** Why to pause now: one reason per host over a limit; empty when all are within limits. */
    List<String> reasons() {
        List<String> out = new ArrayList<>();
        OptionalLong writerTs = heartbeat(writer);
        long nowUs = clock.millis() * 1000;
        boolean advancing = writerTs.isPresent()
                && HeartbeatLag.advancing(previousWriterTs, writerTs.getAsLong(), nowUs, freshness);
        if (writerTs.isPresent()) {
            previousWriterTs = writerTs;
        } else if (!heartbeatMissingLogged) {
            heartbeatMissingLogged = true;
            log.accept("throttle: no heartbeat row for server_id " + writerServerId + " in "
                    + options.schema() + ".heartbeat on the writer (is the monitor running?); lag is not"
                    + " watched, the per-chunk GTID wait still is");
        }
        load(writer.host(), writer).ifPresent(out::add);
        for (HostSession s : hosts.values()) {
            if (writerTs.isPresent()) {
                Optional<Duration> lag = HeartbeatLag.lag(writerTs, heartbeat(s), nowUs, advancing);
                if (lag.isPresent() && lag.get().compareTo(options.maxLag()) > 0) {
                    out.add(s.host().name() + " lags " + lag.get().toMillis() + " ms (> --max-lag "
                            + options.maxLag().toMillis() + " ms)");
                }
            }
            load(s.host(), s).ifPresent(out::add);
        }
        return out;
    }

    private OptionalLong heartbeat(HostSession s) {
        try {
            String v = s.queryString("SELECT ts_us FROM " + Sql.table(options.schema(), "heartbeat")
                    + " WHERE server_id = " + writerServerId);
            return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
        } catch (SQLException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private Optional<String> load(HostConfig host, HostSession s) {
        try {
            String v = s.queryString("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                    + " WHERE VARIABLE_NAME = 'THREADS_RUNNING'");
            long running = v == null ? 0 : Long.parseLong(v);
            return running > options.maxLoad() ? Optional.of(host.name() + " has Threads_running=" + running
                    + " (> --max-load " + options.maxLoad() + ")") : Optional.empty();
        } catch (SQLException | NumberFormatException e) {
            return Optional.empty(); // an unreachable host shows up in its worker, not here
        }
    }

    @Override
    public void close() {
        writer.close();
        hosts.values().forEach(HostSession::close);
    }
}
