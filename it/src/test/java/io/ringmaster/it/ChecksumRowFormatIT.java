package io.ringmaster.it;

import static io.ringmaster.it.ChecksumIT.awaitReplication;
import static io.ringmaster.it.ChecksumIT.createTypesSchema;
import static io.ringmaster.it.ChecksumIT.exec;
import static io.ringmaster.it.ChecksumIT.injectDivergences;
import static io.ringmaster.it.ChecksumIT.seedDivergenceTables;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxSpec;
import io.ringmaster.tools.checksum.Checksum;
import io.ringmaster.tools.checksum.ChecksumOptions;
import io.ringmaster.tools.checksum.ChecksumResult;
import io.ringmaster.tools.checksum.ChunkRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case pt-table-checksum gets wrong: every server logs in ROW format, so the passive master db2 passes row
 * images, not statements, to its replica db4. The same-position checksum must still see db4's own differences,
 * and report nothing on identical data, also while the writer takes writes.
 */
class ChecksumRowFormatIT {
    static final int BASE_PORT = 26100;
    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static RingmasterConfig config;

    @BeforeAll
    static void up() {
        sandbox = Sandbox.up(SandboxSpec.of(dir.resolve("sb")).withBasePort(BASE_PORT).withTopology(2, 1)
                .withExtraConfig(List.of("binlog_format=ROW")));
        config = sandbox.config();
    }

    @AfterAll
    static void down() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldFindNoDifferenceUnderRowFormatWhileTheWriterTakesWrites() throws Exception {
        createTypesSchema(config, "rowsame");
        exec(config, "db1", "CREATE TABLE rowsame.busy (id INT PRIMARY KEY, n INT NOT NULL, s VARCHAR(30))",
                "INSERT INTO rowsame.busy SELECT seq, 0, CONCAT('s', seq) FROM seq_1_to_10000");
        awaitReplication(config);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> writer = load.submit(() -> {
            HostConfig db1 = config.host("db1");
            try (Connection c = Connections.open(db1.address(), db1.port(), config.monitorUser(),
                    Duration.ofSeconds(10)); Statement st = c.createStatement()) {
                while (writing.get()) {
                    int id = ThreadLocalRandom.current().nextInt(1, 10_500);
                    st.execute("INSERT INTO rowsame.busy VALUES (" + id + ", 1, 'new') ON DUPLICATE KEY UPDATE"
                            + " n = n + 1, s = IF(n % 3 = 0, NULL, CONCAT('u', n))");
                    writes.incrementAndGet();
                    Thread.sleep(2);
                }
            }
            return null;
        });
        try {
            ChecksumOptions options = ChecksumOptions.defaults().withTables(Set.of("rowsame"), Set.of())
                    .withChunking(Duration.ofMillis(5), 50, 50);
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            ChecksumResult r = new Checksum(config, options, log::add, (c, rows) -> { }, Clock.systemUTC()).run();
            assertThat(r.exitCode()).as(String.join("\n", log)).isZero();
            assertThat(r.tables()).extracting(t -> t.table().table())
                    .containsExactly("busy", "composite", "keyless", "types");
            assertThat(r.tables().stream().filter(t -> t.table().table().equals("busy")).findFirst().orElseThrow()
                    .chunks()).isGreaterThan(150);
        } finally {
            writing.set(false);
            writer.get(30, TimeUnit.SECONDS);
            load.shutdownNow();
        }
        assertThat(writes.get()).isGreaterThan(20);
    }

    @Test
    void shouldFindDivergencesBelowAnIntermediateMasterThatLogsRows() throws Exception {
        seedDivergenceTables(config, "rowdiv");
        injectDivergences(config, "rowdiv", "db4", 51);
        ChecksumResult r = new Checksum(config, ChecksumOptions.defaults().withTables(Set.of("rowdiv"), Set.of()),
                line -> { }, (c, rows) -> { }, Clock.systemUTC()).run();
        assertThat(r.exitCode()).isEqualTo(16);
        assertThat(r.differences().stream().map(d -> d.host() + " " + d.table()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("db4 rowdiv.changed", "db4 rowdiv.missing", "db4 rowdiv.extra",
                        "db4 rowdiv.nulls");
        assertThat(r.differences()).extracting(ChunkRow::chunk).containsOnly(1);

        String cfg = sandbox.configFile().toString();
        // through the writer, db2 applies the statements as no-ops and logs nothing (ROW format): db4 stays wrong,
        // and sync says so at once instead of waiting for a GTID that db2 never passes on
        long begin = System.nanoTime();
        Cli viaWriter = Cli.run("sync", "--config", cfg, "--table", "rowdiv.changed", "--to", "db4", "--execute");
        assertThat(viaWriter.exit()).as(viaWriter.out() + viaWriter.err()).isEqualTo(1);
        assertThat(viaWriter.out()).contains("still differ on db4").contains("try --direct");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(20));
        for (String t : List.of("changed", "missing", "extra", "nulls")) {
            Cli direct = Cli.run("sync", "--config", cfg, "--table", "rowdiv." + t, "--to", "db4", "--execute",
                    "--direct");
            assertThat(direct.exit()).as(direct.out() + direct.err()).isZero();
        }
        assertThat(Cli.run("checksum", "--config", cfg, "--databases", "rowdiv").exit()).isZero();
    }
}
