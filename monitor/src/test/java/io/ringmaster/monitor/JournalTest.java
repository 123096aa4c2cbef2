package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldBlockASecondAutomaticFailoverWithinThePeriodUntilAcknowledged(@TempDir Path dir) throws Exception {
        Journal j = new Journal(dir.resolve("state.json"));
        assertThat(j.blockedBecause(T0, Duration.ofHours(1))).isEmpty();

        j.automaticFailover("F-1", T0);

        assertThat(j.blockedBecause(T0.plusSeconds(60), Duration.ofHours(1))).hasValueSatisfying(
                why -> assertThat(why).contains("F-1").contains("ringmaster acknowledge"));
        assertThat(j.blockedBecause(T0.plusSeconds(3600), Duration.ofHours(1))).isEmpty();
        assertThat(j.blockedBecause(T0.plusSeconds(60), Duration.ZERO)).isEmpty();
        assertThat(j.acknowledge()).isEqualTo("acknowledged F-1");
        assertThat(j.blockedBecause(T0.plusSeconds(60), Duration.ofHours(1))).isEmpty();
    }

    @Test
    void shouldKeepTheBlockAndTheAuditAcrossARestart(@TempDir Path dir) throws Exception {
        Journal j = new Journal(dir.resolve("state.json"));
        j.automaticFailover("F-7", T0);
        j.audit(Map.of("id", "F-7", "kind", "FAILOVER"));
        j.audit(Map.of("id", "S-8", "kind", "SWITCHOVER"));

        Journal again = new Journal(dir.resolve("state.json"));

        assertThat(again.blockedBecause(T0.plusSeconds(1), Duration.ofHours(1))).isPresent();
        assertThat(again.history(10)).extracting(m -> m.get("id")).containsExactly("F-7", "S-8");
        assertThat(again.history(1)).extracting(m -> m.get("id")).containsExactly("S-8");
    }
}
