package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The monitor's checks of itself before it trusts a round: was it paused, starved or did its clock jump (then the
 * round only looks), and can it reach its own network (MMM's {@code ping_ips}; if not, every state is frozen).
 *
 * <p>Single-threaded: used by the monitor's round thread only.
 */
final class SelfCheck {
    private final RingmasterConfig config;
    private final Clock clock;
    private long lastRoundEndNanos;
    private Instant lastRoundEndWall;

    SelfCheck(RingmasterConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Marks the end of a round; the next round measures the gap from here. */
    void roundEnded() {
        lastRoundEndNanos = System.nanoTime();
        lastRoundEndWall = clock.instant();
    }

    /**
     * Notices a monitor that was paused (SIGSTOP), starved of CPU, or saw its wall clock jump since the last
     * round (HikariCP's housekeeper does the same for its pool): such a round only looks, so stale timers cannot
     * fail a healthy writer over.
     *
     * @return why this round must only look, or "" when it may act
     */
    String pauseOrClockJump() {
        if (lastRoundEndWall == null) {
            return "";
        }
        long monoMs = (System.nanoTime() - lastRoundEndNanos) / 1_000_000;
        long wallMs = Duration.between(lastRoundEndWall, clock.instant()).toMillis();
        long expected = config.monitor().checkPeriod().toMillis();
        if (monoMs > expected * 2 + 1000) {
            return "the monitor was paused or starved for " + monoMs + " ms (expected " + expected + " ms)";
        }
        if (Math.abs(wallMs - monoMs) > 1000) {
            return "the wall clock jumped by " + (wallMs - monoMs) + " ms";
        }
        return "";
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
