package io.ringmaster.tools.checksum;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What {@code ringmaster checksum} does, validated on construction. Immutable.
 *
 * @param databases        schemas to check; empty means every schema but the system ones and {@code schema}
 * @param tables           tables to check, {@code t} or {@code db.t}; empty means every table of the schemas
 * @param ignoreDatabases  schemas left out
 * @param ignoreTables     tables left out, {@code t} or {@code db.t}
 * @param hosts            hosts compared with the writer; empty means every configured host but the writer
 * @param writer           the writer's name; empty means the one master with read_only=OFF
 * @param chunkTime        target time of one chunk's checksum on the writer
 * @param chunkSize        rows of each table's first chunk
 * @param maxChunkRows     largest chunk, in rows
 * @param maxWholeRows     largest table without a usable key that is done in one chunk (estimated rows)
 * @param hash             row hash
 * @param floatPrecision   decimals kept of FLOAT/DOUBLE values; empty keeps them as they are
 * @param retries          how many times a differing chunk is computed again (writer and host) before it is
 *                         reported, to rule out writes that landed in between
 * @param waitTimeout      bound on one host reaching the writer's position for one chunk (MASTER_GTID_WAIT)
 * @param queryTimeout     bound on one checksum query (max_statement_time) and on each network read
 * @param maxLag           pause while some host lags more than this (heartbeat)
 * @param maxLoad          pause while some host has more than this many Threads_running
 * @param throttleTimeout  bound on one pause; past it the run stops with an error (resumable)
 * @param resume           continue the last unfinished run instead of starting a new one
 * @param schema           schema of the heartbeat table and of the checksum tables (the config's heartbeat_schema)
 */
public record ChecksumOptions(
        Set<String> databases,
        Set<String> tables,
        Set<String> ignoreDatabases,
        Set<String> ignoreTables,
        List<String> hosts,
        Optional<String> writer,
        Duration chunkTime,
        long chunkSize,
        long maxChunkRows,
        long maxWholeRows,
        HashFunction hash,
        OptionalInt floatPrecision,
        int retries,
        Duration waitTimeout,
        Duration queryTimeout,
        Duration maxLag,
        int maxLoad,
        Duration throttleTimeout,
        boolean resume,
        String schema) {

    /** Schemas never checked. */
    public static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema",
            "sys");

    /**
     * @throws IllegalArgumentException naming the option when a value is out of range
     */
    public ChecksumOptions {
        databases = Set.copyOf(databases);
        tables = Set.copyOf(tables);
        ignoreDatabases = Set.copyOf(ignoreDatabases);
        ignoreTables = Set.copyOf(ignoreTables);
        hosts = List.copyOf(hosts);
        require(positive(chunkTime), "--chunk-time must be positive");
        require(chunkSize >= 1, "--chunk-size must be at least 1, not " + chunkSize);
        require(maxChunkRows >= chunkSize, "--max-chunk-rows must be at least --chunk-size (" + chunkSize + ")");
        require(maxWholeRows >= 0, "--max-whole-rows must not be negative");
        require(floatPrecision.isEmpty() || (floatPrecision.getAsInt() >= 0 && floatPrecision.getAsInt() <= 30),
                "--float-precision must be 0 to 30");
        require(retries >= 0 && retries <= 10, "--retries must be 0 to 10, not " + retries);
        require(positive(waitTimeout), "--wait-timeout must be positive");
        require(positive(queryTimeout), "--query-timeout must be positive");
        require(positive(maxLag), "--max-lag must be positive");
        require(maxLoad >= 1, "--max-load must be at least 1, not " + maxLoad);
        require(positive(throttleTimeout), "--throttle-timeout must be positive");
        require(schema != null && schema.matches("[A-Za-z_][A-Za-z0-9_]{0,63}"), "schema must be a plain name");
    }

    /** Defaults: every table, 0.5 s chunks from 1000 rows, CRC32, 2 retries, 60 s waits, 1 s lag, 25 threads. */
    public static ChecksumOptions defaults() {
        return new ChecksumOptions(Set.of(), Set.of(), Set.of(), Set.of(), List.of(), Optional.empty(),
                Duration.ofMillis(500), 1000, 1_000_000, 10_000, HashFunction.CRC32, OptionalInt.empty(), 2,
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(1), 25, Duration.ofMinutes(10),
                false, "ringmaster");
    }

    /** True when the table is selected by the filters. */
    public boolean selects(String db, String table) {
        if (SYSTEM_SCHEMAS.contains(db.toLowerCase(java.util.Locale.ROOT)) || db.equals(schema)) {
            return false;
        }
        if (!databases.isEmpty() && !databases.contains(db)) {
            return false;
        }
        if (ignoreDatabases.contains(db) || ignoreTables.contains(table) || ignoreTables.contains(db + "." + table)) {
            return false;
        }
        return tables.isEmpty() || tables.contains(table) || tables.contains(db + "." + table);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A copy with other table filters. */
    public ChecksumOptions withTables(Set<String> databases, Set<String> tables) {
        return new ChecksumOptions(databases, tables, ignoreDatabases, ignoreTables, hosts, writer, chunkTime,
                chunkSize, maxChunkRows, maxWholeRows, hash, floatPrecision, retries, waitTimeout, queryTimeout,
                maxLag, maxLoad, throttleTimeout, resume, schema);
    }

    /** A copy that resumes (or not). */
    public ChecksumOptions withResume(boolean resume) {
        return new ChecksumOptions(databases, tables, ignoreDatabases, ignoreTables, hosts, writer, chunkTime,
                chunkSize, maxChunkRows, maxWholeRows, hash, floatPrecision, retries, waitTimeout, queryTimeout,
                maxLag, maxLoad, throttleTimeout, resume, schema);
    }

    /** A copy with another chunk time and first chunk size. */
    public ChecksumOptions withChunking(Duration chunkTime, long chunkSize, long maxChunkRows) {
        return new ChecksumOptions(databases, tables, ignoreDatabases, ignoreTables, hosts, writer, chunkTime,
                chunkSize, maxChunkRows, maxWholeRows, hash, floatPrecision, retries, waitTimeout, queryTimeout,
                maxLag, maxLoad, throttleTimeout, resume, schema);
    }

    /** A copy with other throttle settings. */
    public ChecksumOptions withThrottle(Duration maxLag, int maxLoad, Duration throttleTimeout) {
        return new ChecksumOptions(databases, tables, ignoreDatabases, ignoreTables, hosts, writer, chunkTime,
                chunkSize, maxChunkRows, maxWholeRows, hash, floatPrecision, retries, waitTimeout, queryTimeout,
                maxLag, maxLoad, throttleTimeout, resume, schema);
    }
}
