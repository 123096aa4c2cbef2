package io.ringmaster.tools.backup;

import io.ringmaster.core.config.BackupConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the monitor's backup schedule ({@code backup.schedule}) does next, and what is overdue: pure functions of
 * the repository's manifests, the configuration and the time, table-tested. Stateless.
 */
public final class BackupSchedule {
    private BackupSchedule() {}

    /** The next scheduled step. */
    public enum Step { NONE, FULL, INCREMENTAL, VERIFY }

    /**
     * The step due now: a full backup when none is younger than {@code full}; else an incremental when the newest
     * physical backup is older than {@code incremental}; else a verify when no backup was verified within
     * {@code verify} and one is not verified yet. One step per call, in that order.
     *
     * @param all every backup of the repository
     */
    public static Step due(BackupConfig cfg, List<Manifest> all, Instant now) {
        Optional<Manifest> full = newest(all, Manifest::isFull);
        if (!cfg.fullEvery().isZero() && olderThan(full, cfg.fullEvery(), now)) {
            return Step.FULL;
        }
        Optional<Manifest> physical = newest(all, m -> !m.isLogical());
        if (!cfg.incrementalEvery().isZero() && full.isPresent() && olderThan(physical, cfg.incrementalEvery(), now)) {
            return Step.INCREMENTAL;
        }
        if (!cfg.verifyEvery().isZero() && toVerify(all).isPresent()
                && lastVerified(all).map(t -> Duration.between(t, now).compareTo(cfg.verifyEvery()) >= 0)
                .orElse(true)) {
            return Step.VERIFY;
        }
        return Step.NONE;
    }

    /** The backup a scheduled verify takes: the newest one never verified. */
    public static Optional<Manifest> toVerify(List<Manifest> all) {
        return newest(all, m -> !m.isLogical() && "never".equals(m.verification().status()));
    }

    /**
     * What is overdue, one line each: no successful full backup within twice {@code full}; no verification within
     * twice {@code verify}; the newest backup's verification failed.
     */
    public static List<String> overdue(BackupConfig cfg, List<Manifest> all, Instant now) {
        List<String> out = new ArrayList<>();
        Optional<Manifest> full = newest(all, Manifest::isFull);
        if (!cfg.fullEvery().isZero() && olderThan(full, cfg.fullEvery().multipliedBy(2), now)) {
            out.add("backup overdue: " + full.map(m -> "the newest full backup " + m.id() + " is from "
                    + m.started()).orElse("no full backup in the repository") + " (backup.schedule.full "
                    + cfg.fullEvery() + ")");
        }
        if (!cfg.verifyEvery().isZero() && !all.isEmpty()) {
            Optional<Instant> last = lastVerified(all);
            if (last.isEmpty() || Duration.between(last.get(), now).compareTo(cfg.verifyEvery().multipliedBy(2)) > 0) {
                out.add("verify overdue: " + last.map(t -> "the last verification ended " + t)
                        .orElse("no backup was ever verified") + " (backup.schedule.verify " + cfg.verifyEvery() + ")");
            }
        }
        newest(all, m -> !"never".equals(m.verification().status()))
                .filter(m -> "failed".equals(m.verification().status()))
                .ifPresent(m -> out.add("verify failed: backup " + m.id() + ": " + m.verification().message()));
        return out;
    }

    private static Optional<Instant> lastVerified(List<Manifest> all) {
        return all.stream().map(m -> m.verification().at()).filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder());
    }

    private static boolean olderThan(Optional<Manifest> m, Duration d, Instant now) {
        return m.map(b -> Duration.between(b.started(), now).compareTo(d) >= 0).orElse(true);
    }

    private static Optional<Manifest> newest(List<Manifest> all, java.util.function.Predicate<Manifest> p) {
        return all.stream().filter(p).max(Comparator.comparing(Manifest::started));
    }
}
