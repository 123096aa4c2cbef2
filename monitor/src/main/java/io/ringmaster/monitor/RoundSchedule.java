package io.ringmaster.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the monitor's next round runs: one check period after the last, or {@link #FAST_PERIOD_MS} after it while
 * the last decision found a suspect host (for at most {@link #FAST_PROBING_MAX_MS} of unbroken suspicion, so a
 * lasting partition does not keep the monitor probing ten times a second), or at once when something woke it
 * (the writer watch lost the writer, a command changed the writer). Rounds run one at a time on one named thread.
 *
 * <p>Thread-safe.
 */
final class RoundSchedule {
    private static final Logger log = LoggerFactory.getLogger(RoundSchedule.class);
    /**
     * Time between rounds while a host is suspect (a failed check, or a lost IO thread below the writer), ms: the
     * monitor looks at every host this often until the verdict, instead of once per check period.
     */
    static final long FAST_PERIOD_MS = 100;
    /** Fast rounds stop after this long of unbroken suspicion (a partition that lasts), ms. */
    static final long FAST_PROBING_MAX_MS = 30_000;

    private final Runnable round;
    private final Duration checkPeriod;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor loop;
    private ScheduledFuture<?> next;
    private boolean wakeRequested;
    private Instant suspectSince;

    RoundSchedule(Runnable round, Duration checkPeriod, Clock clock) {
        this.round = round;
        this.checkPeriod = checkPeriod;
        this.clock = clock;
        this.loop = new ScheduledThreadPoolExecutor(1, Threads.named("ringmaster-monitor"));
        this.loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() does not wait for the next
    }

    /** Runs the first round now. */
    synchronized void start() {
        schedule(0);
    }

    /**
     * Called at the end of each round: schedules the next one.
     *
     * @param suspect the round's decision found a suspect host
     */
    synchronized void roundEnded(boolean suspect) {
        Instant now = clock.instant();
        if (!suspect) {
            suspectSince = null;
        } else if (suspectSince == null) {
            suspectSince = now;
        }
        boolean fast = suspect && Duration.between(suspectSince, now).toMillis() < FAST_PROBING_MAX_MS;
        schedule(wakeRequested ? 0 : fast ? FAST_PERIOD_MS : checkPeriod.toMillis());
        wakeRequested = false;
    }

    /** Asks for a round now; a round already running is followed by another at once. */
    synchronized void wake(String why) {
        if (loop.isShutdown()) {
            return;
        }
        suspectSince = null; // something new happened: fast rounds again, even after a long suspicion
        if (next != null && next.getDelay(TimeUnit.MILLISECONDS) > 0 && next.cancel(false)) {
            log.debug("round now: {}", why);
            next = loop.schedule(round, 0, TimeUnit.MILLISECONDS);
        } else {
            wakeRequested = true;
        }
    }

    private void schedule(long delayMs) {
        if (loop.isShutdown()) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = loop.schedule(round, delayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops scheduling and waits for a running round, at most {@code waitMs}; then interrupts it.
     *
     * @return false when the round had to be interrupted
     */
    boolean close(long waitMs) {
        synchronized (this) {
            loop.shutdown();
        }
        try {
            if (!loop.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                loop.shutdownNow();
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            loop.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
