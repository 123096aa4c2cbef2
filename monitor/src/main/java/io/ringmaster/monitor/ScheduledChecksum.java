package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.checksum.Checksum;
import io.ringmaster.tools.checksum.ChecksumException;
import io.ringmaster.tools.checksum.ChecksumOptions;
import io.ringmaster.tools.checksum.ChecksumResult;
import io.ringmaster.tools.checksum.ChunkRow;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code ringmaster checksum} on the configured schedule ({@code checksum.every}) from inside the monitor and
 * reports drift as a finding ({@code checksum-drift}), or a failed run as {@code checksum-failed}. Runs on its own
 * named thread, one at a time, never while the monitor is starting; the checksum's own named lock on the writer
 * keeps it apart from an operator's run.
 *
 * <p>Lifecycle: {@link #start()} then {@link #close()}. Thread-safe.
 */
final class ScheduledChecksum implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledChecksum.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final BooleanSupplier ready;
    private final BiConsumer<String, String> finding;
    private final ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1,
            Threads.named("ringmaster-checksum"));
    private volatile Checksum running;
    private volatile Map<String, Object> last = Map.of();

    /**
     * @param ready   true once the monitor has looked at every host
     * @param finding sets ({@code text}) or clears ({@code null}) a finding by key
     */
    ScheduledChecksum(RingmasterConfig config, Clock clock, BooleanSupplier ready, BiConsumer<String, String> finding) {
        this.config = config;
        this.clock = clock;
        this.ready = ready;
        this.finding = finding;
    }

    void start() {
        long every = config.checksum().every().toMillis();
        executor.scheduleWithFixedDelay(this::runOnce, every, every, TimeUnit.MILLISECONDS);
        log.info("scheduled checksum every {} ms of {}", every,
                config.checksum().databases().isEmpty() ? "every schema" : config.checksum().databases());
    }

    /** The last run: {@code {"runId", "finished", "differences", "hosts", "differingByHost", "tables", "exitCode"}}; empty before. */
    Map<String, Object> last() {
        return last;
    }

    private void runOnce() {
        if (!ready.getAsBoolean()) {
            return;
        }
        ChecksumOptions options = ChecksumOptions.defaults()
                .withTables(Set.copyOf(config.checksum().databases()), Set.of());
        Checksum c = new Checksum(config, options, line -> log.info("scheduled checksum: {}", line), (k, r) -> { },
                clock);
        running = c;
        try {
            ChecksumResult r = c.run();
            Set<String> hosts = new TreeSet<>();
            Set<String> tables = new TreeSet<>();
            Map<String, Integer> perHost = new java.util.TreeMap<>();
            for (ChunkRow d : r.differences()) {
                hosts.add(d.host());
                perHost.merge(d.host(), 1, Integer::sum);
                tables.add(d.table().toString());
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("runId", r.runId());
            summary.put("finished", Instant.now(clock).toString());
            summary.put("differences", r.differences().size());
            summary.put("hosts", hosts);
            summary.put("differingByHost", perHost);
            summary.put("tables", tables);
            summary.put("exitCode", r.exitCode());
            last = summary;
            finding.accept("checksum-failed", null);
            if (r.differences().isEmpty()) {
                finding.accept("checksum-drift", null);
                log.info("scheduled checksum run {}: no drift ({} ms)", r.runId(), r.elapsed().toMillis());
            } else {
                String text = "checksum drift: " + r.differences().size() + " differing chunk(s) in " + tables
                        + " on " + hosts + " (run " + r.runId() + "; `ringmaster sync --table T --to HOST` repairs)";
                finding.accept("checksum-drift", text);
                log.error(text);
            }
        } catch (ChecksumException e) {
            finding.accept("checksum-failed", "scheduled checksum failed: " + e.getMessage());
            log.error("scheduled checksum failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            finding.accept("checksum-failed", "scheduled checksum failed: " + e);
            log.error("scheduled checksum failed", e);
        } finally {
            running = null;
        }
    }

    /** Stops the schedule; a run in progress stops after its current chunk (bounded wait). */
    @Override
    public void close() {
        Checksum c = running;
        if (c != null) {
            c.requestStop();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("scheduled checksum still running after 30 s; interrupting it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
