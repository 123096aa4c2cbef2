package io.ringmaster.tools.checksum;

import java.util.Objects;
import java.util.Optional;

/**
 * One chunk of one table: a key range {@code (lower, upper]}, or the whole table. Immutable.
 *
 * @param table   the table
 * @param number  1-based position in the table
 * @param key     the chunk key, or empty for a table done whole
 * @param lower   exclusive lower bound, empty for the first chunk
 * @param upper   inclusive upper bound, empty for the last chunk
 */
public record Chunk(TableName table, int number, Optional<ChunkKey> key, Optional<Boundary> lower,
                    Optional<Boundary> upper) {
    public Chunk {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
    }

    /** The chunk's condition, "" for the whole table. */
    public String where() {
        return key.map(k -> k.where(lower, upper)).orElse("");
    }

    /** The index scanned, or null. */
    public String index() {
        return key.map(ChunkKey::index).orElse(null);
    }

    /** Rows may repeat (no unique key): the checksum also sums row hashes. */
    public boolean rowsMayRepeat() {
        return key.isEmpty();
    }

    /** The range as people read it, e.g. {@code id in (1000, 2000]} or {@code whole table}. */
    public String range() {
        if (key.isEmpty()) {
            return "whole table";
        }
        ChunkKey k = key.get();
        return k.columnNames() + " in " + lower.map(b -> "(" + k.display(b)).orElse("(-inf") + ", "
                + upper.map(b -> k.display(b) + "]").orElse("+inf)");
    }
}
