package io.ringmaster.tools.checksum;

import java.util.List;
import java.util.Objects;

/**
 * A value of a chunk key: one token per key column, in the form {@link Sql#tokenExpr} reads them (hex for strings,
 * text for numbers and temporal values). Never holds NULL: key columns are NOT NULL. Immutable.
 *
 * @param tokens one per key column, never null
 */
public record Boundary(List<String> tokens) {
    public Boundary {
        tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
    }

    /** A boundary of the given tokens. */
    public static Boundary of(String... tokens) {
        return new Boundary(List.of(tokens));
    }
}
