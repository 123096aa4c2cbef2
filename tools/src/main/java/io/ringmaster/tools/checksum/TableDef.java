package io.ringmaster.tools.checksum;

import java.util.List;
import java.util.Objects;

/**
 * A table's definition as read on the writer. Immutable.
 *
 * @param name          the table
 * @param columns       columns in ordinal order, never empty
 * @param indexes       indexes, may be empty
 * @param estimatedRows TABLE_ROWS (InnoDB: an estimate)
 * @param engine        storage engine, e.g. InnoDB
 */
public record TableDef(TableName name, List<Column> columns, List<IndexInfo> indexes, long estimatedRows,
                       String engine) {
    public TableDef {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        indexes = List.copyOf(indexes);
    }
}
