package io.ringmaster.tools.sync;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.SqlErrors;
import io.ringmaster.tools.checksum.ChecksumException;
import io.ringmaster.tools.checksum.ChecksumStore;
import io.ringmaster.tools.checksum.Chunk;
import io.ringmaster.tools.checksum.ChunkKey;
import io.ringmaster.tools.checksum.ChunkSum;
import io.ringmaster.tools.checksum.Column;
import io.ringmaster.tools.checksum.HashFunction;
import io.ringmaster.tools.checksum.HostSession;
import io.ringmaster.tools.checksum.PositionWaiter;
import io.ringmaster.tools.checksum.RowHashSql;
import io.ringmaster.tools.checksum.SchemaReader;
import io.ringmaster.tools.checksum.Sql;
import io.ringmaster.tools.checksum.TableDef;
import io.ringmaster.tools.checksum.TablePlan;
import io.ringmaster.tools.checksum.Writers;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ringmaster sync}: repairs the chunks of one table that the last checksum found different on one host.
 *
 * <p>For each such chunk: reads its rows on the writer under shared locks together with the writer's
 * gtid_binlog_pos, waits (bounded) until the host applied that position, reads the host's rows, diffs them
 * ({@link RowDiff}) and builds the statements ({@link SyncStatements}). With {@code execute}, runs them, one
 * transaction per chunk: by default on the writer with binlog_format=STATEMENT so they replicate to every host
 * (pt-table-sync's --sync-to-master); with {@link SyncMode#DIRECT}, on the host with sql_log_bin=0. Then computes
 * the chunk's checksum again on both and records it in the checksum table when it matches.
 *
 * <p>Refuses, with the reason: a table without a unique key (unless allowed, and then only directly), a table that
 * other tables reference with cascading foreign keys (REPLACE and DELETE would change them too; unless allowed), a
 * table whose chunk key changed since the checksum.
 *
 * <p>Not thread-safe: one run per instance.
 */
public final class TableSync {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private final RingmasterConfig config;
    private final SyncOptions options;
    private final Consumer<String> log;
    private PositionWaiter waiter;

    /**
     * @param config  the topology; the monitor account acts
     * @param options what to repair
     * @param log     receives progress and every server-changing action with its reason, one line each
     */
    public TableSync(RingmasterConfig config, SyncOptions options, Consumer<String> log) {
        this.config = config;
        this.options = options;
        this.log = log;
    }

    /**
     * Runs the sync.
     *
     * @return what was found and done
     * @throws ChecksumException exit 2 for bad input (unknown host, the writer as target), 1 for a refusal or a
     *                           failure, with a one-line reason
     */
    public SyncResult run() throws ChecksumException {
        HostConfig host = config.findHost(options.to()).orElseThrow(() -> new ChecksumException(2,
                "--to: unknown host '" + options.to() + "' (hosts: " + String.join(", ",
                        config.hosts().stream().map(HostConfig::name).toList()) + ")"));
        Credentials account = config.monitorUser();
        HostConfig writer = Writers.find(config, account, options.writer(), CONNECT);
        if (writer.name().equals(host.name())) {
            throw new ChecksumException(2, "--to: " + host.name() + " is the writer; sync makes another host match"
                    + " the writer");
        }
        Duration socket = options.queryTimeout().plus(options.waitTimeout()).plusSeconds(10);
        try (HostSession w = open(writer, account, socket);
             HostSession h = open(host, account, socket);
             ChecksumStore store = new ChecksumStore(open(writer, account, socket), options.schema());
             PositionWaiter positions = new PositionWaiter(config, writer, account, socket)) {
            waiter = positions;
            return sync(w, h, store, writer, host);
        } catch (SQLException e) {
            throw new ChecksumException(1, SqlErrors.describe(e));
        }
    }

    private SyncResult sync(HostSession w, HostSession h, ChecksumStore store, HostConfig writer, HostConfig host)
            throws SQLException, ChecksumException {
        TableDef def = SchemaReader.describe(w.connection(), options.table()).orElseThrow(() ->
                new ChecksumException(1, "--table: " + options.table() + " does not exist on the writer "
                        + writer.name()));
        TablePlan plan = TablePlan.choose(def.columns(), def.indexes(), def.estimatedRows(), Long.MAX_VALUE);
        Optional<ChunkKey> key = plan instanceof TablePlan.Chunked c ? Optional.of(c.key()) : Optional.empty();
        if (key.isEmpty() && !options.allowNoUniqueKey()) {
            throw new ChecksumException(1, options.table() + " has no unique key on NOT NULL columns, so single rows"
                    + " cannot be addressed; refused (--allow-no-unique-key with --direct matches rows on every"
                    + " column)");
        }
        if (key.isEmpty() && options.mode() == SyncMode.VIA_WRITER) {
            throw new ChecksumException(1, options.table() + " has no unique key: a repair through the writer would"
                    + " duplicate rows there; use --direct");
        }
        List<String> cascades = SchemaReader.cascadingForeignKeys(w.connection(), options.table());
        if (!cascades.isEmpty() && !options.allowCascades()) {
            throw new ChecksumException(1, options.table() + " is referenced by cascading foreign keys ("
                    + String.join("; ", cascades) + "): REPLACE and DELETE would change those tables too; refused"
                    + " (--allow-cascades to go ahead)");
        }
        List<ChecksumStore.StoredChunk> chunks = store.differing(options.table(), host.name());
        List<String> notes = new ArrayList<>();
        if (chunks.isEmpty()) {
            notes.add("no chunk of " + options.table() + " differs on " + host.name() + " in the stored checksum"
                    + " results; run `ringmaster checksum` first if it has not run since the last change");
            return result(writer, host, 0, List.of(), List.of(), false, List.of(), notes);
        }
        String index = key.map(ChunkKey::index).orElse(null);
        for (ChecksumStore.StoredChunk c : chunks) {
            if (!Objects.equals(c.row().index(), index)) {
                throw new ChecksumException(1, options.table() + ": the checksum chunked it along "
                        + c.row().index() + ", its chunk key is now " + index + "; run `ringmaster checksum` again");
            }
        }
        List<Column> stored = def.columns().stream().filter(col -> !col.virtual()).toList();
        List<Integer> keyPositions = key.map(k -> k.columns().stream()
                .map(kc -> indexOf(stored, kc.name())).toList()).orElse(List.of());
        RowHashSql hash = new RowHashSql(HashFunction.CRC32, OptionalInt.empty());
        List<RowChange> all = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        List<ChunkFix> fixes = new ArrayList<>();
        for (ChecksumStore.StoredChunk sc : chunks) {
            Chunk chunk = new Chunk(options.table(), sc.row().chunk(), key, sc.lower(), sc.upper());
            ChunkRows rows = rows(w, h, chunk, stored);
            List<RowChange> changes = key.isPresent() ? RowDiff.byKey(keyPositions, rows.writer, rows.host)
                    : RowDiff.byWholeRow(rows.writer, rows.host);
            List<String> sql = SyncStatements.of(options.table(), stored, keyPositions, options.mode(), changes);
            log.accept(options.table() + " chunk " + chunk.number() + " (" + chunk.range() + "): "
                    + summary(changes) + " on " + host.name());
            all.addAll(changes);
            statements.addAll(sql);
            fixes.add(new ChunkFix(chunk, sql));
        }
        if (!options.execute() || statements.isEmpty()) {
            if (statements.isEmpty()) {
                notes.add("the stored differences are gone: the rows now match; run `ringmaster checksum` to"
                        + " record it");
            }
            return result(writer, host, chunks.size(), all, statements, false, List.of(), notes);
        }
        List<Integer> still = new ArrayList<>();
        for (ChunkFix f : fixes) {
            if (!f.sql.isEmpty()) {
                execute(w, h, writer, host, f);
            }
        }
        for (ChunkFix f : fixes) {
            if (!verify(w, h, store, host, hash, def.columns(), f.chunk)) {
                still.add(f.chunk.number());
            }
        }
        if (!still.isEmpty()) {
            notes.add("chunks " + still + " still differ on " + host.name() + " after the fix"
                    + (options.mode() == SyncMode.VIA_WRITER ? " (an intermediate master logging in ROW format drops"
                    + " no-op changes; try --direct)" : ""));
        }
        return result(writer, host, chunks.size(), all, statements, true, still, notes);
    }

    private record ChunkRows(List<List<String>> writer, List<List<String>> host) {}

    private record ChunkFix(Chunk chunk, List<String> sql) {}

    /** The chunk's rows on the writer (locked, with its position) and on the host once it reached that position. */
    private ChunkRows rows(HostSession w, HostSession h, Chunk chunk, List<Column> columns)
            throws SQLException, ChecksumException {
        String select = "SELECT " + columns.stream().map(Sql::tokenExpr).collect(Collectors.joining(", "))
                + " FROM " + options.table().sql() + (chunk.index() == null ? ""
                : " FORCE INDEX (" + Sql.ident(chunk.index()) + ")")
                + (chunk.where().isEmpty() ? "" : " WHERE " + chunk.where())
                + chunk.key().map(k -> " ORDER BY " + k.columns().stream().map(Column::quoted)
                .collect(Collectors.joining(", "))).orElse("");
        List<List<String>> writerRows;
        GtidPosition pos;
        try (Statement st = w.connection().createStatement()) {
            st.execute("START TRANSACTION");
            try {
                writerRows = read(st, select + " LOCK IN SHARE MODE", columns.size());
                try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
                    rs.next();
                    pos = GtidPosition.parse(rs.getString(1));
                }
            } finally {
                st.execute("COMMIT");
            }
        }
        if (waiter.await(h, pos, GtidPosition.empty(), options.waitTimeout()).isEmpty()) {
            throw new ChecksumException(1, h.host().name() + " did not apply the writer's position " + pos
                    + " within " + options.waitTimeout().toSeconds() + " s; is its replication running?");
        }
        List<List<String>> hostRows;
        try (Statement st = h.connection().createStatement()) {
            hostRows = read(st, select, columns.size());
        }
        return new ChunkRows(writerRows, hostRows);
    }

    private List<List<String>> read(Statement st, String sql, int n) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(HostSession.bounded(sql, options.queryTimeout()))) {
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private void execute(HostSession w, HostSession h, HostConfig writer, HostConfig host, ChunkFix f)
            throws SQLException {
        HostSession target = options.mode() == SyncMode.VIA_WRITER ? w : h;
        String why = "to make " + options.table() + " chunk " + f.chunk.number() + " on " + host.name()
                + " match the writer " + writer.name();
        if (options.mode() == SyncMode.VIA_WRITER) {
            log.accept(writer.name() + ": running " + f.sql.size() + " statement(s) with binlog_format=STATEMENT "
                    + why + " (no-ops on the writer; they replicate to every host)");
            target.exec("SET SESSION binlog_format = 'STATEMENT'");
        } else {
            log.accept(host.name() + ": running " + f.sql.size() + " statement(s) with sql_log_bin=0 " + why);
            target.exec("SET SESSION sql_log_bin = 0");
        }
        try (Statement st = target.connection().createStatement()) {
            st.execute("START TRANSACTION");
            try {
                for (String s : f.sql) {
                    st.execute(s);
                }
                st.execute("COMMIT");
            } catch (SQLException e) {
                st.execute("ROLLBACK");
                throw e;
            }
        } finally {
            target.exec(options.mode() == SyncMode.VIA_WRITER ? "SET SESSION binlog_format = DEFAULT"
                    : "SET SESSION sql_log_bin = 1");
        }
    }

    private boolean verify(HostSession w, HostSession h, ChecksumStore store, HostConfig host, RowHashSql hash,
                           List<Column> columns, Chunk chunk) throws SQLException, ChecksumException {
        boolean repeat = chunk.rowsMayRepeat();
        HostSession.Locked ws = w.checksumLocked(hash.chunkQuery(options.table().db(), options.table().table(),
                columns, chunk.index(), chunk.where(), repeat, true), repeat, options.queryTimeout());
        if (waiter.await(h, ws.position(), GtidPosition.empty(), options.waitTimeout()).isEmpty()) {
            throw new ChecksumException(1, host.name() + " did not apply the fix (position " + ws.position()
                    + ") within " + options.waitTimeout().toSeconds() + " s; is its replication running?");
        }
        ChunkSum hs = h.checksum(hash.chunkQuery(options.table().db(), options.table().table(), columns,
                chunk.index(), chunk.where(), repeat, false), repeat, options.queryTimeout());
        if (!hs.equals(ws.sum())) {
            log.accept(host.name() + ": " + options.table() + " chunk " + chunk.number() + " still differs after"
                    + " the fix");
            return false;
        }
        store.markSame(options.table(), chunk.number(), host.name(), ws.sum(), hs, "fixed by sync");
        return true;
    }

    private SyncResult result(HostConfig writer, HostConfig host, int chunks, List<RowChange> changes,
                              List<String> statements, boolean executed, List<Integer> still, List<String> notes) {
        int missing = (int) changes.stream().filter(c -> c instanceof RowChange.Missing).count();
        int changed = (int) changes.stream().filter(c -> c instanceof RowChange.Changed).count();
        int extra = (int) changes.stream().filter(c -> c instanceof RowChange.Extra).count();
        return new SyncResult(options.table().toString(), host.name(), writer.name(), options.mode(), chunks, missing,
                changed, extra, statements, executed, still, notes);
    }

    private static String summary(List<RowChange> changes) {
        long m = changes.stream().filter(c -> c instanceof RowChange.Missing).count();
        long c = changes.stream().filter(x -> x instanceof RowChange.Changed).count();
        long e = changes.stream().filter(x -> x instanceof RowChange.Extra).count();
        return m + " missing, " + c + " changed, " + e + " extra row(s)";
    }

    private static int indexOf(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalStateException("key column " + name + " is not a stored column");
    }

    private static HostSession open(HostConfig h, Credentials account, Duration socket) throws ChecksumException {
        try {
            return HostSession.open(h, account, socket);
        } catch (SQLException e) {
            throw new ChecksumException(1, h.name() + ": " + SqlErrors.describe(e));
        }
    }
}
