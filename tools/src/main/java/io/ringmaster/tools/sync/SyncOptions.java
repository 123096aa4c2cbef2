package io.ringmaster.tools.sync;

import io.ringmaster.tools.checksum.TableName;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code ringmaster sync} does. Immutable.
 *
 * @param table            the table to repair
 * @param to               the host to make match the writer
 * @param execute          run the statements (false: print them only, the default)
 * @param mode             where they run
 * @param allowNoUniqueKey repair a table without a unique key (direct only; rows matched on every column)
 * @param allowCascades    repair a table that other tables reference with cascading foreign keys
 * @param writer           the writer's name; empty means the one master with read_only=OFF
 * @param schema           schema of the checksum tables
 * @param waitTimeout      bound on the host reaching the writer's position
 * @param queryTimeout     bound on each query
 */
public record SyncOptions(TableName table, String to, boolean execute, SyncMode mode, boolean allowNoUniqueKey,
                          boolean allowCascades, Optional<String> writer, String schema, Duration waitTimeout,
                          Duration queryTimeout) {
    public SyncOptions {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(schema, "schema");
    }

    /** Print-only, via the writer, 60 s bounds, schema {@code ringmaster}. */
    public static SyncOptions of(TableName table, String to) {
        return new SyncOptions(table, to, false, SyncMode.VIA_WRITER, false, false, Optional.empty(), "ringmaster",
                Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /** A copy that executes (or not) in the given mode. */
    public SyncOptions with(boolean execute, SyncMode mode) {
        return new SyncOptions(table, to, execute, mode, allowNoUniqueKey, allowCascades, writer, schema, waitTimeout,
                queryTimeout);
    }

    /** A copy with the refusals lifted (or not). */
    public SyncOptions allowing(boolean noUniqueKey, boolean cascades) {
        return new SyncOptions(table, to, execute, mode, noUniqueKey, cascades, writer, schema, waitTimeout,
                queryTimeout);
    }
}
