package io.ringmaster.tools.checksum;

import java.util.List;
import java.util.Objects;

/**
 * One index of a table, from {@code information_schema.STATISTICS}. Immutable.
 *
 * @param name     index name ({@code PRIMARY} for the primary key)
 * @param unique   NON_UNIQUE = 0
 * @param columns  column names in index order
 * @param prefix   some column is indexed by a prefix only (SUB_PART set): useless for exact ranges
 */
public record IndexInfo(String name, boolean unique, List<String> columns, boolean prefix) {
    public IndexInfo {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
    }
}
