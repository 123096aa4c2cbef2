package io.ringmaster.monitor;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.tools.archive.ArchiveChain;
import io.ringmaster.tools.archive.ArchiveIndex;
import io.ringmaster.tools.archive.ArchiveRetention;
import io.ringmaster.tools.archive.ArchivedFile;
import io.ringmaster.tools.archive.ArchiveStatus;
import io.ringmaster.tools.archive.BinlogStreamer;
import io.ringmaster.tools.backup.Manifest;
import io.ringmaster.tools.backup.Repository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the binlog archive (config {@code backup.repository} with {@code backup.archive}) from inside the monitor:
 * every second, on its own named thread, follows the writer role's holder with a {@link BinlogStreamer} and
 * reports findings: {@code archive-gap} when the archive has a gap, {@code archive-stalled} when the stream has
 * been down, or has not advanced while the writer has, for {@link #STALL} or more. Every {@link #PRUNE_EVERY} it
 * removes the archived files no backup of the repository needs any more ({@link ArchiveRetention}), so the archive
 * follows the backups' retention instead of growing without end.
 *
 * <p>Lifecycle: {@link #start()} then {@link #close()}. Thread-safe.
 */
final class BinlogArchiver implements AutoCloseable {
    /** How long the archive may lag without moving before it is a finding. */
    static final Duration STALL = Duration.ofSeconds(30);
    /** How often the archive is checked for files no backup needs. */
    static final Duration PRUNE_EVERY = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(BinlogArchiver.class);
    private final Repository repository;
    private Instant lastPrune;
    private boolean pruneHeld;
    private final BinlogStreamer streamer;
    private final ArchiveIndex index;
    private final Supplier<Optional<String>> writer;
    private final BooleanSupplier ready;
    private final BiConsumer<String, String> finding;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
            Threads.named("ringmaster-archiver"));
    private String lastArchived = "";
    private Instant lastProgress;
    private volatile ArchiveStatus last;

    BinlogArchiver(RingmasterConfig config, Clock clock, BooleanSupplier ready, Supplier<Optional<String>> writer,
                   BiConsumer<String, String> finding) {
        this.index = new ArchiveIndex(config.backup().requireRepository());
        this.repository = new Repository(config.backup().requireRepository());
        // the stream's own server_id: above any a sandbox or bootstrap gives, and the same for one cluster
        long dumpId = 4_000_000_000L + Math.floorMod(config.cluster().hashCode(), 100_000);
        this.streamer = new BinlogStreamer(index, config.hosts(), config.monitorUser(), config.replicationUser(),
                config.monitor().actionTimeout(), dumpId, clock);
        this.writer = writer;
        this.ready = ready;
        this.finding = finding;
        this.clock = clock;
        this.lastProgress = clock.instant();
    }

    void start() {
        executor.scheduleWithFixedDelay(this::tick, 1000, 1000, TimeUnit.MILLISECONDS);
        log.info("binlog archive into {}", index.dir());
    }

    /** The last status, or null before the first tick. */
    ArchiveStatus last() {
        return last;
    }

    private void tick() {
        if (!ready.getAsBoolean()) {
            return;
        }
        try {
            ArchiveStatus st = streamer.tick(writer.get());
            last = st;
            Instant now = clock.instant();
            if (!st.archived().equals(lastArchived) || st.lagTransactions() == 0) {
                lastArchived = st.archived();
                lastProgress = now;
            }
            boolean stalled = !st.writer().isEmpty() && Duration.between(lastProgress, now).compareTo(STALL) >= 0;
            finding.accept("archive-stalled", stalled ? "binlog archive stalled for "
                    + Duration.between(lastProgress, now).toSeconds() + " s behind writer " + st.writer() + " ("
                    + st.lagTransactions() + " transaction(s) behind" + (st.error().isEmpty() ? "" : "; " + st.error())
                    + ")" : null);
            if (lastPrune == null || Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
                lastPrune = now;
                prune();
            }
            List<ArchiveChain.Gap> gaps = index.chain().gaps();
            finding.accept("archive-gap", gaps.isEmpty() ? null : "binlog archive has " + gaps.size() + " gap(s): "
                    + gaps.get(0) + (gaps.size() > 1 ? ", ..." : ""));
        } catch (Exception e) {
            log.warn("binlog archive: {}", e.toString());
            finding.accept("archive-stalled", "binlog archive failing: " + e.getMessage());
        }
    }

    /**
     * Removes the archived files every backup of the repository is past (none while it holds no backup). Nothing is
     * removed while a backup folder has no readable manifest (e.g. written by another user): its position is
     * unknown, and the files it needs could go.
     */
    private void prune() throws java.io.IOException {
        List<Manifest> backups = repository.list();
        long folders;
        try (var dirs = java.nio.file.Files.list(repository.backups())) {
            folders = dirs.filter(java.nio.file.Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().startsWith(".")).count();
        } catch (java.nio.file.NoSuchFileException e) {
            folders = 0;
        }
        if (folders != backups.size()) {
            if (!pruneHeld) {
                pruneHeld = true;
                log.warn("binlog archive retention held: {} backup folder(s) in {} but {} readable manifest(s); "
                        + "nothing is removed until every manifest can be read", folders, repository.backups(),
                        backups.size());
            }
            return;
        }
        pruneHeld = false;
        List<GtidPosition> positions = backups.stream().map(m -> GtidPosition.parse(m.gtidPosition() == null ? ""
                : m.gtidPosition())).toList();
        List<ArchivedFile> drop = ArchiveRetention.prunable(index.load(), positions);
        if (drop.isEmpty()) {
            return;
        }
        long freed = index.prune(drop);
        log.info("binlog archive retention: removed {} file(s), {} bytes, {} .. {} (every one of the {} backup(s) in "
                + "the repository is past them)", drop.size(), freed, drop.get(0).file(),
                drop.get(drop.size() - 1).file(), backups.size());
    }

    /** Stops the stream; a tick in progress finishes first (bounded wait). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("binlog archiver still running after 30 s; interrupting it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        streamer.close();
    }
}
