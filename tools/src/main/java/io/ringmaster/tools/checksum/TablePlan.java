package io.ringmaster.tools.checksum;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a table is checksummed: in chunks along a key, whole in one chunk, or not at all. Decided by
 * {@link #choose}, a pure function of the table's definition. Immutable.
 */
public sealed interface TablePlan {
    /** Chunked along {@code key}. */
    record Chunked(ChunkKey key) implements TablePlan {}

    /** One chunk without bounds: no usable key, but small enough. */
    record Whole(String reason) implements TablePlan {}

    /** Not checksummed. */
    record Skip(String reason) implements TablePlan {}

    /**
     * Chooses: the primary key when usable, else the unique index on NOT NULL columns with the fewest columns
     * (then by name); a key is usable when no column is indexed by a prefix and every column is of a kind that
     * compares exactly (integers, DECIMAL, character strings, binary strings, temporal values: not FLOAT, BIT,
     * ENUM/SET, JSON, spatial). Without one, the table is done whole when it has at most {@code maxWholeRows}
     * rows (estimated), else skipped.
     *
     * @param columns       the table's columns
     * @param indexes       its indexes
     * @param estimatedRows TABLE_ROWS (an estimate for InnoDB), at least 0
     * @param maxWholeRows  largest keyless table done in one chunk
     * @return the plan, never null; the reason says why a table is not chunked
     */
    static TablePlan choose(List<Column> columns, List<IndexInfo> indexes, long estimatedRows, long maxWholeRows) {
        Map<String, Column> byName = columns.stream().collect(Collectors.toMap(
                c -> c.name().toLowerCase(java.util.Locale.ROOT), Function.identity(), (a, b) -> a));
        Optional<ChunkKey> key = indexes.stream()
                .filter(i -> i.unique() && usable(i, byName))
                .sorted((a, b) -> {
                    boolean pa = a.name().equals("PRIMARY");
                    boolean pb = b.name().equals("PRIMARY");
                    if (pa != pb) {
                        return pa ? -1 : 1;
                    }
                    int n = Integer.compare(a.columns().size(), b.columns().size());
                    return n != 0 ? n : a.name().compareTo(b.name());
                })
                .findFirst()
                .map(i -> new ChunkKey(i.name(), i.columns().stream()
                        .map(c -> byName.get(c.toLowerCase(java.util.Locale.ROOT))).toList()));
        if (key.isPresent()) {
            return new Chunked(key.get());
        }
        String why = indexes.stream().anyMatch(IndexInfo::unique)
                ? "no unique key usable for chunking (nullable, prefix or inexact column types)"
                : "no primary or unique key";
        if (estimatedRows <= maxWholeRows) {
            return new Whole(why + "; about " + estimatedRows + " rows, done in one chunk");
        }
        return new Skip(why + " and about " + estimatedRows + " rows (more than " + maxWholeRows
                + " for one chunk; raise --max-whole-rows to check it whole)");
    }

    private static boolean usable(IndexInfo index, Map<String, Column> byName) {
        if (index.prefix() || index.columns().isEmpty()) {
            return false;
        }
        for (String name : index.columns()) {
            Column c = byName.get(name.toLowerCase(java.util.Locale.ROOT));
            if (c == null || c.nullable() || c.virtual() || !keyKind(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean keyKind(Column c) {
        String t = c.dataType().toLowerCase(java.util.Locale.ROOT);
        return switch (c.kind()) {
            case INTEGER, DECIMAL, TEMPORAL -> true;
            case TEXT -> !t.equals("enum") && !t.equals("set") && !t.endsWith("text");
            case BINARY -> !t.endsWith("blob");
            default -> false;
        };
    }
}
