package io.ringmaster.tools.sync;

import java.util.List;

/**
 * What a sync found and did. Immutable.
 *
 * @param table        the table
 * @param host         the repaired host
 * @param writer       the writer
 * @param mode         where the statements ran (or would run)
 * @param chunks       differing chunks examined
 * @param missing      rows the host lacked
 * @param changed      rows that differed
 * @param extra        rows the host had too many
 * @param statements   the statements, in order (preamble not included)
 * @param executed     whether they ran
 * @param stillDiffer  chunks that still differed after the statements ran (empty when all match or dry run)
 * @param notes        what the operator should know, one line each
 */
public record SyncResult(String table, String host, String writer, SyncMode mode, int chunks, int missing,
                         int changed, int extra, List<String> statements, boolean executed, List<Integer> stillDiffer,
                         List<String> notes) {
    /** No statement needed. */
    public static final int IN_SYNC = 0;
    /** An error, a refusal, or chunks that still differ after executing. */
    public static final int FAILED = 1;
    /** Bad usage. */
    public static final int USAGE = 2;
    /** Dry run: statements printed, nothing executed. */
    public static final int DIFFERENCES = 16;

    public SyncResult {
        statements = List.copyOf(statements);
        stillDiffer = List.copyOf(stillDiffer);
        notes = List.copyOf(notes);
    }

    /**
     * The exit code: 0 nothing to do or executed and verified; 16 statements printed but not executed; 1 when
     * chunks still differ after executing.
     */
    public int exitCode() {
        if (!stillDiffer.isEmpty()) {
            return FAILED;
        }
        return !executed && !statements.isEmpty() ? DIFFERENCES : IN_SYNC;
    }
}
