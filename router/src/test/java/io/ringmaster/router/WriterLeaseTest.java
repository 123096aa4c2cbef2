package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriterLeaseTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WriterLease lease = new WriterLease(Duration.ofSeconds(2), now::get);

    private void advanceMs(long ms) {
        now.addAndGet(ms * 1_000_000);
    }

    @Test
    void shouldNotBeValidBeforeTheFirstAnswer() {
        assertThat(lease.valid()).isFalse();
        assertThat(lease.silentMillis()).isEqualTo(-1);
    }

    @Test
    void shouldBeValidForItsLengthAfterAnAnswer() {
        lease.renew();
        advanceMs(1999);
        assertThat(lease.valid()).isTrue();
        assertThat(lease.silentMillis()).isEqualTo(1999);
    }

    @Test
    void shouldExpireWhenTheMonitorStaysSilentForTheLeaseLength() {
        lease.renew();
        advanceMs(2000);
        assertThat(lease.valid()).isFalse();
    }

    @Test
    void shouldBeValidAgainAfterALateAnswer() {
        lease.renew();
        advanceMs(5000);
        assertThat(lease.valid()).isFalse();
        lease.renew();
        advanceMs(100);
        assertThat(lease.valid()).isTrue();
    }

    @Test
    void shouldCountFromWhenTheRequestWasSentNotWhenTheAnswerArrived() {
        long asked = now.get();
        advanceMs(1500); // the answer was slow to arrive
        lease.renew(asked);
        advanceMs(600);
        assertThat(lease.valid()).isFalse();
    }

    @Test
    void shouldNotLetAnOlderRequestShortenTheLease() {
        long older = now.get();
        advanceMs(1000);
        lease.renew();
        lease.renew(older);
        advanceMs(1500);
        assertThat(lease.valid()).isTrue();
    }

    @Test
    void shouldCountAcrossTheNanoTimeWrap() {
        now.set(Long.MAX_VALUE - 500_000_000L);
        lease.renew();
        advanceMs(1000);
        assertThat(now.get()).isNegative();
        assertThat(lease.valid()).isTrue();
        advanceMs(1500);
        assertThat(lease.valid()).isFalse();
    }

    @Test
    void shouldRefuseANonPositiveLength() {
        assertThatThrownBy(() -> new WriterLease(Duration.ZERO, now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
