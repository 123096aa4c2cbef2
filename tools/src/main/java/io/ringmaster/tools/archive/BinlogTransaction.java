package io.ringmaster.tools.archive;

import io.ringmaster.core.gtid.GtidPosition.Gtid;
import java.time.Instant;
import java.util.List;

/**
 * One transaction (one GTID event group) read from a binary log file by {@link BinlogScanner}. Immutable.
 *
 * @param gtid        its GTID
 * @param startOffset byte offset of its GTID event in the file
 * @param endOffset   byte offset just after its last event (the {@code end_log_pos} of its Xid, COMMIT or DDL)
 * @param committed   the timestamp of its last event (seconds precision, as the binary log keeps it)
 * @param complete    true when its terminating event was read (false for the torn tail of a live file)
 * @param changes     what it did to which table (empty unless the scan asked for it); never null
 */
public record BinlogTransaction(Gtid gtid, long startOffset, long endOffset, Instant committed, boolean complete,
                                List<Change> changes) {
    public BinlogTransaction {
        changes = List.copyOf(changes);
    }

    /**
     * One change: a row event ({@code INSERT}, {@code UPDATE}, {@code DELETE} with its row count) or a statement
     * ({@code kind} the statement's first word, rows -1, {@code statement} its text cut to 200 characters).
     *
     * @param table {@code db.table}, or "" for a statement whose table is not known
     */
    public record Change(String table, String kind, long rows, String statement) {}
}
