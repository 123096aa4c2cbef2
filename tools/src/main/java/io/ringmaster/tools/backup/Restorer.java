package io.ringmaster.tools.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdInputStream;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code ringmaster restore ID --to HOST}: checks, then restores a physical backup (its full base and every
 * incremental up to ID) onto HOST through HOST's agent, as a clone does: the repository's files are checked against
 * the manifest's SHA-256 first (nothing changes on a mismatch); this process decompresses each one and sends the
 * raw mbstream; the agent unpacks them beside the data directory, prepares, stops the server, moves the old data
 * directory aside (kept; its path is in the result), puts the restored one in place and starts the server,
 * standalone and read_only with its binary log and gtid_slave_pos at the backup's GTID position. Then
 * {@link BinlogReplay#apply} runs (the point-in-time part; by default nothing), then, with {@code rejoin}, the host
 * replicates from its configured source. Not thread-safe: one restore per instance at a time.
 */
public final class Restorer {
    /** Bound on the agent's prepare and swap, polled. */
    static final Duration JOB_TIMEOUT = Duration.ofHours(2);
    private final RingmasterConfig config;
    private final Repository repo;
    private final Consumer<String> progress;

    /**
     * Applies archived binary logs to a freshly restored server (point-in-time recovery). Called once the restored
     * server runs standalone and read_only at the backup's position; before any {@code --rejoin}.
     */
    @FunctionalInterface
    public interface BinlogReplay {
        /** Applies nothing: the host stays at the backup's position. */
        BinlogReplay NONE = (target, backup, gtid) -> gtid;

        /**
         * @param target the restored host (its server answers; read_only=ON, no replication)
         * @param backup the manifest restored (the last of the chain)
         * @param gtid   the restored server's GTID position (the backup's)
         * @return the server's GTID position after the replay (the position a rejoin replicates from)
         * @throws BackupException when the replay is refused or fails (the restored data stays as it is)
         */
        String apply(HostConfig target, Manifest backup, String gtid) throws BackupException, InterruptedException;
    }

    /**
     * What to restore.
     *
     * @param id     the backup id
     * @param to     the target host
     * @param rejoin replicate from the host's configured source afterwards (else standalone read_only)
     * @param reason for the agent's log
     */
    public record Options(String id, String to, boolean rejoin, String reason) {}

    /**
     * The restore's outcome.
     *
     * @param host    the target
     * @param backup  the backup id
     * @param chain   the ids restored, base first
     * @param gtid    the host's GTID position at the end
     * @param oldDir  where the host's previous data directory is kept
     * @param rejoined replicating from its source
     * @param message the agent's summary
     * @param elapsed wall time
     */
    public record Result(String host, String backup, List<String> chain, String gtid, String oldDir,
                         boolean rejoined, String message, Duration elapsed) {}

    public Restorer(RingmasterConfig config, Consumer<String> progress) {
        this.config = config;
        this.repo = new Repository(config.backup().requireRepository());
        this.progress = progress;
    }

    /**
     * The checks done before anything changes: the id exists, the chain is complete and physical, every stored file
     * matches its SHA-256, the target is a configured host with an agent and is not writable.
     *
     * @return the chain, base first
     * @throws BackupException naming what is wrong; nothing was changed
     */
    public List<Manifest> check(String id, String to) throws BackupException {
        HostConfig target = config.findHost(to).orElseThrow(() -> new BackupException(BackupException.UNKNOWN,
                "--to: '" + to + "' is not a host of the configuration"));
        Manifest m = find(repo, id);
        List<Manifest> chain;
        try {
            chain = repo.chain(m);
            for (Manifest c : chain) {
                Optional<String> bad = repo.checkFiles(c);
                if (bad.isPresent()) {
                    throw new BackupException(BackupException.FAILED, "refused: " + bad.get()
                            + "; nothing was changed");
                }
            }
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "refused: " + e.getMessage() + "; nothing was changed");
        }
        if (chain.stream().anyMatch(Manifest::isLogical)) {
            throw new BackupException(BackupException.FAILED, "refused: " + id + " is a logical backup (mariadb-dump): "
                    + "restore it by loading " + repo.dir(id).resolve(BackupTaker.LOGICAL_FILE) + " (zstd -dc FILE "
                    + "| mariadb) into a server; restore --to takes physical backups");
        }
        if (config.agents().agent(to).isEmpty()) {
            throw new BackupException(BackupException.USAGE, "--to: " + to + " has no agent under agents.hosts");
        }
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                Duration.ofSeconds(5));
        try {
            if ("0".equals(sql.queryString(target, "SELECT @@global.read_only"))) {
                throw new BackupException(BackupException.FAILED, "refused: " + to + " is writable (read_only=OFF): "
                        + "it is, or may be, the writer; restore onto another host, or move the writer role away "
                        + "first (ringmaster move-role writer HOST)");
            }
        } catch (SQLException e) {
            progress.accept(to + "'s server does not answer (" + e.getMessage() + "); its agent checks again");
        }
        return chain;
    }

    /** The manifest of {@code id}, or the one-line refusal. */
    static Manifest find(Repository repo, String id) throws BackupException {
        try {
            return repo.find(id).orElseThrow(() -> new BackupException(BackupException.UNKNOWN, "backup '" + id
                    + "' does not exist in " + repo.backups() + " (ringmaster backups lists them)"));
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, e.getMessage());
        }
    }

    /**
     * Restores.
     *
     * @param replay applied after the base is restored and started (use {@link BinlogReplay#NONE})
     * @throws BackupException refused (nothing changed) or failed (the message says what state the host is in)
     */
    public Result restore(Options o, BinlogReplay replay) throws BackupException, InterruptedException {
        long begin = System.nanoTime();
        List<Manifest> chain = check(o.id(), o.to());
        Manifest last = chain.get(chain.size() - 1);
        HostConfig target = config.host(o.to());
        AgentConfig a = config.agents().agent(o.to()).orElseThrow();
        AgentClient agent = new AgentClient(config.agents(), a);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backup", o.id());
        body.put("parts", chain.size());
        body.put("bytes", chain.stream().mapToLong(Manifest::streamBytes).sum());
        body.put("version", last.serverVersion());
        body.put("reason", o.reason());
        String job;
        try {
            job = agent.post("restore/begin", body, Duration.ofSeconds(60)).path("id").asText();
        } catch (AgentException e) {
            throw agentFailure(e, "refused");
        }
        progress.accept("restore " + job + ": " + chain.size() + " part(s) of " + o.id() + " to " + o.to());
        try {
            for (int n = 0; n < chain.size(); n++) {
                sendPart(agent, job, n, chain.get(n));
            }
        } catch (BackupException | RuntimeException e) {
            try {
                agent.post("restore/abort?id=" + job + "&why=" + java.net.URLEncoder.encode(e.getMessage(),
                        StandardCharsets.UTF_8), null);
            } catch (AgentException ae) {
                progress.accept("restore " + job + ": abort failed: " + ae.getMessage());
            }
            throw e;
        }
        try {
            agent.post("restore/finish?id=" + job, null);
        } catch (AgentException e) {
            throw agentFailure(e, "restore " + job + " failed");
        }
        JsonNode view = await(agent, job);
        String gtid = view.path("gtid").asText("");
        String oldDir = view.path("old_dir").asText("");
        progress.accept("restore " + job + ": " + o.to() + " runs on backup " + o.id() + " at GTID " + gtid
                + " (standalone, read_only); its old data directory is kept at " + oldDir);
        String after = replay.apply(target, last, gtid);
        boolean rejoined = false;
        if (o.rejoin()) {
            try {
                JsonNode r = agent.post("restore/rejoin?id=" + job, Map.of("gtid", after), Duration.ofSeconds(90));
                rejoined = true;
                progress.accept("restore " + job + ": " + o.to() + " replicates from " + r.path("source").asText()
                        + " from " + after);
            } catch (AgentException e) {
                throw agentFailure(e, "restore " + job + ": the data is restored, but --rejoin failed");
            }
        }
        return new Result(o.to(), o.id(), chain.stream().map(Manifest::id).toList(), after, oldDir, rejoined,
                view.path("message").asText(), Duration.ofNanos(System.nanoTime() - begin));
    }

    private void sendPart(AgentClient agent, String job, int n, Manifest m)
            throws BackupException, InterruptedException {
        Path file = repo.dir(m.id()).resolve(m.files().get(0).name());
        long t0 = System.nanoTime();
        try (InputStream in = new ZstdInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20));
             RawAgentHttp.Answer res = RawAgentHttp.post(config.agents(), agent, "restore/part?id=" + job + "&n=" + n,
                     in, Duration.ofMinutes(10))) {
            if (res.status() != 200) {
                throw new BackupException(BackupException.FAILED, "restore " + job + ": part " + m.id() + ": "
                        + res.error() + "; the host's data was not touched");
            }
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "restore " + job + ": sending " + m.id() + " failed: "
                    + e.getMessage() + "; the host's data was not touched");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        progress.accept(String.format(java.util.Locale.ROOT, "restore %s: %s unpacked on %s (%.1f MB in %.1f s)", job,
                m.id(), agent.host(), m.streamBytes() / 1e6, s));
    }

    private JsonNode await(AgentClient agent, String job) throws BackupException, InterruptedException {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        int unreachable = 0;
        String phase = "";
        while (true) {
            Thread.sleep(100);
            JsonNode v;
            try {
                v = agent.get("restore/job");
                unreachable = 0;
            } catch (AgentException e) {
                if (e.unreachable() && ++unreachable < 20) {
                    continue;
                }
                throw agentFailure(e, "restore " + job + " (on its next start the agent puts the old data back)");
            }
            if (!job.equals(v.path("id").asText())) {
                throw new BackupException(BackupException.FAILED, "restore " + job + ": the agent of "
                        + agent.host() + " no longer knows it (it restarted and undid it)");
            }
            if (!phase.equals(v.path("phase").asText())) {
                phase = v.path("phase").asText();
                progress.accept("restore " + job + ": " + phase);
            }
            switch (v.path("state").asText()) {
                case "done" -> {
                    return v;
                }
                case "failed" -> throw new BackupException(BackupException.FAILED, "restore " + job + " failed: "
                        + v.path("error").asText());
                default -> {
                    if (System.nanoTime() > deadline) {
                        throw new BackupException(BackupException.FAILED, "restore " + job + " still runs after "
                                + JOB_TIMEOUT.toMinutes() + " min; follow GET /api/v1/restore/job on the agent");
                    }
                }
            }
        }
    }

    private static BackupException agentFailure(AgentException e, String what) {
        return new BackupException(e.unreachable() ? BackupException.UNREACHABLE : BackupException.FAILED,
                what + ": " + e.getMessage().replaceFirst("^agent of [^:]+: ", ""));
    }
}
