package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.decide.Finding;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The monitor's background work on a schedule beside its rounds: the table checksum ({@code checksum.every}),
 * the lint of the live topology ({@code monitor.lint_period}), the backups ({@code backup.schedule}) and
 * the binlog archive ({@code backup.archive}). Each
 * part exists only when configured; their problems are findings. Thread-safe.
 */
final class Schedules implements AutoCloseable {
    private final ScheduledChecksum checksum;
    private final ScheduledLint lint;
    private final ScheduledBackup backups;
    private final BinlogArchiver archiver;
    /** Findings of the checksum and backup schedules, by their key. */
    private final Map<String, Finding> findings = new ConcurrentHashMap<>();

    /**
     * @param ready  true once the monitor has looked at every host (nothing runs before)
     * @param writer the current writer, if any
     */
    Schedules(RingmasterConfig config, Clock clock, BooleanSupplier ready, Supplier<Optional<String>> writer) {
        this.checksum = config.checksum().enabled() ? new ScheduledChecksum(config, clock, ready, (key, text) ->
                findings.compute(key, (k, was) -> text == null ? null : new Finding.ChecksumDrift(k, text)))
                : null;
        this.backups = ScheduledBackup.wanted(config.backup()) ? new ScheduledBackup(config, clock, ready,
                (key, text) -> findings.compute(key, (k, was) -> text == null ? null
                        : new Finding.BackupProblem(k, text))) : null;
        this.lint = config.monitor().lintPeriod().isZero() ? null : new ScheduledLint(config, ready, writer);
        this.archiver = config.backup().enabled() && config.backup().archive() ? new BinlogArchiver(config, clock,
                ready, writer, (key, text) -> findings.compute(key, (k, was) -> text == null ? null
                        : new Finding.ArchiveProblem(k, text))) : null;
    }

    /** Starts every configured schedule. */
    void start() {
        Optional.ofNullable(checksum).ifPresent(ScheduledChecksum::start);
        Optional.ofNullable(lint).ifPresent(ScheduledLint::start);
        Optional.ofNullable(backups).ifPresent(ScheduledBackup::start);
        Optional.ofNullable(archiver).ifPresent(BinlogArchiver::start);
    }

    /** The current findings of every schedule. */
    List<Finding> findings() {
        List<Finding> out = new ArrayList<>(findings.values());
        Optional.ofNullable(lint).ifPresent(l -> out.addAll(l.findings()));
        return out;
    }

    /** The last scheduled checksum run, or an empty map (none ran, or no schedule). */
    Map<String, Object> lastChecksum() {
        return checksum == null ? Map.of() : checksum.last();
    }

    /** Stops every schedule. Idempotent. */
    @Override
    public void close() {
        Optional.ofNullable(checksum).ifPresent(ScheduledChecksum::close);
        Optional.ofNullable(lint).ifPresent(ScheduledLint::close);
        Optional.ofNullable(backups).ifPresent(ScheduledBackup::close);
        Optional.ofNullable(archiver).ifPresent(BinlogArchiver::close);
    }
}
