package io.ringmaster.tools.checksum;

/** Outcome of one chunk on one host. */
public enum ChunkStatus {
    /** The writer's own row. */
    WRITER,
    /** Same row count and checksum as the writer. */
    SAME,
    /** Different row count or checksum, confirmed by the retries. */
    DIFF,
    /** Not compared: the host did not reach the writer's position in time, or is unreachable. */
    SKIPPED,
    /** The query failed on the host (e.g. the table is missing there). */
    ERROR;

    /** Lower-case name, as stored. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a stored label. */
    public static ChunkStatus parse(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
}
