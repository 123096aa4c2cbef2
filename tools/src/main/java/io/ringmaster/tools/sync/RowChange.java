package io.ringmaster.tools.sync;

import java.util.List;

/**
 * One row to change on the target host so that it matches the writer. Rows are lists of tokens (see
 * {@link io.ringmaster.tools.checksum.Sql#tokenExpr}), one per stored column, null for SQL NULL. Immutable.
 */
public sealed interface RowChange {
    /** The row is on the writer, not on the host. */
    record Missing(List<String> writerRow) implements RowChange {}

    /** The row is on both with the same key and other values. */
    record Changed(List<String> writerRow, List<String> hostRow) implements RowChange {}

    /** The row is on the host, not on the writer. */
    record Extra(List<String> hostRow) implements RowChange {}
}
