package io.ringmaster.monitor;

import io.ringmaster.core.config.BackupConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.sandbox.BackupVerifier;
import io.ringmaster.tools.backup.BackupException;
import io.ringmaster.tools.backup.BackupSchedule;
import io.ringmaster.tools.backup.BackupTaker;
import io.ringmaster.tools.backup.Manifest;
import io.ringmaster.tools.backup.Repository;
import io.ringmaster.tools.backup.Retention;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the backup schedule ({@code backup.schedule}) from inside the monitor: as soon as the monitor is ready,
 * then {@link #TICK_SECONDS} after the start of its last look (or within 2 s of the end of a longer step), it asks
 * {@link BackupSchedule#due} for the next step (full, incremental or verify; one at a time, on its own named
 * thread, never while the monitor is starting), runs it, then applies the retention ({@link Retention#toDelete}:
 * never the last verified full backup nor a parent still needed). A failed step, an overdue backup or verify and a
 * failed verification are findings ({@link io.ringmaster.core.decide.Finding.BackupProblem}) until a later success
 * clears them.
 *
 * <p>Lifecycle: {@link #start()} then {@link #close()}. Thread-safe.
 */
final class ScheduledBackup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledBackup.class);
    static final long TICK_SECONDS = 30;
    /** How often it looks whether the monitor is ready, so that the first step comes soon after it is. */
    private static final long READY_POLL_SECONDS = 2;
    private final RingmasterConfig config;
    private final Clock clock;
    private final BooleanSupplier ready;
    private final BiConsumer<String, String> finding;
    private final Repository repo;
    private final ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1,
            Threads.named("ringmaster-backup"));
    private final Set<String> overdueKeys = new HashSet<>();
    private volatile Map<String, Object> last = Map.of();
    /** When the next evaluation is due (System.nanoTime); 0: at the first tick the monitor is ready. */
    private long nextEvaluationNanos;

    /**
     * @param ready   true once the monitor has looked at every host
     * @param finding sets ({@code text}) or clears ({@code null}) a finding by key
     */
    ScheduledBackup(RingmasterConfig config, Clock clock, BooleanSupplier ready, BiConsumer<String, String> finding) {
        this.config = config;
        this.clock = clock;
        this.ready = ready;
        this.finding = finding;
        this.repo = new Repository(config.backup().requireRepository());
    }

    /** True when the configuration schedules anything. */
    static boolean wanted(BackupConfig b) {
        return b.enabled() && !(b.fullEvery().isZero() && b.incrementalEvery().isZero() && b.verifyEvery().isZero());
    }

    void start() {
        executor.scheduleWithFixedDelay(this::tick, READY_POLL_SECONDS, READY_POLL_SECONDS, TimeUnit.SECONDS);
        BackupConfig b = config.backup();
        log.info("backup schedule: full every {}, incremental every {}, verify every {}; keep {} daily, {} weekly, "
                        + "{} monthly in {}", b.fullEvery(), b.incrementalEvery(), b.verifyEvery(), b.keepDaily(),
                b.keepWeekly(), b.keepMonthly(), repo.backups());
    }

    /** The last step: {@code {"step", "finished", "ok", "id", "message"}}; empty before. */
    Map<String, Object> last() {
        return last;
    }

    /** Runs on the schedule's one thread: evaluates every {@link #TICK_SECONDS}, the first time once ready. */
    private void tick() {
        if (!ready.getAsBoolean()) {
            return;
        }
        long now = System.nanoTime();
        if (nextEvaluationNanos != 0 && now - nextEvaluationNanos < 0) {
            return;
        }
        nextEvaluationNanos = now + TimeUnit.SECONDS.toNanos(TICK_SECONDS);
        try {
            List<Manifest> all = repo.list();
            BackupSchedule.Step step = BackupSchedule.due(config.backup(), all, clock.instant());
            if (step != BackupSchedule.Step.NONE) {
                run(step, all);
                all = repo.list();
            }
            retain(all);
            overdue(repo.list());
        } catch (IOException e) {
            finding.accept("backup-failed", "backup repository " + repo.backups() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            finding.accept("backup-failed", "backup schedule: " + e);
            log.error("backup schedule", e);
        }
    }

    private void run(BackupSchedule.Step step, List<Manifest> all) throws InterruptedException {
        String key = step == BackupSchedule.Step.VERIFY ? "verify-failed" : "backup-failed";
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", step.name().toLowerCase(java.util.Locale.ROOT));
        try {
            String id;
            String message;
            if (step == BackupSchedule.Step.VERIFY) {
                Manifest target = BackupSchedule.toVerify(all).orElseThrow();
                Manifest m = new BackupVerifier(config, line -> log.info("scheduled {}", line), clock)
                        .verify(target.id(), 0, null);
                id = m.id();
                message = m.verification().status() + ": " + m.verification().message();
            } else {
                Manifest m = new BackupTaker(config, line -> log.info("scheduled {}", line), clock).take(
                        new BackupTaker.Options(Optional.empty(), step == BackupSchedule.Step.INCREMENTAL, false, 2));
                id = m.id();
                message = "stored " + m.storedBytes() + " bytes, consistent at " + m.gtidPosition();
            }
            finding.accept(key, null);
            out.put("ok", true);
            out.put("id", id);
            out.put("message", message);
        } catch (BackupException e) {
            finding.accept(key, "scheduled " + out.get("step") + " failed: " + e.getMessage());
            log.error("scheduled {} failed: {}", out.get("step"), e.getMessage());
            out.put("ok", false);
            out.put("message", e.getMessage());
        }
        out.put("finished", Instant.now(clock).toString());
        last = out;
    }

    private void retain(List<Manifest> all) {
        BackupConfig b = config.backup();
        for (Manifest m : Retention.toDelete(all, b.keepDaily(), b.keepWeekly(), b.keepMonthly())) {
            try {
                log.info("retention: deleting backup {} of {} (keep {} daily, {} weekly, {} monthly)", m.id(),
                        m.started(), b.keepDaily(), b.keepWeekly(), b.keepMonthly());
                repo.delete(m.id());
            } catch (IOException e) {
                finding.accept("backup-failed", "retention cannot delete " + m.id() + ": " + e.getMessage());
            }
        }
    }

    private void overdue(List<Manifest> all) {
        Map<String, String> now = new LinkedHashMap<>();
        for (String line : BackupSchedule.overdue(config.backup(), all, clock.instant())) {
            now.put(line.startsWith("verify overdue") ? "verify-overdue" : line.startsWith("verify failed")
                    ? "verify-verdict" : "backup-overdue", line);
        }
        synchronized (overdueKeys) {
            for (String k : overdueKeys) {
                if (!now.containsKey(k)) {
                    finding.accept(k, null);
                }
            }
            overdueKeys.clear();
            overdueKeys.addAll(now.keySet());
        }
        now.forEach(finding);
    }

    /** Stops the schedule; a step in progress is interrupted after a bounded wait. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("scheduled backup still running after 30 s; interrupting it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
