package io.ringmaster.tools.checksum;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Generates the row-hash expression and the chunk checksum query.
 *
 * <p>Row text, after pt-table-checksum's {@code CONCAT_WS('#', cols..., CONCAT(ISNULL(col)...))}
 * (TableChecksum.pm), made stricter:
 * <ul>
 *   <li>every column of a string kind is cast to its bytes, so text in any charset, binary data and JSON mix
 *       without collation errors and compare byte for byte;</li>
 *   <li>a marker of {@code ISNULL()} flags of the nullable columns tells NULL from the empty string;</li>
 *   <li>a marker of the byte lengths of the variable-length columns, when there are two or more, keeps a
 *       separator inside a value from shifting between columns ({@code 'a#','b'} against {@code 'a','#b'});</li>
 *   <li>floating point columns are {@code ROUND}ed to a configurable number of decimals, or else taken exactly
 *       (a FLOAT as {@code CAST(col AS DOUBLE)}: its own text keeps only 6 digits);</li>
 *   <li>BIT as its number, spatial values as SRID and WKB, temporal values as text (callers set time_zone).</li>
 * </ul>
 * VIRTUAL generated columns are left out: they are computed from the others.
 *
 * <p>The chunk checksum is {@code COUNT(*)} plus BIT_XOR of the row hashes (order-independent), plus SUM of them
 * when rows may repeat (no unique key). Pure and thread-safe.
 */
public final class RowHashSql {
    private final HashFunction hash;
    private final OptionalInt floatPrecision;

    /**
     * @param hash           the row hash
     * @param floatPrecision decimals kept of FLOAT/DOUBLE values, or empty to take them as they are
     */
    public RowHashSql(HashFunction hash, OptionalInt floatPrecision) {
        this.hash = hash;
        this.floatPrecision = floatPrecision;
    }

    /** The expression one column contributes to the row text. */
    public String columnExpr(Column c) {
        String q = c.quoted();
        return switch (c.kind()) {
            case INTEGER, DECIMAL, TEMPORAL -> q;
            case FLOAT -> floatPrecision.isPresent() ? "ROUND(" + q + ", " + floatPrecision.getAsInt() + ")"
                    : Sql.exactFloat(c);
            case BIT -> "(" + q + "+0)";
            case TEXT -> "CAST(" + q + " AS BINARY)";
            case JSON -> "CAST(CAST(" + q + " AS CHAR CHARACTER SET utf8mb4) AS BINARY)";
            case BINARY -> q;
            case GEOMETRY -> "CONCAT(ST_SRID(" + q + "), ':', ST_AsWKB(" + q + "))";
            case OTHER -> "CAST(" + q + " AS CHAR)";
        };
    }

    /**
     * The row text: {@code CONCAT_WS('#', col..., nullFlags, lengths)}.
     *
     * @param columns the table's columns in order; at least one stored column
     * @throws IllegalArgumentException when no column is left after dropping VIRTUAL ones
     */
    public String rowText(List<Column> columns) {
        List<String> parts = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        for (Column c : columns) {
            if (c.virtual()) {
                continue;
            }
            parts.add(columnExpr(c));
            if (c.nullable()) {
                nulls.add("ISNULL(" + c.quoted() + ")");
            }
            if (c.kind().variableLength()) {
                boolean plain = c.kind() == ColumnKind.TEXT || c.kind() == ColumnKind.BINARY;
                lengths.add("OCTET_LENGTH(" + (plain ? c.quoted() : columnExpr(c)) + ")");
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no stored column to checksum");
        }
        if (!nulls.isEmpty()) {
            parts.add("CONCAT(" + String.join(", ", nulls) + ")");
        }
        if (lengths.size() >= 2) { // with one value that may hold '#', the fields cannot shift
            parts.add("CONCAT_WS(',', " + String.join(", ", lengths) + ")");
        }
        return "CONCAT_WS('#', " + String.join(", ", parts) + ")";
    }

    /** The unsigned 64-bit row hash expression. */
    public String rowHash(List<Column> columns) {
        return hash.sql(rowText(columns));
    }

    /**
     * The chunk checksum query, one row: {@code cnt}, {@code xor} (unsigned, decimal), {@code sum} (decimal or 0).
     *
     * @param db         schema
     * @param table      table
     * @param columns    the table's columns
     * @param index      index to scan (FORCE INDEX), or null for none
     * @param where      the chunk's condition, or empty for the whole table
     * @param withSum    also SUM the row hashes (tables whose rows may repeat)
     * @param lock       add LOCK IN SHARE MODE (on the writer: the chunk's rows cannot change until commit)
     */
    public String chunkQuery(String db, String table, List<Column> columns, String index, String where,
                             boolean withSum, boolean lock) {
        String h = rowHash(columns);
        StringBuilder sql = new StringBuilder("SELECT COUNT(*), COALESCE(BIT_XOR(").append(h).append("), 0), ");
        sql.append(withSum ? "COALESCE(SUM(" + h + "), 0)" : "0");
        sql.append(" FROM ").append(Sql.table(db, table));
        if (index != null) {
            sql.append(" FORCE INDEX (").append(Sql.ident(index)).append(")");
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(where);
        }
        if (lock) {
            sql.append(" LOCK IN SHARE MODE");
        }
        return sql.toString();
    }
}
