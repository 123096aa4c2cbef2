package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChunkSizerTest {
    @Test
    void shouldStartWithTheGivenSizeThenAimAtTheTargetTime() {
        ChunkSizer s = new ChunkSizer(Duration.ofMillis(500), 1000, 1, 1_000_000);
        assertThat(s.nextRows()).isEqualTo(1000);
        s.record(1000, Duration.ofMillis(10)); // 100k rows/s
        assertThat(s.nextRows()).isEqualTo(50_000);
    }

    @Test
    void shouldWeighThePastThreeQuarters() {
        ChunkSizer s = new ChunkSizer(Duration.ofSeconds(1), 1000, 1, 1_000_000);
        s.record(1000, Duration.ofMillis(10));   // 100k/s
        s.record(1000, Duration.ofMillis(100));  // 10k/s: 0.75 * 100k + 0.25 * 10k = 77.5k
        assertThat(s.nextRows()).isEqualTo(77_500);
    }

    @Test
    void shouldStayWithinBoundsAndIgnoreEmptyChunks() {
        ChunkSizer s = new ChunkSizer(Duration.ofMillis(500), 100, 10, 200);
        s.record(0, Duration.ofSeconds(5));
        assertThat(s.nextRows()).isEqualTo(100);
        s.record(100, Duration.ofNanos(1));
        assertThat(s.nextRows()).isEqualTo(200);
        ChunkSizer slow = new ChunkSizer(Duration.ofMillis(500), 100, 10, 200);
        slow.record(100, Duration.ofSeconds(100));
        assertThat(slow.nextRows()).isEqualTo(10);
    }

    @Test
    void shouldRefuseInconsistentSizes() {
        assertThatThrownBy(() -> new ChunkSizer(Duration.ZERO, 1, 1, 1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new ChunkSizer(Duration.ofSeconds(1), 5, 10, 100)).hasMessageContaining("min");
    }
}
