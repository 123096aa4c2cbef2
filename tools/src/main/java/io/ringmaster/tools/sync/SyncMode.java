package io.ringmaster.tools.sync;

/** Where the repair statements run. */
public enum SyncMode {
    /**
     * On the writer, with binlog_format=STATEMENT for the session: no-ops there (they write the writer's own
     * values), they replicate as statements and fix every host below, the target among them.
     */
    VIA_WRITER,
    /** On the target host only, with sql_log_bin=0 for the session: nothing replicates from the fix. */
    DIRECT
}
