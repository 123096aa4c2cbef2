package io.ringmaster.sandbox;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.tools.backup.BackupException;
import io.ringmaster.tools.backup.LocalRestore;
import io.ringmaster.tools.backup.Manifest;
import io.ringmaster.tools.backup.Repository;
import io.ringmaster.tools.checksum.Checksum;
import io.ringmaster.tools.checksum.ChecksumException;
import io.ringmaster.tools.checksum.ChecksumOptions;
import io.ringmaster.tools.checksum.ChecksumResult;
import io.ringmaster.tools.checksum.HashFunction;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code ringmaster backup verify ID}: proves a backup by restoring it. The stored files are checked against the
 * manifest's SHA-256; the chain is unpacked and prepared on this machine ({@link LocalRestore}) and started as a
 * throwaway local mariadbd (the sandbox's server code; 127.0.0.1 only, a free port, grant tables skipped so that
 * the backup's own accounts need not be known); it then replicates from the backup's source host from the backup's
 * GTID position, and {@code ringmaster checksum} compares every table chunk by chunk between the writer and it,
 * each chunk at the writer's GTID position.
 *
 * <p>Why replicate rather than compare "at the backup's position": the source has moved on since the backup, and
 * nothing holds its data as it was then. Restored data plus the source's binary log from the backup's position
 * must equal the writer's data at any common position; a corrupted page or row shows as a failed prepare or
 * start, a replication error (a row event that does not find its row), or a differing chunk. What it cannot see:
 * a corrupted row that replication later overwrites whole (a REPLACE or DELETE of it) before the checksum reads it.
 *
 * <p>The verdict and its time go into the manifest; the throwaway server and its files are removed in every case.
 * Not thread-safe: one verification per instance at a time.
 */
public final class BackupVerifier {
    /** Bound on the throwaway's catching up with the source before the checksum. */
    static final Duration CATCH_UP = Duration.ofMinutes(5);
    private final RingmasterConfig config;
    private final Repository repo;
    private final Consumer<String> progress;
    private final Clock clock;

    public BackupVerifier(RingmasterConfig config, Consumer<String> progress, Clock clock) {
        this.config = config;
        this.repo = new Repository(config.backup().requireRepository());
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * Verifies backup {@code id} and records the verdict in its manifest.
     *
     * @param port the throwaway server's port on 127.0.0.1; 0: any free one
     * @param work where the throwaway lives (created; removed after); null: a temporary directory
     * @return the manifest with its new verification (ok or failed)
     * @throws BackupException when the id does not exist or the repository cannot be written (no verdict)
     */
    public Manifest verify(String id, int port, Path work) throws BackupException, InterruptedException {
        Manifest m;
        try {
            m = repo.find(id).orElseThrow(() -> new BackupException(BackupException.UNKNOWN, "backup '" + id
                    + "' does not exist in " + repo.backups() + " (ringmaster backups lists them)"));
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, e.getMessage());
        }
        String verdict;
        boolean ok = false;
        try {
            verdict = run(m, port, work);
            ok = true;
        } catch (VerifyFailed e) {
            verdict = e.getMessage();
        }
        Manifest.Verification v = new Manifest.Verification(ok ? "ok" : "failed", clock.instant(), verdict);
        Manifest updated = m.withVerification(v);
        try {
            repo.update(updated);
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "verify " + id + ": " + verdict + "; but the verdict "
                    + "cannot be written into " + repo.dir(id) + ": " + e.getMessage());
        }
        progress.accept("verify " + id + ": " + v.status() + ": " + verdict);
        return updated;
    }

    private static final class VerifyFailed extends Exception {
        VerifyFailed(String message) {
            super(message);
        }
    }

    private String run(Manifest m, int port, Path work) throws VerifyFailed, InterruptedException {
        List<Manifest> chain;
        try {
            chain = repo.chain(m);
            for (Manifest c : chain) {
                Optional<String> bad = repo.checkFiles(c);
                if (bad.isPresent()) {
                    throw new VerifyFailed(bad.get());
                }
            }
        } catch (IOException e) {
            throw new VerifyFailed(e.getMessage());
        }
        if (chain.stream().anyMatch(Manifest::isLogical)) {
            throw new VerifyFailed("logical backups are not verified by restore yet (load the dump into a server)");
        }
        HostConfig source = config.findHost(m.host()).orElseThrow(() -> new VerifyFailed(m.host()
                + ", the backup's source, is no longer in the configuration"));
        Path dir = null;
        SandboxServer server = null;
        try {
            dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("ringmaster-verify-");
            int p = port > 0 ? port : freePort();
            String name = "verify-" + p;
            // server_id and gtid_domain_id of the throwaway: far from any configured host's
            int index = 1_000_000 + p;
            SandboxHost host = new SandboxHost(name, index, p, HostMode.REPLICA, Optional.of(source.name()), 0);
            ServerLayout layout = new ServerLayout(dir.resolve("server"));
            String gtid;
            try {
                gtid = LocalRestore.unpackAndPrepare(repo, chain, layout.dataDir(), dir.resolve("work"), progress);
            } catch (IOException e) {
                throw new VerifyFailed("restore of the backup failed: " + e.getMessage());
            }
            MariaDbBinaries binaries = MariaDbBinaries.locate();
            server = new SandboxServer(host, layout, binaries);
            server.writeConfig(1, Optional.empty(), List.of("skip_grant_tables=ON", "skip_slave_start=ON"));
            try {
                server.start(Duration.ofSeconds(120), "verify " + m.id() + ": a throwaway server on the restored data");
            } catch (SandboxException e) {
                throw new VerifyFailed("the restored data does not start: " + e.getMessage());
            }
            HostConfig throwaway = new HostConfig(name, "127.0.0.1", p, HostMode.REPLICA, Optional.of(source.name()));
            RingmasterConfig withThrowaway = with(throwaway);
            replicate(withThrowaway, throwaway, source, gtid);
            return compare(withThrowaway, throwaway, m, gtid);
        } catch (IOException e) {
            throw new VerifyFailed("verify: " + e.getMessage());
        } catch (SandboxException e) {
            throw new VerifyFailed("verify: " + e.getMessage());
        } finally {
            if (server != null) {
                try {
                    server.stop("verify " + m.id() + " over: the throwaway server goes");
                } catch (SandboxException e) {
                    server.kill("verify over; it did not stop");
                }
            }
            if (dir != null) {
                try {
                    FileTrees.deleteRecursively(dir);
                } catch (IOException | RuntimeException e) {
                    progress.accept("verify: cannot remove " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    private RingmasterConfig with(HostConfig extra) {
        List<HostConfig> hosts = new ArrayList<>(config.hosts());
        hosts.add(extra);
        RingmasterConfig c = config;
        return new RingmasterConfig(c.cluster(), c.source(), c.monitor(), c.monitorUser(), c.replicationUser(), hosts,
                c.roles(), c.safety(), c.hooks(), c.checksum(), c.agents(), c.backup());
    }

    private void replicate(RingmasterConfig cfg, HostConfig throwaway, HostConfig source, String gtid)
            throws VerifyFailed, InterruptedException {
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, cfg.monitorUser(), cfg.replicationUser(),
                Duration.ofSeconds(10));
        try {
            List<String> reset = new java.util.ArrayList<>(List.of("STOP SLAVE", "RESET SLAVE ALL"));
            reset.addAll(SqlActions.resetBinaryLog());
            reset.add("SET GLOBAL gtid_slave_pos = " + io.ringmaster.mysql.Dialect.quote(gtid));
            sql.exec(throwaway, reset.toArray(String[]::new));
            sql.replicateFrom(throwaway, source, "verify: the restored copy replicates from " + source.name()
                    + " from the backup's position " + gtid);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                var link = sql.replicaLink(throwaway);
                if (link.isPresent() && link.get().threadsRunning()) {
                    break;
                }
                if (link.isPresent() && link.get().lastSqlErrno() != 0 || System.nanoTime() > deadline) {
                    throw new VerifyFailed("the restored copy does not replicate from " + source.name() + " from "
                            + gtid + ": " + link.map(l -> l.problem()).orElse("no replication status"));
                }
                Thread.sleep(250);
            }
            var writerPos = sql.binlogPosition(Writer.find(cfg, sql));
            if (!sql.waitForGtid(throwaway, writerPos, CATCH_UP, "verify: catch up before the checksum")) {
                throw new VerifyFailed("the restored copy did not reach the writer's position " + writerPos
                        + " within " + CATCH_UP.toSeconds() + " s: " + sql.replicaLink(throwaway)
                        .map(l -> l.problem()).orElse("no replication status"));
            }
        } catch (SQLException e) {
            throw new VerifyFailed("replication of the restored copy from " + source.name() + " failed: "
                    + e.getMessage());
        }
    }

    private String compare(RingmasterConfig cfg, HostConfig throwaway, Manifest m, String gtid)
            throws VerifyFailed, InterruptedException {
        ChecksumOptions options = new ChecksumOptions(Set.of(), Set.of(), Set.of(), Set.of(),
                List.of(throwaway.name()), Optional.empty(), Duration.ofMillis(500), 1000, 1_000_000, 10_000,
                HashFunction.parse("crc32"), OptionalInt.empty(), 2, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(5), 25, Duration.ofMinutes(10), false, cfg.monitor().heartbeatSchema());
        ChecksumResult r;
        try {
            r = new Checksum(cfg, options, line -> { }, (c, rows) -> { }, clock).run();
        } catch (ChecksumException e) {
            throw new VerifyFailed("checksum against the writer failed: " + e.getMessage());
        }
        long chunks = r.tables().stream().mapToLong(t -> t.chunks()).sum();
        if (r.exitCode() != 0) {
            throw new VerifyFailed("checksum against " + r.writer() + " is not clean (exit " + r.exitCode() + ", "
                    + r.differences().size() + " differing chunk(s)" + (r.errors().isEmpty() ? ""
                    : ", " + String.join("; ", r.errors())) + ")");
        }
        return "restored at " + gtid + ", replicated from " + m.host() + ", " + r.tables().size() + " table(s), "
                + chunks + " chunk(s) equal to the writer " + r.writer() + " at common GTID positions";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The writer: the one configured master that answers read_only=OFF. */
    private static final class Writer {
        static HostConfig find(RingmasterConfig cfg, SqlActions sql) throws SQLException {
            for (HostConfig h : cfg.masters()) {
                try {
                    if ("0".equals(sql.queryString(h, "SELECT @@global.read_only"))) {
                        return h;
                    }
                } catch (SQLException e) {
                    // not this one
                }
            }
            throw new SQLException("no master answers read_only=OFF: no writer to compare with");
        }
    }
}
