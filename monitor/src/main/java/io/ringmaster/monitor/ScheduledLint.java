package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.tools.lint.Lint;
import io.ringmaster.tools.lint.LintCheck;
import io.ringmaster.tools.lint.LintFinding;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code ringmaster lint}'s checks from inside the monitor every {@code monitor.lint_period} (the first run a few
 * seconds after the monitor has looked at every host) and keeps the violations as {@link Finding.LintViolation}s.
 * A host that cannot be read is left to the monitor's own checks (no finding). Only reads; one run at a time on its
 * own named thread. Lifecycle: {@link #start()} then {@link #close()}. Thread-safe.
 */
final class ScheduledLint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledLint.class);
    /** Delay of the first run after start, and of a retry while the monitor is not ready, ms. */
    static final long FIRST_RUN_MS = 2000;
    private final RingmasterConfig config;
    private final BooleanSupplier ready;
    private final Supplier<Optional<String>> writer;
    private final ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1,
            Threads.named("ringmaster-lint"));
    private volatile List<Finding> findings = List.of();

    /**
     * @param ready  true once the monitor has looked at every host
     * @param writer the monitor's writer now
     */
    ScheduledLint(RingmasterConfig config, BooleanSupplier ready, Supplier<Optional<String>> writer) {
        this.config = config;
        this.ready = ready;
        this.writer = writer;
    }

    void start() {
        executor.schedule(this::runAndReschedule, FIRST_RUN_MS, TimeUnit.MILLISECONDS);
        log.info("lint of every host every {} ms", config.monitor().lintPeriod().toMillis());
    }

    /** The violations of the last run, never null. */
    List<Finding> findings() {
        return findings;
    }

    private void runAndReschedule() {
        long next = config.monitor().lintPeriod().toMillis();
        try {
            if (!ready.getAsBoolean()) {
                next = FIRST_RUN_MS;
                return;
            }
            Lint.Report r = Lint.run(config, writer.get(), config.monitor().actionTimeout());
            List<Finding> now = r.findings().stream().filter(f -> f.check() != LintCheck.UNREACHABLE)
                    .map(ScheduledLint::finding).toList();
            Set<String> before = new HashSet<>(findings.stream().map(Finding::summary).toList());
            now.stream().filter(f -> !before.contains(f.summary()))
                    .forEach(f -> log.warn("{} [{}]: {}", f.summary(), f.code(), f.howToClear()));
            findings = now;
            log.info("lint: {} violation(s) in {} ms", now.size(), r.elapsed().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("lint run failed", e);
        } finally {
            if (!executor.isShutdown()) {
                executor.schedule(this::runAndReschedule, next, TimeUnit.MILLISECONDS);
            }
        }
    }

    static Finding finding(LintFinding f) {
        return new Finding.LintViolation(f.host(), f.check().code(), f.problem(), f.fix());
    }

    /** Stops the schedule; a run in progress is interrupted after 5 s. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("lint still running 5 s after close; interrupting it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
