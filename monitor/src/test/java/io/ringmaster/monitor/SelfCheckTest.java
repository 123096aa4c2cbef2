package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.RingmasterConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SelfCheckTest {
    private static final long MS = 1_000_000;
    private static final RingmasterConfig CONFIG = TestConfigs.twoMasters("monitor: {check_period: 1s, timeout: 1s}\n");

    private final AtomicLong nanos = new AtomicLong(5_000 * MS);
    private final AtomicLong wallMs = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(wallMs.get());
        }
    };
    private final SelfCheck check = new SelfCheck(CONFIG, clock, nanos::get);

    private void elapse(long ms) {
        nanos.addAndGet(ms * MS);
        wallMs.addAndGet(ms);
    }

    /** The watchdog ticking on time for {@code ms}. */
    private void tickFor(long ms) {
        for (long t = 0; t < ms; t += SelfCheck.TICK_MS) {
            elapse(SelfCheck.TICK_MS);
            check.tick();
        }
    }

    @Test
    void shouldTrustRoundsWhileTheWatchdogTicksOnTime() {
        check.started();
        for (int round = 0; round < 5; round++) {
            tickFor(300); // the checks
            assertThat(check.pauseOrClockJump()).isEmpty();
            check.roundEnded();
            tickFor(1000); // the check period
        }
    }

    @Test
    void shouldDistrustARoundPausedInTheMiddleOfItsChecks() {
        check.started();
        tickFor(1000);
        check.roundEnded();
        tickFor(1000);
        elapse(5000); // SIGSTOP while probing: every thread stalls, then all resume
        check.tick();
        tickFor(200);

        assertThat(check.pauseOrClockJump()).contains("paused or starved for about 4900 ms");
        check.roundEnded();
        tickFor(1300);
        assertThat(check.pauseOrClockJump()).as("the next round is trusted again").isEmpty();
    }

    @Test
    void shouldSeeAPauseTheWatchdogHasNotTickedSinceYet() {
        check.started();
        tickFor(500);
        elapse(3000); // the round thread runs first after SIGCONT

        assertThat(check.pauseOrClockJump()).contains("paused or starved for about 2900 ms");
    }

    @Test
    void shouldNoticeAWallClockJump() {
        check.started();
        check.roundEnded();
        tickFor(1000);
        wallMs.addAndGet(-60_000);

        assertThat(check.pauseOrClockJump()).contains("wall clock jumped by -60000 ms");
    }

    @Test
    void shouldNotCountTheTimeBeforeTheMonitorStarted() {
        elapse(10_000); // constructed, then started much later
        check.started();
        tickFor(500);

        assertThat(check.pauseOrClockJump()).isEmpty();
    }
}
