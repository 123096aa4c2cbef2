/**
 * {@code ringmaster checksum}: table checksums across a whole multi-master topology.
 *
 * <h2>Approach: every host computes each chunk at the writer's GTID position</h2>
 * pt-table-checksum has the writer run {@code REPLACE INTO percona.checksums SELECT ... CRC32 ...} with
 * binlog_format=STATEMENT and lets replication make every replica recompute it. Below an intermediate master that
 * logs in ROW or MIXED format (MariaDB's default is MIXED, and REPLACE ... SELECT is unsafe, so it is logged as
 * rows), the intermediate master's own result travels down as row images: its replicas store numbers they never
 * computed, differences there go unseen and the intermediate master's own differences show up on them instead
 * (Percona bug 899415). The two ways out were (a) make the statement replicate as a statement end to end, which
 * means changing binlog_format globally on every intermediate master of a production ring, or (b) compute each
 * chunk on every host at the same position. This package does (b):
 * <ol>
 *   <li>the writer opens {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and reads the position of the snapshot
 *       in its binary log; when the log stood still meanwhile, {@code gtid_binlog_pos} is the snapshot's exact
 *       GTID position ({@link io.ringmaster.tools.checksum.HostSession#beginSnapshot}); otherwise (a busy writer)
 *       it reads the chunk under shared locks and takes the position while holding them
 *       ({@link io.ringmaster.tools.checksum.HostSession#checksumLocked}): locks for one chunk, 1 s lock wait;</li>
 *   <li>every other host, on a thread and connection of its own, waits with {@code MASTER_GTID_WAIT} (bounded)
 *       until it has applied that position and runs the same query as one consistent read;</li>
 *   <li>a differing chunk is computed again (writer and host) up to {@code --retries} times, so a write that
 *       landed between the two reads is not reported.</li>
 * </ol>
 * Nothing replicates, nothing depends on any host's binlog_format, and since the hosts work in parallel with the
 * writer, no statement or checksum row goes through the binary log, it is faster as well
 * ({@code bench/checksum/run.sh}).
 *
 * <h2>Chunks and rows</h2>
 * Tables are cut along the primary key or a unique key on NOT NULL columns ({@link
 * io.ringmaster.tools.checksum.TablePlan}) by pt-table-checksum's nibbling ({@code ORDER BY key LIMIT n-1, 1}),
 * with a chunk size adapted to a target time ({@link io.ringmaster.tools.checksum.ChunkSizer}); a table without
 * such a key is done whole when small, else skipped with the reason. Row and chunk checksums are described in
 * {@link io.ringmaster.tools.checksum.RowHashSql}.
 *
 * <h2>Results, exit code</h2>
 * Results are kept on the writer in {@code SCHEMA.checksums} with {@code sql_log_bin=0}
 * ({@link io.ringmaster.tools.checksum.ChecksumStore}); they drive {@code --resume} and {@code ringmaster sync}.
 * The exit code is a bit mask ({@link io.ringmaster.tools.checksum.ExitStatus}).
 */
package io.ringmaster.tools.checksum;
