package io.ringmaster.tools.backup;

import static io.ringmaster.tools.backup.RetentionTest.backup;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.BackupConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupScheduleTest {
    static final BackupConfig CFG = new BackupConfig(Optional.of(Path.of("/r")), Optional.empty(), false,
            Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(1), 7, 4, 6);
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void shouldTakeAFullBackupFirst() {
        assertThat(BackupSchedule.due(CFG, List.of(), NOW)).isEqualTo(BackupSchedule.Step.FULL);
        assertThat(BackupSchedule.due(CFG, List.of(backup("f", "full", null, "2026-12-01T11:00:00Z", "ok")), NOW))
                .isEqualTo(BackupSchedule.Step.FULL);
    }

    @Test
    void shouldTakeAnIncrementalWhenTheNewestBackupIsOlderThanItsPeriod() {
        List<Manifest> all = List.of(backup("f", "full", null, "2026-12-02T09:00:00Z", "ok"),
                backup("i", "incremental", "f", "2026-12-02T10:30:00Z", "never"));
        assertThat(BackupSchedule.due(CFG, all, NOW)).isEqualTo(BackupSchedule.Step.INCREMENTAL);
    }

    @Test
    void shouldVerifyTheNewestUnverifiedBackupOncePerPeriod() {
        BackupConfig weeklyFull = new BackupConfig(CFG.repository(), Optional.empty(), false, Duration.ofDays(7),
                Duration.ZERO, Duration.ofDays(1), 7, 4, 6);
        List<Manifest> all = List.of(backup("f", "full", null, "2026-12-01T13:00:00Z", "ok"),
                backup("i", "full", null, "2026-12-02T11:30:00Z", "never"));
        // f was verified at its start time, yesterday 13:00: the next verify is due at 13:00 today
        assertThat(BackupSchedule.due(weeklyFull, all, NOW)).isEqualTo(BackupSchedule.Step.NONE);
        assertThat(BackupSchedule.due(weeklyFull, all, Instant.parse("2026-12-02T13:05:00Z")))
                .isEqualTo(BackupSchedule.Step.VERIFY);
        assertThat(BackupSchedule.toVerify(all).map(Manifest::id)).contains("i");
    }

    @Test
    void shouldReportOverdueAndFailedVerifications() {
        List<Manifest> all = List.of(backup("f", "full", null, "2026-11-29T12:00:00Z", "failed"));
        assertThat(BackupSchedule.overdue(CFG, all, NOW)).anyMatch(l -> l.startsWith("backup overdue"))
                .anyMatch(l -> l.startsWith("verify overdue")).anyMatch(l -> l.startsWith("verify failed"));
        assertThat(BackupSchedule.overdue(CFG, List.of(backup("g", "full", null, "2026-12-02T11:00:00Z", "ok")), NOW))
                .isEmpty();
    }
}
