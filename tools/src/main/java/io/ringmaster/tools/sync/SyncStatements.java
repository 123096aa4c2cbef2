package io.ringmaster.tools.sync;

import io.ringmaster.tools.checksum.Column;
import io.ringmaster.tools.checksum.Sql;
import io.ringmaster.tools.checksum.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns row changes into SQL, after pt-table-sync (its --sync-to-master REPLACE trick and its per-row
 * DELETE/REPLACE/INSERT). Pure and thread-safe.
 *
 * <p>Order: every DELETE first, then REPLACE / INSERT, so that a key that matches under the column's collation
 * but not byte for byte is removed before it is written again. With a unique key:
 * <ul>
 *   <li>{@link SyncMode#VIA_WRITER}: extra row → {@code DELETE ... WHERE key}; missing or changed row →
 *       {@code REPLACE} with the writer's values (the writer has them already: a no-op there);</li>
 *   <li>{@link SyncMode#DIRECT}: extra → DELETE, missing → INSERT, changed → REPLACE.</li>
 * </ul>
 * Without a unique key (direct only): extra → {@code DELETE ... WHERE every column <=> value LIMIT 1}, missing →
 * INSERT. Values are written exactly as read: strings as their bytes in the column's charset.
 */
public final class SyncStatements {
    private SyncStatements() {}

    /**
     * The statements for a list of changes.
     *
     * @param table   the table
     * @param columns the stored columns, in the order of the row tokens
     * @param key     positions of the unique key columns in a row; empty for a table without one
     * @param mode    where they will run
     * @param changes the changes
     * @throws IllegalArgumentException for VIA_WRITER without a key (an INSERT on the writer would duplicate rows)
     */
    public static List<String> of(TableName table, List<Column> columns, List<Integer> key, SyncMode mode,
                                  List<RowChange> changes) {
        if (key.isEmpty() && mode == SyncMode.VIA_WRITER) {
            throw new IllegalArgumentException("a table without a unique key can only be repaired directly on the"
                    + " host (--direct)");
        }
        List<String> deletes = new ArrayList<>();
        List<String> writes = new ArrayList<>();
        for (RowChange c : changes) {
            switch (c) {
                case RowChange.Extra e -> deletes.add(delete(table, columns, key, e.hostRow()));
                case RowChange.Missing m -> writes.add(write(table, columns,
                        mode == SyncMode.DIRECT ? "INSERT" : "REPLACE", m.writerRow()));
                case RowChange.Changed ch -> writes.add(write(table, columns, "REPLACE", ch.writerRow()));
            }
        }
        List<String> out = new ArrayList<>(deletes);
        out.addAll(writes);
        return out;
    }

    static String delete(TableName table, List<Column> columns, List<Integer> key, List<String> row) {
        if (key.isEmpty()) {
            List<String> conds = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                conds.add(columns.get(i).quoted() + " <=> " + Sql.literal(columns.get(i), row.get(i), true));
            }
            return "DELETE FROM " + table.sql() + " WHERE " + String.join(" AND ", conds) + " LIMIT 1";
        }
        List<String> conds = new ArrayList<>();
        for (int p : key) {
            conds.add(columns.get(p).quoted() + " = " + Sql.literal(columns.get(p), row.get(p), true));
        }
        return "DELETE FROM " + table.sql() + " WHERE " + String.join(" AND ", conds);
    }

    static String write(TableName table, List<Column> columns, String verb, List<String> row) {
        String names = columns.stream().map(Column::quoted).collect(Collectors.joining(", "));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            values.add(Sql.literal(columns.get(i), row.get(i), false));
        }
        return verb + " INTO " + table.sql() + " (" + names + ") VALUES (" + String.join(", ", values) + ")";
    }
}
