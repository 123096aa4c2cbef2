package io.ringmaster.tools.checksum;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads table lists and definitions from {@code information_schema} (on the writer). Stateless; each call uses the
 * caller's connection, which must not be shared with another thread during the call.
 */
public final class SchemaReader {
    private SchemaReader() {}

    /**
     * The base tables the options select, sorted by schema and name.
     *
     * @throws SQLException on a server error
     */
    public static List<TableName> tables(Connection c, ChecksumOptions options) throws SQLException {
        List<TableName> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (options.selects(rs.getString(1), rs.getString(2))) {
                    out.add(new TableName(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /**
     * A table's definition.
     *
     * @return the definition, or empty when the table does not exist
     * @throws SQLException on a server error
     */
    public static Optional<TableDef> describe(Connection c, TableName t) throws SQLException {
        long rows;
        String engine;
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(TABLE_ROWS, 0), COALESCE(ENGINE, '')"
                + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, t.db());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                rows = rs.getLong(1);
                engine = rs.getString(2);
            }
        }
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, "
                + "CHARACTER_SET_NAME, COLLATION_NAME, EXTRA FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, t.db());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String extra = rs.getString(6) == null ? "" : rs.getString(6).toUpperCase(java.util.Locale.ROOT);
                    columns.add(new Column(rs.getString(1), rs.getString(2), "YES".equals(rs.getString(3)),
                            rs.getString(4), rs.getString(5), extra.contains("VIRTUAL")));
                }
            }
        }
        Map<String, List<String>> cols = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, Boolean> prefix = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART "
                + "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                + "ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, t.db());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    cols.computeIfAbsent(name, k -> new ArrayList<>()).add(rs.getString(3));
                    unique.put(name, rs.getInt(2) == 0);
                    prefix.merge(name, rs.getObject(4) != null, Boolean::logicalOr);
                }
            }
        }
        List<IndexInfo> indexes = new ArrayList<>();
        cols.forEach((name, list) -> indexes.add(new IndexInfo(name, unique.get(name), list, prefix.get(name))));
        return Optional.of(new TableDef(t, columns, indexes, rows, engine));
    }

    /**
     * Foreign keys in other tables (or this one) that cascade changes of {@code t}'s rows: ON DELETE or ON UPDATE
     * CASCADE, SET NULL or SET DEFAULT. A REPLACE or DELETE on {@code t} would change those tables too.
     *
     * @return descriptions like {@code shop.line.fk_order ON DELETE CASCADE}, empty when none
     * @throws SQLException on a server error
     */
    public static List<String> cascadingForeignKeys(Connection c, TableName t) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, "
                + "DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
                + "WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ? "
                + "AND (DELETE_RULE <> 'RESTRICT' AND DELETE_RULE <> 'NO ACTION' "
                + "OR UPDATE_RULE <> 'RESTRICT' AND UPDATE_RULE <> 'NO ACTION')")) {
            ps.setString(1, t.db());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "." + rs.getString(2) + "." + rs.getString(3) + " ON DELETE "
                            + rs.getString(4) + " ON UPDATE " + rs.getString(5));
                }
            }
        }
        return out;
    }
}
