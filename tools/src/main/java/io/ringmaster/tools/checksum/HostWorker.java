package io.ringmaster.tools.checksum;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Computes chunks on one host, one at a time in the order given, on a thread of its own ({@code checksum-HOST}):
 * waits until the host has applied the writer's position for the chunk (MASTER_GTID_WAIT, bounded), runs the same
 * chunk query as one consistent read, compares. A differing chunk is computed again on the writer (locking, new
 * position) and on the host up to {@code retries} times, to rule out writes that landed between the two reads; it
 * is reported only when it still differs, or at once when nothing moved in between.
 *
 * <p>The queue is bounded: the writer's thread blocks when this host falls {@value #QUEUE} chunks behind.
 * A host that becomes unreachable, or whose replication stops, is given up for the rest of the run: its remaining
 * chunks are marked skipped with the reason. Thread-safe for {@link #submit} and {@link #close}.
 */
final class HostWorker implements AutoCloseable {
    static final int QUEUE = 4;

    /** A worker took no chunk for longer than its chunks may take. */
    static final class StuckException extends Exception {
        StuckException(String message) {
            super(message);
        }
    }

    private final HostConfig host;
    private final HostConfig writerHost;
    private final Credentials account;
    private final ChecksumOptions options;
    private final Duration socketTimeout;
    private final Consumer<String> log;
    private final Set<ExitStatus> outcomes;
    private final BlockingQueue<Optional<ChunkJob>> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private final PositionWaiter waiter;
    private HostSession session;
    private HostSession writerSession;
    private GtidPosition reached = GtidPosition.empty();
    private volatile String givenUp;

    /**
     * @param session  an open session on the host, owned by the worker from now on
     * @param outcomes where the worker adds ERROR or REPLICATION_STOPPED (a concurrent set)
     */
    HostWorker(HostSession session, HostConfig writerHost, Credentials account, ChecksumOptions options,
               Duration socketTimeout, Consumer<String> log, Set<ExitStatus> outcomes, PositionWaiter waiter) {
        this.waiter = waiter;
        this.session = session;
        this.host = session.host();
        this.writerHost = writerHost;
        this.account = account;
        this.options = options;
        this.socketTimeout = socketTimeout;
        this.log = log;
        this.outcomes = outcomes;
        this.thread = new Thread(this::loop, "checksum-" + host.name());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A set usable as {@code outcomes}. */
    static Set<ExitStatus> outcomeSet() {
        return ConcurrentHashMap.newKeySet();
    }

    String name() {
        return host.name();
    }

    /** Why this host was given up, or null. */
    String givenUp() {
        return givenUp;
    }

    /**
     * Queues a chunk, blocking while the queue is full, at most as long as the chunks ahead of it may take.
     *
     * @throws StuckException when the worker made no room in that time: the run stops
     */
    void submit(ChunkJob job) throws InterruptedException, StuckException {
        Duration bound = writerBound().plus(options.waitTimeout()).plus(options.queryTimeout())
                .multipliedBy(QUEUE);
        if (!queue.offer(Optional.of(job), bound.toMillis(), TimeUnit.MILLISECONDS)) {
            outcomes.add(ExitStatus.ERROR);
            throw new StuckException(host.name() + ": its checksum worker made no progress for "
                    + bound.toSeconds() + " s");
        }
    }

    private void loop() {
        try {
            while (true) {
                Optional<ChunkJob> next = queue.take();
                if (next.isEmpty()) {
                    return;
                }
                ChunkJob job = next.get();
                ChunkRow row;
                try {
                    row = process(job);
                } catch (RuntimeException e) {
                    outcomes.add(ExitStatus.ERROR);
                    row = job.row(host.name(), null, null, ChunkStatus.ERROR, "internal error: " + e);
                }
                try {
                    job.complete(row);
                } catch (RuntimeException e) {
                    outcomes.add(ExitStatus.ERROR);
                    log.accept(host.name() + ": storing chunk " + job.chunk.number() + " of " + job.chunk.table()
                            + " failed: " + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ChunkRow process(ChunkJob job) throws InterruptedException {
        if (givenUp != null) {
            return job.row(host.name(), null, null, ChunkStatus.SKIPPED, givenUp);
        }
        Optional<GtidPosition> pos = job.awaitPosition(writerBound());
        if (pos.isEmpty()) {
            return job.row(host.name(), null, null, ChunkStatus.SKIPPED, "the writer could not compute this chunk");
        }
        for (int attempt = 0; ; attempt++) {
            try {
                return compare(job, pos.get());
            } catch (SQLException e) {
                if (!SqlErrors.isConnectionProblem(e) || attempt > 0) {
                    ChunkSum w = job.awaitWriterSum(writerBound()).orElse(null);
                    if (SqlErrors.isConnectionProblem(e)) {
                        giveUp("unreachable: " + SqlErrors.describe(e), ExitStatus.ERROR);
                        return job.row(host.name(), w, null, ChunkStatus.SKIPPED, givenUp);
                    }
                    outcomes.add(ExitStatus.CHUNK_SKIPPED);
                    return job.row(host.name(), w, null, ChunkStatus.ERROR, SqlErrors.describe(e));
                }
                log.accept(host.name() + ": connection lost (" + SqlErrors.describe(e) + "); reconnecting");
                if (!reconnect()) {
                    return job.row(host.name(), job.awaitWriterSum(writerBound()).orElse(null), null,
                            ChunkStatus.SKIPPED, givenUp);
                }
            }
        }
    }

    private ChunkRow compare(ChunkJob job, GtidPosition pos) throws SQLException, InterruptedException {
        if (!waitFor(pos)) {
            String reason = skipReason(pos);
            return job.row(host.name(), job.awaitWriterSum(writerBound()).orElse(null), null, ChunkStatus.SKIPPED,
                    reason);
        }
        boolean withSum = job.chunk.rowsMayRepeat();
        ChunkSum mine = session.checksum(job.hostSql, withSum, options.queryTimeout());
        Optional<ChunkSum> writerResult = job.awaitWriterSum(writerBound());
        if (writerResult.isEmpty()) {
            return job.row(host.name(), null, mine, ChunkStatus.SKIPPED, "the writer could not compute this chunk");
        }
        ChunkSum writerSum = writerResult.get();
        if (mine.equals(writerSum)) {
            return job.row(host.name(), writerSum, mine, ChunkStatus.SAME, "");
        }
        for (int retry = 1; retry <= options.retries(); retry++) {
            HostSession.Locked again;
            try {
                again = writerSession().checksumLocked(job.writerSql, withSum, options.queryTimeout());
            } catch (SQLException e) {
                return job.row(host.name(), writerSum, mine, ChunkStatus.DIFF, "recheck on the writer failed: "
                        + SqlErrors.describe(e));
            }
            if (!waitFor(again.position())) {
                return job.row(host.name(), writerSum, mine, ChunkStatus.DIFF,
                        "recheck skipped: " + skipReason(again.position()));
            }
            ChunkSum mineAgain = session.checksum(job.hostSql, withSum, options.queryTimeout());
            if (mineAgain.equals(again.sum())) {
                return job.row(host.name(), again.sum(), mineAgain, ChunkStatus.SAME, "matched on recheck " + retry);
            }
            boolean unchanged = again.sum().equals(writerSum) && mineAgain.equals(mine);
            writerSum = again.sum();
            mine = mineAgain;
            if (unchanged) {
                return job.row(host.name(), writerSum, mine, ChunkStatus.DIFF, "confirmed by recheck " + retry);
            }
        }
        return job.row(host.name(), writerSum, mine, ChunkStatus.DIFF, "still differs after "
                + options.retries() + " recheck(s)");
    }

    /** How long a host waits for the writer's half of a chunk: the writer's query may be running. */
    private Duration writerBound() {
        return options.queryTimeout().multipliedBy(options.retries() + 2);
    }

    private boolean waitFor(GtidPosition pos) throws SQLException {
        Optional<GtidPosition> r = waiter.await(session, pos, reached, options.waitTimeout());
        r.ifPresent(p -> reached = p);
        return r.isPresent();
    }

    private String skipReason(GtidPosition pos) throws SQLException {
        outcomes.add(ExitStatus.CHUNK_SKIPPED);
        Optional<String> problem = session.replicationProblem();
        if (problem.isPresent()) {
            giveUp("replication stopped: " + problem.get(), ExitStatus.REPLICATION_STOPPED);
            return givenUp;
        }
        return "did not apply the writer's position " + pos + " within --wait-timeout "
                + options.waitTimeout().toSeconds() + " s";
    }

    private HostSession writerSession() throws SQLException {
        if (writerSession == null || !writerSession.isValid()) {
            if (writerSession != null) {
                writerSession.close();
            }
            writerSession = HostSession.open(writerHost, account, socketTimeout);
        }
        return writerSession;
    }

    private boolean reconnect() {
        session.close();
        try {
            session = HostSession.open(host, account, socketTimeout);
            return true;
        } catch (SQLException e) {
            giveUp("unreachable: " + SqlErrors.describe(e), ExitStatus.ERROR);
            return false;
        }
    }

    private void giveUp(String reason, ExitStatus status) {
        outcomes.add(status);
        outcomes.add(ExitStatus.CHUNK_SKIPPED);
        if (givenUp == null) {
            givenUp = reason;
            log.accept(host.name() + ": given up for the rest of the run: " + reason);
        }
    }

    /**
     * Lets the queued chunks finish, then stops the thread, bounded by {@code bound}; closes the sessions.
     *
     * @return true when the thread ended in time
     */
    boolean finish(Duration bound) throws InterruptedException {
        queue.put(Optional.empty());
        thread.join(bound.toMillis());
        boolean ended = !thread.isAlive();
        if (!ended) {
            log.accept(host.name() + ": worker still busy after " + bound.toSeconds() + " s; leaving it");
            thread.interrupt();
        }
        close();
        return ended;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        if (writerSession != null) {
            writerSession.close();
        }
        waiter.close();
    }
}
