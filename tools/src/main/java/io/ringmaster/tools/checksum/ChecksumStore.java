package io.ringmaster.tools.checksum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checksum tables, kept on the writer with the binary log off for the session ({@code sql_log_bin=0}), so
 * they never replicate and never interfere with what is being compared:
 * <ul>
 *   <li>{@code checksum_runs}: one row per run (writer, hosts, status: running, done, interrupted, failed);</li>
 *   <li>{@code checksum_tables}: per table, the run that last checked it and whether it finished;</li>
 *   <li>{@code checksums}: per table, chunk and host, the boundaries (JSON arrays of tokens, for resume and sync),
 *       the writer's and the host's row counts and checksums, and the outcome.</li>
 * </ul>
 * A chunk's rows are written together once every host has answered, in chunk order, so the stored chunks of a
 * table are always a prefix of it: resume continues after the last one.
 *
 * <p>Thread-safe: every method is synchronized on the store (one connection).
 */
public final class ChecksumStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HostSession session;
    private final String schema;

    /** A stored run. */
    public record Run(long id, String writer, String status) {}

    /** Where a table's checking stopped: after {@code chunk}, whose upper bound is {@code upper} (empty: the end). */
    public record ResumePoint(int chunk, String index, Optional<Boundary> upper) {}

    /** A stored differing chunk, for sync: the boundaries as tokens. */
    public record StoredChunk(ChunkRow row, Optional<Boundary> lower, Optional<Boundary> upper, long runId) {}

    /**
     * @param session a session on the writer used by this store only; its binary log is turned off here
     * @param schema  the schema holding the tables
     * @throws SQLException when the binary log cannot be turned off (missing privilege)
     */
    public ChecksumStore(HostSession session, String schema) throws SQLException {
        this.session = session;
        this.schema = schema;
        session.exec("SET SESSION sql_log_bin = 0");
    }

    /**
     * Creates the schema and tables when missing (on the writer only: binary log off).
     *
     * @return true when something was created
     */
    public synchronized boolean ensureTables() throws SQLException {
        String present = session.queryString("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                + Sql.quote(schema) + " AND TABLE_NAME IN ('checksum_runs', 'checksum_tables', 'checksums')");
        if ("3".equals(present)) {
            return false;
        }
        session.exec("CREATE DATABASE IF NOT EXISTS " + Sql.ident(schema),
                "CREATE TABLE IF NOT EXISTS " + t("checksum_runs") + " (run_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
                        + " started_at DATETIME(6) NOT NULL, finished_at DATETIME(6) NULL,"
                        + " writer VARCHAR(64) NOT NULL, hosts VARCHAR(2048) NOT NULL, status VARCHAR(16) NOT NULL)"
                        + " ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS " + t("checksum_tables") + " (db VARCHAR(64) NOT NULL,"
                        + " tbl VARCHAR(64) NOT NULL, run_id BIGINT UNSIGNED NOT NULL, status VARCHAR(16) NOT NULL,"
                        + " chunk_index VARCHAR(64) NULL, chunks INT UNSIGNED NOT NULL DEFAULT 0,"
                        + " note VARCHAR(512) NOT NULL DEFAULT '', PRIMARY KEY (db, tbl)) ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS " + t("checksums") + " (db VARCHAR(64) NOT NULL, tbl VARCHAR(64) NOT NULL,"
                        + " chunk INT UNSIGNED NOT NULL, host VARCHAR(64) NOT NULL, run_id BIGINT UNSIGNED NOT NULL,"
                        + " chunk_index VARCHAR(64) NULL, lower_boundary TEXT NULL, upper_boundary TEXT NULL,"
                        + " chunk_range VARCHAR(1024) NOT NULL, master_cnt BIGINT NOT NULL,"
                        + " master_crc VARCHAR(64) NOT NULL, this_cnt BIGINT NULL, this_crc VARCHAR(64) NULL,"
                        + " status VARCHAR(16) NOT NULL, note VARCHAR(512) NOT NULL DEFAULT '',"
                        + " chunk_ms DOUBLE NOT NULL DEFAULT 0, gtid_pos TEXT NULL,"
                        + " ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (db, tbl, chunk, host)) ENGINE=InnoDB");
        return true;
    }

    /** Starts a new run and returns its id (one more than the last). */
    public synchronized long startRun(String writer, List<String> hosts) throws SQLException {
        long id = Long.parseLong(session.queryString("SELECT COALESCE(MAX(run_id), 0) + 1 FROM " + t("checksum_runs")));
        try (PreparedStatement ps = session.connection().prepareStatement("INSERT INTO " + t("checksum_runs")
                + " (run_id, started_at, writer, hosts, status) VALUES (?, NOW(6), ?, ?, 'running')")) {
            ps.setLong(1, id);
            ps.setString(2, writer);
            ps.setString(3, String.join(",", hosts));
            ps.executeUpdate();
        }
        return id;
    }

    /** The last run, if any. */
    public synchronized Optional<Run> lastRun() throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement("SELECT run_id, writer, status FROM "
                + t("checksum_runs") + " ORDER BY run_id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Run(rs.getLong(1), rs.getString(2), rs.getString(3))) : Optional.empty();
        }
    }

    /** Sets a run's status; {@code done}, {@code interrupted} and {@code failed} also set its end time. */
    public synchronized void setRunStatus(long run, String status) throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement("UPDATE " + t("checksum_runs")
                + " SET status = ?, finished_at = IF(? = 'running', NULL, NOW(6)) WHERE run_id = ?")) {
            ps.setString(1, status);
            ps.setString(2, status);
            ps.setLong(3, run);
            ps.executeUpdate();
        }
    }

    /** A table's status in a run: running, done, skipped; empty when the run has not touched it. */
    public synchronized Optional<String> tableStatus(long run, TableName table) throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement("SELECT status FROM " + t("checksum_tables")
                + " WHERE db = ? AND tbl = ? AND run_id = ?")) {
            ps.setString(1, table.db());
            ps.setString(2, table.table());
            ps.setLong(3, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Forgets a table's earlier results and marks it running in {@code run}. */
    public synchronized void startTable(long run, TableName table, String index) throws SQLException {
        try (PreparedStatement del = session.connection().prepareStatement("DELETE FROM " + t("checksums")
                + " WHERE db = ? AND tbl = ?")) {
            del.setString(1, table.db());
            del.setString(2, table.table());
            del.executeUpdate();
        }
        setTable(run, table, "running", index, 0, "");
    }

    /** Marks a table skipped in {@code run}, with the reason; its earlier results are forgotten. */
    public synchronized void tableSkipped(long run, TableName table, String reason) throws SQLException {
        startTable(run, table, null);
        setTable(run, table, "skipped", null, 0, reason);
    }

    /** Marks a table done in {@code run}. */
    public synchronized void tableDone(long run, TableName table, String index, int chunks) throws SQLException {
        setTable(run, table, "done", index, chunks, "");
    }

    /** Where a table's stored results stop, or empty when none are stored. */
    public synchronized Optional<ResumePoint> resumePoint(TableName table, String writer) throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement("SELECT chunk, chunk_index, upper_boundary"
                + " FROM " + t("checksums") + " WHERE db = ? AND tbl = ? AND host = ? ORDER BY chunk DESC LIMIT 1")) {
            ps.setString(1, table.db());
            ps.setString(2, table.table());
            ps.setString(3, writer);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ResumePoint(rs.getInt(1), rs.getString(2), boundary(rs.getString(3))));
            }
        }
    }

    /**
     * Stores one chunk's results on every host (and the writer's row) in one statement.
     *
     * @param rows one per host, the writer's first
     */
    public synchronized void saveChunk(long run, Chunk chunk, String gtidPos, double writerMillis,
                                       List<ChunkRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("REPLACE INTO " + t("checksums") + " (db, tbl, chunk, host, run_id,"
                + " chunk_index, lower_boundary, upper_boundary, chunk_range, master_cnt, master_crc, this_cnt,"
                + " this_crc, status, note, chunk_ms, gtid_pos) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        try (PreparedStatement ps = session.connection().prepareStatement(sql.toString())) {
            int p = 1;
            for (ChunkRow r : rows) {
                ps.setString(p++, chunk.table().db());
                ps.setString(p++, chunk.table().table());
                ps.setInt(p++, chunk.number());
                ps.setString(p++, r.host());
                ps.setLong(p++, run);
                ps.setString(p++, chunk.index());
                ps.setString(p++, json(chunk.lower()));
                ps.setString(p++, json(chunk.upper()));
                ps.setString(p++, truncate(chunk.range(), 1024));
                ps.setLong(p++, r.writerRows());
                ps.setString(p++, r.writerCrc());
                if (r.hostCrc() == null) {
                    ps.setNull(p++, java.sql.Types.BIGINT);
                    ps.setNull(p++, java.sql.Types.VARCHAR);
                } else {
                    ps.setLong(p++, r.hostRows());
                    ps.setString(p++, r.hostCrc());
                }
                ps.setString(p++, r.status().label());
                ps.setString(p++, truncate(r.note(), 512));
                ps.setDouble(p++, writerMillis);
                ps.setString(p++, gtidPos);
            }
            ps.executeUpdate();
        }
    }

    /** Results of a run that are not {@code same} nor {@code writer}: differences, skipped and failed chunks. */
    public synchronized List<ChunkRow> problems(long run) throws SQLException {
        return rows("run_id = ? AND status NOT IN ('same', 'writer')", run);
    }

    /** Per table of a run: status, index, chunks, writer rows, note. */
    public record TableSummary(TableName table, String status, String index, int chunks, long rows, String note) {}

    /** The tables a run touched, with their chunk counts and the writer's row totals. */
    public synchronized List<TableSummary> summaries(long run) throws SQLException {
        List<TableSummary> out = new ArrayList<>();
        try (PreparedStatement ps = session.connection().prepareStatement("SELECT t.db, t.tbl, t.status,"
                + " t.chunk_index, t.note, COUNT(c.chunk), COALESCE(SUM(c.master_cnt), 0) FROM " + t("checksum_tables")
                + " t LEFT JOIN " + t("checksums") + " c ON c.db = t.db AND c.tbl = t.tbl AND c.status = 'writer'"
                + " WHERE t.run_id = ? GROUP BY t.db, t.tbl, t.status, t.chunk_index, t.note ORDER BY t.db, t.tbl")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableSummary(new TableName(rs.getString(1), rs.getString(2)), rs.getString(3),
                            rs.getString(4), rs.getInt(6), rs.getLong(7), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /**
     * The chunks of a table the last checksum found different on a host, with their boundaries.
     *
     * @return in chunk order, empty when none
     */
    public synchronized List<StoredChunk> differing(TableName table, String host) throws SQLException {
        List<StoredChunk> out = new ArrayList<>();
        try (PreparedStatement ps = session.connection().prepareStatement(select()
                + ", lower_boundary, upper_boundary, run_id FROM " + t("checksums")
                + " WHERE db = ? AND tbl = ? AND host = ? AND status = 'diff' ORDER BY chunk")) {
            ps.setString(1, table.db());
            ps.setString(2, table.table());
            ps.setString(3, host);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredChunk(row(rs), boundary(rs.getString(13)), boundary(rs.getString(14)),
                            rs.getLong(15)));
                }
            }
        }
        return out;
    }

    /** Records that a chunk now matches on a host (after sync), with the sums found. */
    public synchronized void markSame(TableName table, int chunk, String host, ChunkSum writer, ChunkSum hostSum,
                                      String note) throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement("UPDATE " + t("checksums") + " SET"
                + " status = 'same', master_cnt = ?, master_crc = ?, this_cnt = ?, this_crc = ?, note = ?"
                + " WHERE db = ? AND tbl = ? AND chunk = ? AND host = ?")) {
            ps.setLong(1, writer.rows());
            ps.setString(2, writer.crc());
            ps.setLong(3, hostSum.rows());
            ps.setString(4, hostSum.crc());
            ps.setString(5, truncate(note, 512));
            ps.setString(6, table.db());
            ps.setString(7, table.table());
            ps.setInt(8, chunk);
            ps.setString(9, host);
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized void close() {
        session.close();
    }

    // ---- helpers

    private List<ChunkRow> rows(String where, long run) throws SQLException {
        List<ChunkRow> out = new ArrayList<>();
        try (PreparedStatement ps = session.connection().prepareStatement(select() + " FROM " + t("checksums")
                + " WHERE " + where + " ORDER BY db, tbl, chunk, host")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    private static String select() {
        return "SELECT db, tbl, chunk, host, chunk_index, chunk_range, master_cnt, master_crc, this_cnt, this_crc,"
                + " status, note";
    }

    private static ChunkRow row(ResultSet rs) throws SQLException {
        long thisCnt = rs.getLong(9);
        if (rs.wasNull()) {
            thisCnt = -1;
        }
        return new ChunkRow(new TableName(rs.getString(1), rs.getString(2)), rs.getInt(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8), thisCnt, rs.getString(10),
                ChunkStatus.parse(rs.getString(11)), rs.getString(12));
    }

    private void setTable(long run, TableName table, String status, String index, int chunks, String note)
            throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement("REPLACE INTO " + t("checksum_tables")
                + " (db, tbl, run_id, status, chunk_index, chunks, note) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, table.db());
            ps.setString(2, table.table());
            ps.setLong(3, run);
            ps.setString(4, status);
            ps.setString(5, index);
            ps.setInt(6, chunks);
            ps.setString(7, truncate(note, 512));
            ps.executeUpdate();
        }
    }

    private String t(String name) {
        return Sql.table(schema, name);
    }

    static String json(Optional<Boundary> b) {
        if (b.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(b.get().tokens());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write boundary as JSON", e);
        }
    }

    static Optional<Boundary> boundary(String json) throws SQLException {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Boundary(JSON.readValue(json, new TypeReference<List<String>>() { })));
        } catch (JsonProcessingException e) {
            throw new SQLException("stored boundary is not a JSON array of strings: " + truncate(json, 80));
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
