package io.ringmaster.tools.checksum;

import java.nio.charset.Charset;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The index a table is chunked along (its primary key or a unique key on NOT NULL columns) and the SQL that cuts
 * chunks from it. A chunk is the half-open key range {@code (lower, upper]}; the first chunk has no lower bound and
 * the last no upper bound, so rows a host has outside the writer's range are still counted.
 *
 * <p>Composite keys are compared column by column in the expanded form the range optimizer handles,
 * {@code (a > 1) OR (a = 1 AND b > 2)}, as pt-table-checksum's nibble iterator does (NibbleIterator.pm).
 * Pure and thread-safe.
 *
 * @param index   index name ({@code PRIMARY} for the primary key), never null
 * @param columns key columns in index order, at least one
 */
public record ChunkKey(String index, List<Column> columns) {
    public ChunkKey {
        Objects.requireNonNull(index, "index");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a chunk key needs at least one column");
        }
    }

    /**
     * The condition of a chunk.
     *
     * @param lower exclusive lower bound, or empty for none
     * @param upper inclusive upper bound, or empty for none
     * @return the condition, or "" when both are empty (the whole table)
     */
    public String where(Optional<Boundary> lower, Optional<Boundary> upper) {
        List<String> parts = new ArrayList<>();
        lower.ifPresent(b -> parts.add("(" + compare(b, ">", ">") + ")"));
        upper.ifPresent(b -> parts.add("(" + compare(b, "<", "<=") + ")"));
        return String.join(" AND ", parts);
    }

    /**
     * The query that finds a chunk's upper bound: the key of the {@code rows}-th row after {@code lower}, read as
     * tokens. It returns no row when fewer rows are left (the chunk is the last).
     *
     * @param rows wanted chunk size, at least 1
     */
    public String upperBoundQuery(String db, String table, Optional<Boundary> lower, long rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, not " + rows);
        }
        String cols = columns.stream().map(Sql::tokenExpr).collect(Collectors.joining(", "));
        String order = columns.stream().map(Column::quoted).collect(Collectors.joining(", "));
        String where = where(lower, Optional.empty());
        return "SELECT " + cols + " FROM " + Sql.table(db, table) + " FORCE INDEX (" + Sql.ident(index) + ")"
                + (where.isEmpty() ? "" : " WHERE " + where) + " ORDER BY " + order + " LIMIT " + (rows - 1) + ", 1";
    }

    /** Key column names joined by commas, for reports. */
    public String columnNames() {
        return columns.stream().map(Column::name).collect(Collectors.joining(","));
    }

    /** A boundary as people read it: {@code 1000} or {@code ('abc', 5)}; strings decoded when their charset allows. */
    public String display(Boundary b) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            shown.add(displayToken(columns.get(i), b.tokens().get(i)));
        }
        return shown.size() == 1 ? shown.get(0) : "(" + String.join(", ", shown) + ")";
    }

    private String compare(Boundary b, String strict, String last) {
        if (b.tokens().size() != columns.size()) {
            throw new IllegalArgumentException("boundary has " + b.tokens().size() + " values for "
                    + columns.size() + " key columns");
        }
        List<String> disjuncts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            List<String> conj = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                conj.add(columns.get(j).quoted() + " = " + Sql.literal(columns.get(j), b.tokens().get(j), true));
            }
            String op = i == columns.size() - 1 ? last : strict;
            conj.add(columns.get(i).quoted() + " " + op + " " + Sql.literal(columns.get(i), b.tokens().get(i), true));
            disjuncts.add(conj.size() == 1 ? conj.get(0) : "(" + String.join(" AND ", conj) + ")");
        }
        return String.join(" OR ", disjuncts);
    }

    static String displayToken(Column c, String token) {
        if (c.kind() != ColumnKind.TEXT && c.kind() != ColumnKind.BINARY) {
            return token;
        }
        byte[] bytes = HexFormat.of().parseHex(token);
        Charset cs = javaCharset(c.charset());
        if (c.kind() == ColumnKind.TEXT && cs != null) {
            try {
                return Sql.quote(cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                // fall through to hex
            }
        }
        return "0x" + token;
    }

    private static Charset javaCharset(String mysql) {
        if (mysql == null) {
            return null;
        }
        String m = mysql.toLowerCase(Locale.ROOT);
        if (m.startsWith("utf8")) {
            return StandardCharsets.UTF_8;
        }
        return switch (m) {
            case "latin1" -> Charset.forName("windows-1252");
            case "ascii" -> StandardCharsets.US_ASCII;
            default -> null;
        };
    }
}
