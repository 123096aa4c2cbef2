package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HeartbeatLagTest {
    private static final long NOW = 1_000_000_000_000L;

    @Test
    void shouldMeasureLagAgainstTheWritersOwnRowWhileItAdvances() {
        // the tool's clock is far off: it does not matter while the writer's row advances
        assertThat(HeartbeatLag.lag(OptionalLong.of(5_000_000), OptionalLong.of(2_000_000), NOW, true))
                .contains(Duration.ofSeconds(3));
        assertThat(HeartbeatLag.lag(OptionalLong.of(5_000_000), OptionalLong.of(6_000_000), NOW, true))
                .contains(Duration.ZERO);
    }

    @Test
    void shouldUseTheClockForAHostBehindAStoppedHeartbeat() {
        assertThat(HeartbeatLag.lag(OptionalLong.of(NOW - 10_000_000), OptionalLong.of(NOW - 12_000_000), NOW, false))
                .contains(Duration.ofSeconds(12));
        // caught up with the last beat of a stopped heartbeat: nothing to wait for
        assertThat(HeartbeatLag.lag(OptionalLong.of(NOW - 10_000_000), OptionalLong.of(NOW - 10_000_000), NOW, false))
                .contains(Duration.ZERO);
    }

    @Test
    void shouldNotKnowTheLagWithoutRows() {
        assertThat(HeartbeatLag.lag(OptionalLong.empty(), OptionalLong.of(1), NOW, true)).isEqualTo(Optional.empty());
        assertThat(HeartbeatLag.lag(OptionalLong.of(1), OptionalLong.empty(), NOW, true)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldCallTheWritersRowAdvancingWhenItChangedOrIsFresh() {
        Duration fresh = Duration.ofSeconds(5);
        assertThat(HeartbeatLag.advancing(OptionalLong.of(1), 2, NOW, fresh)).isTrue();
        assertThat(HeartbeatLag.advancing(OptionalLong.empty(), NOW - 4_000_000, NOW, fresh)).isTrue();
        assertThat(HeartbeatLag.advancing(OptionalLong.of(NOW - 6_000_000), NOW - 6_000_000, NOW, fresh)).isFalse();
    }
}
