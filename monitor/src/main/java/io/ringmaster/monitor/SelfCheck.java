package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The monitor's checks of itself before it trusts a round: was it paused, starved or did its clock jump (then the
 * round's observations are dropped and the next round looks again), and can it reach its own network (MMM's
 * {@code ping_ips}; if not, every state is frozen).
 *
 * <p>Pauses are caught by a watchdog that ticks every {@value #TICK_MS} ms and records how late each tick came, as
 * jHiccup does (https://github.com/giltene/jHiccup): a SIGSTOP or a starved JVM stalls every thread, so a late
 * tick shows the stall wherever the round thread was at the time, including in the middle of its checks, where
 * the stall itself would turn into check timeouts.
 *
 * <p>Thread-safety: {@link #tick()} runs on the watchdog thread; the other methods on the round thread only.
 */
final class SelfCheck {
    /** How often the watchdog ticks, ms. */
    static final long TICK_MS = 100;
    /** A tick this much later than due, ms, counts as a pause; well under any sane check timeout. */
    static final long HICCUP_MS = 1000;

    private final RingmasterConfig config;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final AtomicLong lastTickNanos;
    private final AtomicLong worstHiccupMs = new AtomicLong();
    private long lastRoundEndNanos;
    private Instant lastRoundEndWall;

    SelfCheck(RingmasterConfig config, Clock clock) {
        this(config, clock, System::nanoTime);
    }

    /** For tests: {@code nanoTime} stands in for {@link System#nanoTime()}. */
    SelfCheck(RingmasterConfig config, Clock clock, LongSupplier nanoTime) {
        this.config = config;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.lastTickNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** Starts the watchdog's count afresh; call just before the ticks start. */
    void started() {
        lastTickNanos.set(nanoTime.getAsLong());
        worstHiccupMs.set(0);
    }

    /** The watchdog's tick, due every {@link #TICK_MS} ms: records how late it came. */
    void tick() {
        long now = nanoTime.getAsLong();
        long lateMs = (now - lastTickNanos.getAndSet(now)) / 1_000_000 - TICK_MS;
        worstHiccupMs.accumulateAndGet(lateMs, Math::max);
    }

    /** Marks the end of a round; the next round measures the gap from here. */
    void roundEnded() {
        lastRoundEndNanos = nanoTime.getAsLong();
        lastRoundEndWall = clock.instant();
    }

    /**
     * Notices a monitor that was paused (SIGSTOP), starved of CPU, or saw its wall clock jump since the last call
     * (HikariCP's housekeeper does the same for its pool). Call it after a round's checks: a round for which it
     * answers must not act on what it saw, so stale timers and stalled checks cannot fail a healthy writer over.
     *
     * @return why this round's observations cannot be trusted, or "" when they can
     */
    String pauseOrClockJump() {
        long now = nanoTime.getAsLong();
        long pendingMs = (now - lastTickNanos.get()) / 1_000_000 - TICK_MS; // a stall the watchdog has not seen yet
        long hiccupMs = Math.max(worstHiccupMs.getAndSet(0), pendingMs);
        if (hiccupMs > HICCUP_MS) {
            return "the monitor was paused or starved for about " + hiccupMs + " ms";
        }
        if (lastRoundEndWall == null) {
            return "";
        }
        long monoMs = (now - lastRoundEndNanos) / 1_000_000;
        long wallMs = Duration.between(lastRoundEndWall, clock.instant()).toMillis();
        long expected = config.monitor().checkPeriod().toMillis() + checkBoundMs();
        if (monoMs > expected + HICCUP_MS) {
            return "the monitor was paused or starved: " + monoMs + " ms since the last round (expected at most "
                    + expected + " ms)";
        }
        if (Math.abs(wallMs - monoMs) > HICCUP_MS) {
            return "the wall clock jumped by " + (wallMs - monoMs) + " ms";
        }
        return "";
    }

    /** The longest a round's checks may take, ms: every host is checked concurrently within this bound. */
    long checkBoundMs() {
        return config.monitor().checkTimeout().toMillis() * 4 + 500;
    }

    /**
     * MMM's ping_ips: TCP connects to each target (bounded by the check timeout) until one answers.
     *
     * @return "" when one answers or none is configured, else why the monitor distrusts its own network
     */
    String networkCheck() {
        List<String> targets = config.safety().pingTargets();
        if (targets.isEmpty()) {
            return "";
        }
        for (String t : targets) {
            int colon = t.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(t.substring(0, colon).replace("[", "").replace("]", ""),
                        Integer.parseInt(t.substring(colon + 1))), (int) config.monitor().checkTimeout().toMillis());
                return "";
            } catch (IOException | RuntimeException e) {
                // try the next one
            }
        }
        return "network check failed: none of ping_ips " + targets + " answers";
    }
}
