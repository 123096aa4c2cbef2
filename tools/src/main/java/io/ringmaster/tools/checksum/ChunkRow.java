package io.ringmaster.tools.checksum;

import java.util.Objects;

/**
 * One stored result: one chunk of one table on one host, compared with the writer. Immutable.
 *
 * @param table      the table
 * @param chunk      chunk number, from 1
 * @param host       host name (the writer has a row of its own, status {@code writer})
 * @param index      chunk index, or null for a table done whole
 * @param range      the range as people read it
 * @param writerRows rows on the writer
 * @param writerCrc  checksum on the writer
 * @param hostRows   rows on the host, or -1 when not computed
 * @param hostCrc    checksum on the host, or null when not computed
 * @param status     outcome
 * @param note       why a chunk was skipped or failed, or how a difference was confirmed; never null
 */
public record ChunkRow(TableName table, int chunk, String host, String index, String range, long writerRows,
                       String writerCrc, long hostRows, String hostCrc, ChunkStatus status, String note) {
    public ChunkRow {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(status, "status");
        note = note == null ? "" : note;
    }
}
