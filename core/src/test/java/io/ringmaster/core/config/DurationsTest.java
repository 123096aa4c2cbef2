package io.ringmaster.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shouldReadEveryUnitAndBareSecondsAsMmmWroteThem() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 2m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("0")).isZero();
    }

    @Test
    void shouldRefuseWhatIsNoDurationSayingWhatIsExpected() {
        for (String bad : new String[] {"fast", "-1s", "1w", "1 sec", ".5s", "", "1e3s"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not a duration (use e.g. 500ms, 1s, 1.5s, 2m, 1h, 1d)");
        }
    }

    @Test
    void shouldRefuseMoreThanAYear() {
        assertThatThrownBy(() -> Durations.parse("9000h"))
                .hasMessageContaining("longer than a year");
    }

    @Test
    void shouldFormatInTheLargestExactUnit() {
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Property
    void parseReadsBackWhatFormatWrote(@ForAll @LongRange(min = 0, max = 365L * 24 * 3600 * 1000) long millis) {
        Duration d = Duration.ofMillis(millis);

        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}
