package io.ringmaster.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code backup:} section: where backups and the binary log archive are kept, which host backups are taken
 * from, the monitor's schedule and the retention. Immutable and thread-safe.
 *
 * <pre>
 * backup:
 *   repository: /var/backups/ringmaster   # one folder per backup, plus the binlog archive
 *   from: db4                              # default: a replica, else the passive master; never the writer
 *   archive: true                          # stream the writer's binary logs into the repository
 *   schedule: { full: 1d, incremental: 1h, verify: 1d }   # 0s (the default) turns one off
 *   retention: { daily: 7, weekly: 4, monthly: 6 }
 * </pre>
 *
 * @param repository        the repository's directory; empty when the section is absent (backups are off)
 * @param from              the host backups are taken from by default; empty: the monitor chooses
 * @param archive           whether the monitor archives the writer's binary logs into the repository
 * @param fullEvery         time between scheduled full backups; zero: none scheduled
 * @param incrementalEvery  time between scheduled incremental backups; zero: none scheduled
 * @param verifyEvery       time between scheduled verifications of the newest unverified backup; zero: none
 * @param keepDaily         full backups kept, the newest of each of the last N days
 * @param keepWeekly        full backups kept, the newest of each of the last N weeks
 * @param keepMonthly       full backups kept, the newest of each of the last N months
 */
public record BackupConfig(Optional<Path> repository, Optional<String> from, boolean archive, Duration fullEvery,
                           Duration incrementalEvery, Duration verifyEvery, int keepDaily, int keepWeekly,
                           int keepMonthly) {
    public BackupConfig {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fullEvery, "fullEvery");
        Objects.requireNonNull(incrementalEvery, "incrementalEvery");
        Objects.requireNonNull(verifyEvery, "verifyEvery");
    }

    /** No backup section: no repository, nothing scheduled, nothing archived. */
    public static BackupConfig none() {
        return new BackupConfig(Optional.empty(), Optional.empty(), false, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, 7, 4, 6);
    }

    /** True when a repository is configured. */
    public boolean enabled() {
        return repository.isPresent();
    }

    /**
     * The repository's directory.
     *
     * @throws IllegalStateException when the configuration has no {@code backup.repository}
     */
    public Path requireRepository() {
        return repository.orElseThrow(() -> new IllegalStateException(
                "backup.repository: missing (required for backups, the binlog archive and restores)"));
    }
}
