package io.ringmaster.tools.archive;

/**
 * The archiver's report, rewritten by the monitor every few seconds into {@code REPO/binlog/status.json}.
 * Immutable.
 *
 * @param updated       when this report was written (ISO-8601)
 * @param writer        the host being archived, "" when none
 * @param running       true while {@code mariadb-binlog} streams from it
 * @param archived      the archive's end state (GTID position)
 * @param writerPos     the writer's {@code gtid_binlog_pos} when last asked
 * @param lagTransactions transactions the writer has that the archive lacks
 * @param lagSeconds    seconds between the writer's clock now and the last archived commit, 0 when caught up
 * @param lagBytes      bytes of the writer's binlogs not yet archived (same file only; -1 unknown)
 * @param error         the last error, "" when none
 */
public record ArchiveStatus(String updated, String writer, boolean running, String archived, String writerPos,
                            long lagTransactions, long lagSeconds, long lagBytes, String error) {}
