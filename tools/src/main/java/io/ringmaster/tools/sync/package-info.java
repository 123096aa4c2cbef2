/**
 * {@code ringmaster sync}: repairs the chunks {@code ringmaster checksum} found different on one host, by row
 * diff ({@link io.ringmaster.tools.sync.RowDiff}) and per-row DELETE / REPLACE / INSERT statements
 * ({@link io.ringmaster.tools.sync.SyncStatements}) run through the writer (binlog_format=STATEMENT, pt-table-sync's
 * --sync-to-master) or directly on the host with the binary log off ({@link io.ringmaster.tools.sync.TableSync}).
 */
package io.ringmaster.tools.sync;
