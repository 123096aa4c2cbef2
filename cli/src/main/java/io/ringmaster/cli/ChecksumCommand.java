package io.ringmaster.cli;

import io.ringmaster.core.config.Durations;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.checksum.Checksum;
import io.ringmaster.tools.checksum.ChecksumException;
import io.ringmaster.tools.checksum.ChecksumOptions;
import io.ringmaster.tools.checksum.ChecksumReport;
import io.ringmaster.tools.checksum.ChecksumResult;
import io.ringmaster.tools.checksum.HashFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster checksum}: table checksums across the whole topology at the same GTID position. */
@Command(name = "checksum", mixinStandardHelpOptions = true, description = {
        "Compare tables between the writer and every other host, chunk by chunk, at the same GTID position:",
        "the writer computes each chunk under shared locks and reads its gtid_binlog_pos; each host waits",
        "(MASTER_GTID_WAIT) until it applied that position and computes the same chunk, all hosts in parallel.",
        "Correct below intermediate masters logging in ROW or MIXED format (where pt-table-checksum's replicated",
        "statement misses differences). Results are kept on the writer in SCHEMA.checksums (binary log off);",
        "`ringmaster sync` repairs what differs."},
        footer = {"", "Exit code: a bit mask (0: every chunk matches on every host):",
                "  1 error, 2 bad usage or configuration (alone), 4 interrupted (run again with --resume),",
                "  8 no host to compare, 16 differences found, 32 chunks skipped, 64 tables skipped,",
                "  128 replication stopped on a host."})
final class ChecksumCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("checksum");

    @Mixin ConfigOption config;
    @Option(names = {"-d", "--databases"}, split = ",", paramLabel = "DB",
            description = "Only these schemas (default: all but the system ones and the heartbeat schema).")
    List<String> databases = new ArrayList<>();
    @Option(names = {"-t", "--tables"}, split = ",", paramLabel = "TABLE", description = "Only these tables, T or DB.T.")
    List<String> tables = new ArrayList<>();
    @Option(names = "--ignore-databases", split = ",", paramLabel = "DB", description = "Leave these schemas out.")
    List<String> ignoreDatabases = new ArrayList<>();
    @Option(names = "--ignore-tables", split = ",", paramLabel = "TABLE", description = "Leave these tables out.")
    List<String> ignoreTables = new ArrayList<>();
    @Option(names = "--hosts", split = ",", paramLabel = "HOST",
            description = "Compare only these hosts with the writer (default: every other host).")
    List<String> hosts = new ArrayList<>();
    @Option(names = "--writer", paramLabel = "HOST",
            description = "The writer (default: the one master with read_only=OFF).")
    String writer;
    @Option(names = "--chunk-time", defaultValue = "500ms", paramLabel = "DURATION",
            description = "Target time of one chunk on the writer; the chunk size adapts (default ${DEFAULT-VALUE}).")
    String chunkTime;
    @Option(names = "--chunk-size", defaultValue = "1000", paramLabel = "ROWS",
            description = "Rows in each table's first chunk (default ${DEFAULT-VALUE}).")
    long chunkSize;
    @Option(names = "--max-chunk-rows", defaultValue = "1000000", paramLabel = "ROWS",
            description = "Largest chunk (default ${DEFAULT-VALUE}).")
    long maxChunkRows;
    @Option(names = "--max-whole-rows", defaultValue = "10000", paramLabel = "ROWS",
            description = "A table without a usable unique key is done in one chunk up to this many rows, else"
                    + " skipped (default ${DEFAULT-VALUE}).")
    long maxWholeRows;
    @Option(names = "--hash", defaultValue = "crc32", paramLabel = "FUNC",
            description = "Row hash: crc32 (fast) or md5 (64 bits of it) (default ${DEFAULT-VALUE}).")
    String hash;
    @Option(names = "--float-precision", paramLabel = "N",
            description = "Round FLOAT/DOUBLE values to N decimals before hashing (default: as stored).")
    Integer floatPrecision;
    @Option(names = "--retries", defaultValue = "2", paramLabel = "N",
            description = "Recompute a differing chunk up to N times before reporting it (default ${DEFAULT-VALUE}).")
    int retries;
    @Option(names = "--wait-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "Bound on a host reaching the writer's position for a chunk (default ${DEFAULT-VALUE}).")
    String waitTimeout;
    @Option(names = "--query-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "Bound on one chunk query (default ${DEFAULT-VALUE}).")
    String queryTimeout;
    @Option(names = "--max-lag", defaultValue = "1s", paramLabel = "DURATION",
            description = "Pause while a host lags more than this, by the heartbeat table (default ${DEFAULT-VALUE}).")
    String maxLag;
    @Option(names = "--max-load", defaultValue = "25", paramLabel = "THREADS",
            description = "Pause while a host has more Threads_running (default ${DEFAULT-VALUE}).")
    int maxLoad;
    @Option(names = "--throttle-timeout", defaultValue = "10m", paramLabel = "DURATION",
            description = "Give up (resumably) when one pause lasts longer (default ${DEFAULT-VALUE}).")
    String throttleTimeout;
    @Option(names = "--resume", description = "Continue the last unfinished run.")
    boolean resume;
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RingmasterConfig cfg = config.load();
        ChecksumOptions options = options(cfg);
        Checksum checksum = new Checksum(cfg, options, LOG::info, (c, rows) -> { }, Clock.systemUTC());
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger code = new AtomicInteger(4);
        Thread hook = new Thread(() -> {
            LOG.info("signal: finishing the chunks in progress, then stopping (--resume continues)");
            checksum.requestStop();
            try {
                if (done.await(5, TimeUnit.MINUTES)) {
                    Runtime.getRuntime().halt(code.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "checksum-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ChecksumResult result = checksum.run();
            System.out.print(json ? ChecksumReport.json(result) : ChecksumReport.text(result));
            System.out.flush();
            code.set(result.exitCode());
            return result.exitCode();
        } catch (ChecksumException e) {
            code.set(e.exitCode());
            throw new CliException(e.exitCode(), e.getMessage());
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook exits with the code
            }
        }
    }

    private ChecksumOptions options(RingmasterConfig cfg) {
        try {
            OptionalInt precision = floatPrecision == null ? OptionalInt.empty() : OptionalInt.of(floatPrecision);
            return new ChecksumOptions(set(databases), set(tables), set(ignoreDatabases), set(ignoreTables), hosts,
                    Optional.ofNullable(writer), duration("--chunk-time", chunkTime), chunkSize, maxChunkRows,
                    maxWholeRows, hashFunction(), precision, retries, duration("--wait-timeout", waitTimeout),
                    duration("--query-timeout", queryTimeout), duration("--max-lag", maxLag), maxLoad,
                    duration("--throttle-timeout", throttleTimeout), resume, cfg.monitor().heartbeatSchema());
        } catch (IllegalArgumentException e) {
            throw new CliException(2, e.getMessage());
        }
    }

    private HashFunction hashFunction() {
        try {
            return HashFunction.parse(hash);
        } catch (IllegalArgumentException e) {
            throw new CliException(2, "--hash " + e.getMessage());
        }
    }

    static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(2, option + ": " + e.getMessage());
        }
    }

    private static Set<String> set(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        values.stream().map(String::trim).filter(v -> !v.isEmpty()).forEach(out::add);
        return out;
    }
}
