package io.ringmaster.tools.checksum;

import java.util.Objects;

/**
 * One column of a table, as read from {@code information_schema.COLUMNS} on the writer. Immutable.
 *
 * @param name       column name, never null
 * @param dataType   DATA_TYPE, e.g. {@code varchar}, never null
 * @param nullable   IS_NULLABLE
 * @param charset    CHARACTER_SET_NAME for character columns, else null
 * @param collation  COLLATION_NAME for character columns, else null
 * @param virtual    a VIRTUAL generated column (computed on read: not hashed, never written)
 */
public record Column(String name, String dataType, boolean nullable, String charset, String collation,
                     boolean virtual) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
    }

    /** A plain stored column (tests and callers that do not care about generation). */
    public static Column of(String name, String dataType, boolean nullable) {
        return new Column(name, dataType, nullable, null, null, false);
    }

    /** A character column with its charset and collation. */
    public static Column text(String name, String dataType, boolean nullable, String charset, String collation) {
        return new Column(name, dataType, nullable, charset, collation, false);
    }

    /** How the column is hashed and written. */
    public ColumnKind kind() {
        return ColumnKind.of(dataType);
    }

    /** The name quoted with backticks, backticks inside doubled. */
    public String quoted() {
        return Sql.ident(name);
    }
}
