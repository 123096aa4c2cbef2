package io.ringmaster.tools.checksum;

import java.util.Objects;

/**
 * A table's schema and name. Immutable.
 *
 * @param db    schema, never null
 * @param table table, never null
 */
public record TableName(String db, String table) implements Comparable<TableName> {
    public TableName {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(table, "table");
    }

    /**
     * Parses {@code db.table}.
     *
     * @throws IllegalArgumentException when there is no dot or a part is empty
     */
    public static TableName parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not DB.TABLE");
        }
        return new TableName(text.substring(0, dot), text.substring(dot + 1));
    }

    /** {@code `db`.`table`}. */
    public String sql() {
        return Sql.table(db, table);
    }

    @Override
    public int compareTo(TableName o) {
        int c = db.compareTo(o.db);
        return c != 0 ? c : table.compareTo(o.table);
    }

    @Override
    public String toString() {
        return db + "." + table;
    }
}
