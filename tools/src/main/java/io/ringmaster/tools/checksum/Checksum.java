package io.ringmaster.tools.checksum;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.SqlErrors;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code ringmaster checksum}: compares every selected table, chunk by chunk, between the writer and every other
 * host of the topology, at the same GTID position.
 *
 * <p>Why the same-position approach rather than pt-table-checksum's replicated statement: pt-table-checksum runs
 * {@code REPLACE INTO checksums SELECT ... CRC32 ...} with binlog_format=STATEMENT so that replicas recompute it.
 * An intermediate master that logs in ROW or MIXED format (MariaDB's default is MIXED, and that statement is
 * unsafe, hence logged as rows) passes its own result down as row images, so its replicas store numbers they never
 * computed: differences below it go unseen (Percona bug 899415). Forcing STATEMENT end to end would mean changing
 * every intermediate master's global binlog_format. Here nothing replicates: for each chunk, the writer computes it
 * under shared locks and reads {@code gtid_binlog_pos} while holding them ({@link HostSession#checksumLocked});
 * every other host waits with MASTER_GTID_WAIT until it has applied that position and computes the same query as
 * one consistent read. Hosts work in parallel, one thread and connection each, while the writer goes on to the
 * next chunk; nothing is written to any binary log. Writes that land between the writer's read and a host's are
 * ruled out by re-checking a differing chunk ({@code --retries}).
 *
 * <p>Results are stored on the writer ({@link ChecksumStore}); an interrupted run continues with
 * {@code resume}. Throttled on heartbeat lag and Threads_running ({@link Throttle}). Locks are held on the writer
 * for one chunk at a time, with a 1 s lock wait.
 *
 * <p>Not thread-safe: one run per instance; {@link #requestStop()} may be called from any thread (a signal handler).
 */
public final class Checksum {
    /** ER_TABLEACCESS_DENIED_ERROR: SELECT (or another) command denied for a table. */
    private static final int TABLE_ACCESS_DENIED = 1142;
    /** ER_COLUMNACCESS_DENIED_ERROR: a command denied for a column. */
    private static final int COLUMN_ACCESS_DENIED = 1143;

    /** Named lock on the writer that keeps two runs apart. */
    public static final String LOCK = "ringmaster.checksum";
    private static final Duration CONNECT = Duration.ofSeconds(5);

    /** Sees each chunk once every host has answered (on a worker thread). */
    public interface Listener {
        /** Called after the chunk's results are stored. */
        void chunkDone(Chunk chunk, List<ChunkRow> rows);
    }

    private final RingmasterConfig config;
    private final ChecksumOptions options;
    private final Consumer<String> log;
    private final Listener listener;
    private final Clock clock;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Set<ExitStatus> outcomes = HostWorker.outcomeSet();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Table and error code of the writer errors already in {@link #errors}. */
    private final java.util.Set<String> writerErrorsShown = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param config   the topology; the monitor account is used on every host
     * @param options  what to check
     * @param log      receives progress and every server-changing action, one line each
     * @param listener sees each finished chunk, may be a no-op
     */
    public Checksum(RingmasterConfig config, ChecksumOptions options, Consumer<String> log, Listener listener,
                    Clock clock) {
        this.config = config;
        this.options = options;
        this.log = log;
        this.listener = listener;
        this.clock = clock;
    }

    /** Asks the run to stop after the chunk in progress; the run then reports INTERRUPTED and can be resumed. */
    public void requestStop() {
        stop.set(true);
    }

    /**
     * Runs the checksum.
     *
     * @return the findings, including differences found before an interruption of a resumed run
     * @throws ChecksumException when the run cannot start (exit 2: bad option; 1: writer unreachable, lock held)
     * @throws InterruptedException when the calling thread is interrupted
     */
    public ChecksumResult run() throws ChecksumException, InterruptedException {
        long begin = System.nanoTime();
        Credentials account = config.monitorUser();
        for (String h : options.hosts()) {
            if (config.findHost(h).isEmpty()) {
                throw new ChecksumException(2, "--hosts: unknown host '" + h + "' (hosts: " + Writers.names(config)
                        + ")");
            }
        }
        HostConfig writer = Writers.find(config, account, options.writer(), CONNECT);
        List<HostConfig> compared = config.hosts().stream().filter(h -> !h.name().equals(writer.name()))
                .filter(h -> options.hosts().isEmpty() || options.hosts().contains(h.name())).toList();
        Duration socket = options.queryTimeout().plus(options.waitTimeout()).plusSeconds(10);
        HostSession main = open(writer, account, socket, "the writer");
        try {
            lock(main, writer);
            try {
                return runLocked(main, writer, compared, account, socket, begin);
            } finally {
                try {
                    main.queryString("SELECT RELEASE_LOCK('" + LOCK + "')");
                } catch (SQLException e) {
                    // the lock goes with the session
                }
            }
        } finally {
            main.close();
        }
    }

    private ChecksumResult runLocked(HostSession main, HostConfig writer, List<HostConfig> compared,
                                     Credentials account, Duration socket, long begin)
            throws ChecksumException, InterruptedException {
        ChecksumStore store;
        long run;
        long serverId;
        try {
            serverId = Long.parseLong(main.queryString("SELECT @@global.server_id"));
            store = new ChecksumStore(open(writer, account, socket, "the writer"), options.schema());
            if (store.ensureTables()) {
                log.accept(writer.name() + ": created " + options.schema() + ".checksum_runs, checksum_tables and"
                        + " checksums with sql_log_bin=0 (results stay on the writer, nothing replicates)");
            }
            run = startOrResume(store, writer, compared);
        } catch (SQLException e) {
            throw new ChecksumException(1, writer.name() + ": cannot prepare the checksum tables in "
                    + options.schema() + ": " + SqlErrors.describe(e));
        }
        try {
            if (compared.isEmpty()) {
                outcomes.add(ExitStatus.NO_OTHER_HOSTS);
                errors.add("no host to compare with the writer " + writer.name());
            }
            Map<String, HostWorker> workers = new LinkedHashMap<>();
            Map<String, HostSession> throttleSessions = new LinkedHashMap<>();
            for (HostConfig h : compared) {
                openWorker(h, writer, account, socket, workers, throttleSessions);
            }
            String status = "done";
            try (Throttle throttle = new Throttle(open(writer, account, socket, "the writer"), throttleSessions,
                    options, serverId, freshness(), Duration.ofSeconds(1), clock, log)) {
                try {
                    checkTables(main, store, run, writer, new ArrayList<>(workers.values()), throttle);
                } catch (HostWorker.StuckException e) {
                    errors.add(e.getMessage());
                    outcomes.add(ExitStatus.ERROR);
                    status = "failed";
                } catch (Throttle.TimeoutException e) {
                    errors.add("throttle: " + e.getMessage());
                    outcomes.add(ExitStatus.ERROR);
                    status = "failed";
                } catch (SQLException e) {
                    errors.add(writer.name() + ": " + SqlErrors.describe(e));
                    outcomes.add(ExitStatus.ERROR);
                    status = "failed";
                } finally {
                    Duration bound = options.queryTimeout().multipliedBy(2).plus(options.waitTimeout())
                            .multipliedBy(HostWorker.QUEUE + 1);
                    for (HostWorker w : workers.values()) {
                        if (!w.finish(bound)) {
                            outcomes.add(ExitStatus.ERROR);
                        }
                    }
                }
                if (stop.get() && status.equals("done")) {
                    status = "interrupted";
                    outcomes.add(ExitStatus.INTERRUPTED);
                }
                store.setRunStatus(run, status);
                List<ChecksumStore.TableSummary> tables = store.summaries(run);
                List<ChunkRow> problems = store.problems(run);
                return new ChecksumResult(run, writer.name(), List.copyOf(workers.keySet()),
                        tables, problems, errors, ChecksumResult.outcomes(outcomes, tables, problems),
                        throttle.pausedMillis(), Duration.ofNanos(System.nanoTime() - begin));
            }
        } catch (SQLException e) {
            throw new ChecksumException(1, writer.name() + ": cannot read the checksum results: "
                    + SqlErrors.describe(e));
        } finally {
            store.close();
        }
    }

    private long startOrResume(ChecksumStore store, HostConfig writer, List<HostConfig> compared)
            throws SQLException, ChecksumException {
        if (options.resume()) {
            Optional<ChecksumStore.Run> last = store.lastRun();
            if (last.isEmpty()) {
                throw new ChecksumException(1, "--resume: no earlier run in " + options.schema() + ".checksum_runs");
            }
            ChecksumStore.Run r = last.get();
            if (r.status().equals("done")) {
                throw new ChecksumException(1, "--resume: run " + r.id() + " finished; start a new run without"
                        + " --resume");
            }
            if (!r.writer().equals(writer.name())) {
                throw new ChecksumException(1, "--resume: run " + r.id() + " compared against " + r.writer()
                        + ", the writer is now " + writer.name() + "; start a new run without --resume");
            }
            store.setRunStatus(r.id(), "running");
            log.accept("resuming run " + r.id() + " (was " + r.status() + ")");
            return r.id();
        }
        long run = store.startRun(writer.name(), compared.stream().map(HostConfig::name).toList());
        log.accept("run " + run + ": writer " + writer.name() + ", comparing "
                + String.join(", ", compared.stream().map(HostConfig::name).toList()));
        return run;
    }

    private void openWorker(HostConfig h, HostConfig writer, Credentials account, Duration socket,
                            Map<String, HostWorker> workers, Map<String, HostSession> throttleSessions) {
        HostSession s;
        try {
            s = HostSession.open(h, account, socket);
        } catch (SQLException e) {
            outcomes.add(ExitStatus.ERROR);
            errors.add(h.name() + ": unreachable: " + SqlErrors.describe(e));
            log.accept(h.name() + ": unreachable, not compared: " + SqlErrors.describe(e));
            s = null;
        }
        try {
            if (s != null) {
                Optional<String> problem = s.replicationProblem();
                if (problem.isPresent()) {
                    outcomes.add(ExitStatus.REPLICATION_STOPPED);
                    errors.add(h.name() + ": replication stopped, not compared: " + problem.get());
                    log.accept(h.name() + ": replication stopped, not compared: " + problem.get());
                    s.close();
                    s = null;
                }
            }
            if (s != null) {
                workers.put(h.name(), new HostWorker(s, writer, account, options, socket, log, outcomes,
                        new PositionWaiter(config, writer, account, socket)));
                throttleSessions.put(h.name(), HostSession.open(h, account, socket));
            }
        } catch (SQLException e) {
            outcomes.add(ExitStatus.ERROR);
            errors.add(h.name() + ": " + SqlErrors.describe(e));
        }
    }

    private void checkTables(HostSession main, ChecksumStore store, long run, HostConfig writer,
                             List<HostWorker> workers, Throttle throttle)
            throws SQLException, Throttle.TimeoutException, InterruptedException, HostWorker.StuckException {
        List<TableName> tables = SchemaReader.tables(main.connection(), options);
        for (String named : options.tables()) {
            boolean listed = tables.stream().anyMatch(t -> named.equals(t.table()) || named.equals(t.toString()));
            if (!listed) {
                // information_schema hides a table the user has no privilege on, so "missing" may be "not granted"
                errors.add(named + ": no such table on " + writer.name() + ", or user " + main.user()
                        + " cannot see it there (checksum needs SELECT on it)");
                outcomes.add(ExitStatus.TABLE_SKIPPED);
            }
        }
        if (tables.isEmpty()) {
            log.accept("no table selected");
        }
        RowHashSql hash = new RowHashSql(options.hash(), options.floatPrecision());
        for (TableName t : tables) {
            if (stop.get()) {
                log.accept("stopping before " + t + " (interrupted; --resume continues)");
                return;
            }
            new TableRun(main, store, run, writer, workers, throttle, hash, t).run();
        }
    }

    /**
     * Why the monitor user may not read every column of {@code t} (information_schema shows only the columns it
     * was granted, so a checksum of a partly granted table would compare those columns only and call it equal).
     *
     * @return a one-line reason naming the table and the privilege, or empty when {@code SELECT *} is allowed
     * @throws SQLException on any other server error
     */
    private static Optional<String> selectDenied(HostSession session, TableName t) throws SQLException {
        try (java.sql.Statement st = session.connection().createStatement()) {
            st.executeQuery("SELECT * FROM " + Sql.table(t.db(), t.table()) + " LIMIT 0").close();
            return Optional.empty();
        } catch (SQLException e) {
            if (e.getErrorCode() != TABLE_ACCESS_DENIED && e.getErrorCode() != COLUMN_ACCESS_DENIED) {
                throw e;
            }
            return Optional.of("user " + session.user() + " cannot SELECT every column of " + t + " on "
                    + session.host().name() + " (error " + e.getErrorCode() + "); checksum needs GRANT SELECT ON "
                    + Sql.table(t.db(), t.table()) + " TO the monitor user");
        }
    }

    /** The chunks of one table. */
    private final class TableRun {
        private final HostSession main;
        private final ChecksumStore store;
        private final long run;
        private final HostConfig writer;
        private final List<HostWorker> workers;
        private final Throttle throttle;
        private final RowHashSql hash;
        private final TableName table;

        TableRun(HostSession main, ChecksumStore store, long run, HostConfig writer, List<HostWorker> workers,
                 Throttle throttle, RowHashSql hash, TableName table) {
            this.main = main;
            this.store = store;
            this.run = run;
            this.writer = writer;
            this.workers = workers;
            this.throttle = throttle;
            this.hash = hash;
            this.table = table;
        }

        void run() throws SQLException, Throttle.TimeoutException, InterruptedException, HostWorker.StuckException {
            Optional<String> before = options.resume() ? store.tableStatus(run, table) : Optional.empty();
            if (before.isPresent() && !before.get().equals("running")) {
                return; // done or skipped in the run being resumed
            }
            Optional<String> denied = selectDenied(main, table);
            if (denied.isPresent()) {
                log.accept(table + ": skipped: " + denied.get());
                store.tableSkipped(run, table, denied.get());
                return;
            }
            Optional<TableDef> def = SchemaReader.describe(main.connection(), table);
            if (def.isEmpty()) {
                return; // dropped since it was listed
            }
            TablePlan plan = TablePlan.choose(def.get().columns(), def.get().indexes(), def.get().estimatedRows(),
                    options.maxWholeRows());
            if (plan instanceof TablePlan.Skip skip) {
                log.accept(table + ": skipped: " + skip.reason());
                store.tableSkipped(run, table, skip.reason());
                return;
            }
            Optional<ChunkKey> key = plan instanceof TablePlan.Chunked c ? Optional.of(c.key()) : Optional.empty();
            String index = key.map(ChunkKey::index).orElse(null);
            int number = 1;
            Optional<Boundary> lower = Optional.empty();
            Optional<ChecksumStore.ResumePoint> point = before.isPresent()
                    ? store.resumePoint(table, writer.name()) : Optional.empty();
            if (point.isPresent() && java.util.Objects.equals(point.get().index(), index)) {
                if (point.get().upper().isEmpty()) {
                    store.tableDone(run, table, index, point.get().chunk());
                    return;
                }
                number = point.get().chunk() + 1;
                lower = point.get().upper();
                log.accept(table + ": resuming at chunk " + number);
            } else {
                store.startTable(run, table, index);
            }
            if (plan instanceof TablePlan.Whole w) {
                log.accept(table + ": " + w.reason());
            }
            ChunkSizer sizer = new ChunkSizer(options.chunkTime(), options.chunkSize(), 1, options.maxChunkRows());
            List<Column> columns = def.get().columns();
            List<String> hostOrder = workers.stream().map(HostWorker::name).toList();
            Optional<BigInteger[]> minMax = key.isPresent() ? integerKeyRange(key.get()) : Optional.empty();
            IntegerRanges ranges = minMax.map(m -> new IntegerRanges(m[1])).orElse(null);
            while (true) {
                if (stop.get()) {
                    log.accept(table + ": stopping after chunk " + (number - 1) + " (interrupted; --resume"
                            + " continues)");
                    return;
                }
                throttle.await();
                Optional<Boundary> upper = Optional.empty();
                long wanted = sizer.nextRows();
                boolean exact = true;
                if (ranges != null && ranges.trusted() && lower.isPresent()) {
                    upper = ranges.upper(new BigInteger(lower.get().tokens().get(0)), wanted)
                            .map(u -> Boundary.of(u.toString()));
                    exact = false;
                } else if (key.isPresent()) {
                    upper = nextUpper(key.get(), lower, wanted);
                }
                Chunk chunk = new Chunk(table, number, key, lower, upper);
                boolean last = upper.isEmpty();
                String where = chunk.where();
                String hostSql = hash.chunkQuery(table.db(), table.table(), columns, index, where,
                        chunk.rowsMayRepeat(), false);
                String writerSql = hash.chunkQuery(table.db(), table.table(), columns, index, where,
                        chunk.rowsMayRepeat(), true);
                final int chunks = number;
                ChunkJob job = new ChunkJob(chunk, hostSql, writerSql, last, writer.name(), hostOrder,
                        j -> finished(j, chunks));
                long rows = writerChecksum(job, workers);
                if (workers.isEmpty()) {
                    finished(job, chunks);
                }
                sizer.record(rows, Duration.ofNanos((long) (job.writerMillis() * 1e6)));
                if (ranges != null && upper.isPresent()) {
                    BigInteger from = lower.map(b -> new BigInteger(b.tokens().get(0)))
                            .orElse(minMax.get()[0].subtract(BigInteger.ONE));
                    ranges.record(from, new BigInteger(upper.get().tokens().get(0)), rows, wanted, exact);
                }
                if (last) {
                    return;
                }
                lower = upper;
                number++;
            }
        }

        /**
         * For a key of one integer column, its smallest and largest values on the writer (two index dives), so that
         * chunks can be cut by {@link IntegerRanges}; empty for other keys and empty tables.
         */
        private Optional<BigInteger[]> integerKeyRange(ChunkKey key) throws SQLException {
            if (key.columns().size() != 1 || key.columns().get(0).kind() != ColumnKind.INTEGER) {
                return Optional.empty();
            }
            String col = key.columns().get(0).quoted();
            try (Statement st = main.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT MIN(" + col + "), MAX(" + col + ") FROM " + table.sql())) {
                if (!rs.next() || rs.getString(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(new BigInteger[] {new BigInteger(rs.getString(1)), new BigInteger(rs.getString(2))});
            }
        }

        private Optional<Boundary> nextUpper(ChunkKey key, Optional<Boundary> lower, long rows) throws SQLException {
            String sql = HostSession.bounded(key.upperBoundQuery(table.db(), table.table(), lower, rows),
                    options.queryTimeout());
            try (Statement st = main.connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<String> tokens = new ArrayList<>();
                for (int i = 1; i <= key.columns().size(); i++) {
                    tokens.add(rs.getString(i));
                }
                return Optional.of(new Boundary(tokens));
            }
        }

        /**
         * Computes the writer's half of a chunk and hands the chunk to every host as soon as the position is known:
         * in a consistent snapshot when the binary log stands still (no lock; hosts start at once), else under
         * shared locks (hosts start when it is done). A lock wait timeout or deadlock is retried; other failures make
         * the chunk skipped.
         *
         * @return rows the writer counted (0 when it could not)
         */
        private long writerChecksum(ChunkJob job, List<HostWorker> workers)
                throws SQLException, InterruptedException, HostWorker.StuckException {
            Chunk chunk = job.chunk;
            boolean dispatched = false;
            try {
                Optional<io.ringmaster.core.gtid.GtidPosition> snapshot = main.beginSnapshot();
                if (snapshot.isPresent()) {
                    job.position(snapshot);
                    dispatch(job, workers);
                    dispatched = true;
                    long t0 = System.nanoTime();
                    ChunkSum sum = main.checksumInSnapshot(job.hostSql, chunk.rowsMayRepeat(), options.queryTimeout());
                    job.writerSum(Optional.of(sum), (System.nanoTime() - t0) / 1e6);
                    return sum.rows();
                }
                for (int attempt = 0; ; attempt++) {
                    try {
                        long t0 = System.nanoTime();
                        HostSession.Locked w = main.checksumLocked(job.writerSql, chunk.rowsMayRepeat(),
                                options.queryTimeout());
                        job.position(Optional.of(w.position()));
                        job.writerSum(Optional.of(w.sum()), (System.nanoTime() - t0) / 1e6);
                        dispatch(job, workers);
                        dispatched = true;
                        return w.sum().rows();
                    } catch (SQLException e) {
                        boolean lockProblem = e.getErrorCode() == 1205 || e.getErrorCode() == 1213;
                        if (SqlErrors.isConnectionProblem(e) || !lockProblem || attempt >= options.retries()) {
                            throw e;
                        }
                        log.accept(table + " chunk " + chunk.number() + ": " + SqlErrors.describe(e) + "; retrying");
                    }
                }
            } catch (SQLException e) {
                job.writerFailed();
                if (!dispatched) {
                    dispatch(job, workers);
                }
                if (SqlErrors.isConnectionProblem(e)) {
                    throw e;
                }
                outcomes.add(ExitStatus.CHUNK_SKIPPED);
                String why = table + " chunk " + chunk.number() + ": skipped on the writer: " + SqlErrors.describe(e);
                log.accept(why);
                if (writerErrorsShown.add(table + " " + e.getErrorCode())) {
                    errors.add(writer.name() + ": " + why); // once per table and error, not once per chunk
                }
                return 0;
            }
        }

        private void dispatch(ChunkJob job, List<HostWorker> workers) throws InterruptedException, HostWorker.StuckException {
            for (HostWorker worker : workers) {
                worker.submit(job);
            }
        }

        private void finished(ChunkJob job, int chunks) {
            try {
                store.saveChunk(run, job.chunk, job.positionNow() == null ? null : job.positionNow().toString(),
                        job.writerMillis(), job.rows());
                if (job.last) {
                    store.tableDone(run, table, job.chunk.index(), chunks);
                }
            } catch (SQLException e) {
                outcomes.add(ExitStatus.ERROR);
                errors.add("storing " + table + " chunk " + job.chunk.number() + ": " + SqlErrors.describe(e));
                return;
            }
            for (ChunkRow r : job.rows()) {
                if (r.status() == ChunkStatus.DIFF) {
                    log.accept(r.host() + ": " + table + " chunk " + r.chunk() + " differs (" + r.range() + ")");
                }
            }
            listener.chunkDone(job.chunk, job.rows());
        }
    }

    private static HostSession open(HostConfig h, Credentials account, Duration socket, String what)
            throws ChecksumException {
        try {
            return HostSession.open(h, account, socket);
        } catch (SQLException e) {
            throw new ChecksumException(1, h.name() + " (" + what + "): " + SqlErrors.describe(e));
        }
    }

    private static void lock(HostSession main, HostConfig writer) throws ChecksumException {
        try {
            if (!"1".equals(main.queryString("SELECT GET_LOCK('" + LOCK + "', 0)"))) {
                throw new ChecksumException(1, "another checksum run holds the lock " + LOCK + " on "
                        + writer.name());
            }
        } catch (SQLException e) {
            throw new ChecksumException(1, writer.name() + ": " + SqlErrors.describe(e));
        }
    }

    private Duration freshness() {
        return config.monitor().checkPeriod().multipliedBy(3).plusSeconds(2);
    }
}
