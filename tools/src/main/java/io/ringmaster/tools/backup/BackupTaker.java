package io.ringmaster.tools.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.agent.clone.BackupPosition;
import io.ringmaster.agent.clone.DumpPosition;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup into the repository ({@code ringmaster backup}, and the monitor's schedule): the source host's
 * agent streams {@code mariadb-backup --backup --stream=mbstream --parallel=N} (with {@code --incremental-lsn=} the
 * parent's to_lsn for an incremental; {@code --safe-slave-backup} on a replica), or {@code mariadb-dump
 * --single-transaction --gtid --master-data=2} when asked or when no mariadb-backup matches the server; this
 * process compresses it with zstd (several workers), hashes what it stores with SHA-256 and reads the backup's GTID
 * position and LSNs out of the stream as it passes ({@link MbstreamScanner}). It is written into a partial folder,
 * renamed into the list only once the manifest is in it: a failed backup leaves nothing listed. Not thread-safe: one
 * backup per instance at a time.
 */
public final class BackupTaker {
    private static final Logger log = LoggerFactory.getLogger(BackupTaker.class);
    /** zstd level: 1 keeps up with mariadb-backup on one core (3, zstd's default, costs about 1.5 times the CPU). */
    static final int ZSTD_LEVEL = 1;
    /** A stream that delivers nothing for this long is cut. */
    static final Duration STALL = Duration.ofMinutes(2);
    static final String PHYSICAL_FILE = "backup.mbstream.zst";
    static final String LOGICAL_FILE = "dump.sql.zst";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final RingmasterConfig config;
    private final Repository repo;
    private final Consumer<String> progress;
    private final Clock clock;
    private final SqlActions sql;

    /**
     * @param progress receives one line per step (the CLI prints them on stderr)
     * @throws IllegalStateException when the configuration has no {@code backup.repository}
     */
    public BackupTaker(RingmasterConfig config, Consumer<String> progress, Clock clock) {
        this.config = config;
        this.repo = new Repository(config.backup().requireRepository());
        this.progress = progress;
        this.clock = clock;
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                Duration.ofSeconds(5));
    }

    /**
     * What to take.
     *
     * @param host        the operator's {@code --host}, or empty to choose
     * @param incremental build on the newest physical backup of the source host
     * @param logical     a mariadb-dump backup even when mariadb-backup matches
     * @param parallel    mariadb-backup {@code --parallel} (files copied at once)
     */
    public record Options(Optional<String> host, boolean incremental, boolean logical, int parallel) {}

    /**
     * Takes the backup.
     *
     * @return its manifest, as stored
     * @throws BackupException refused (nothing written) or failed (nothing listed); the message is one line
     */
    public Manifest take(Options o) throws BackupException, InterruptedException {
        if (o.incremental() && o.logical()) {
            throw new BackupException(BackupException.USAGE, "--incremental and --logical: an incremental backup is "
                    + "physical (mariadb-backup); choose one");
        }
        try {
            repo.checkWritable();
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, e.getMessage());
        }
        Optional<Manifest> parent = Optional.empty();
        Optional<String> named = o.host();
        if (named.isPresent() && config.findHost(named.get()).isEmpty()) {
            throw new BackupException(BackupException.UNKNOWN, "--host: '" + named.get() + "' is not a host of "
                    + (config.source() == null ? "the configuration" : config.source()));
        }
        if (o.incremental()) {
            parent = newestPhysical(named);
            if (parent.isEmpty()) {
                throw new BackupException(BackupException.FAILED, "refused: --incremental: no full backup"
                        + named.map(h -> " of " + h).orElse("") + " in " + repo.backups() + " to build on; take "
                        + "one first (ringmaster backup" + named.map(h -> " --host " + h).orElse("") + ")");
            }
        }
        SourceChoice.Choice source = choose(named, parent);
        HostConfig host = config.host(source.host());
        AgentConfig agentCfg = config.agents().agent(host.name()).orElseThrow(() -> new BackupException(
                BackupException.USAGE, host.name() + " has no agent under agents.hosts: backups are streamed by the "
                + "host's agent"));
        AgentClient agent = new AgentClient(config.agents(), agentCfg);
        JsonNode src;
        try {
            src = agent.get("clone/source");
        } catch (AgentException e) {
            throw new BackupException(e.unreachable() ? BackupException.UNREACHABLE : BackupException.FAILED,
                    e.getMessage());
        }
        boolean logical = o.logical() || !src.path("physical").asBoolean(false);
        if (logical && o.incremental()) {
            throw new BackupException(BackupException.FAILED, "refused: --incremental: " + src.path("tool").asText()
                    + " does not match " + host.name() + "'s server " + src.path("version").asText()
                    + " (only a logical backup can be taken)");
        }
        String kind = logical ? Manifest.LOGICAL : o.incremental() ? Manifest.INCREMENTAL : Manifest.FULL;
        Instant started = clock.instant();
        String id = STAMP.format(started) + "-" + host.name() + "-" + (o.incremental() ? "incr" : kind);
        long serverId = serverId(host);
        progress.accept("backup " + id + ": " + kind + " of " + host.name() + " (" + source.reason() + ")"
                + (logical && !o.logical() ? ": " + src.path("tool").asText() + " does not match the server "
                + src.path("version").asText() + ", so mariadb-dump" : "")
                + parent.map(p -> ", on top of " + p.id() + " (to_lsn " + p.toLsn() + ")").orElse(""));
        Path partial;
        try {
            partial = repo.createPartial(id);
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "backup.repository: " + e.getMessage());
        }
        try {
            Manifest m = stream(agent, host, id, kind, parent, o, partial, started, serverId, src);
            m.write(partial);
            repo.commit(partial, id);
            progress.accept(String.format(java.util.Locale.ROOT, "backup %s done: %.1f MB streamed, %.1f MB stored, "
                            + "%.1f s, consistent at GTID %s", id, m.streamBytes() / 1e6, m.storedBytes() / 1e6,
                    Duration.between(m.started(), m.finished()).toMillis() / 1000.0,
                    m.gtidPosition().isEmpty() ? "(none)" : m.gtidPosition()));
            return m;
        } catch (BackupException | IOException | RuntimeException e) {
            try {
                Repository.deleteTree(partial);
            } catch (IOException d) {
                log.warn("cannot remove the partial backup {}: {}", partial, d.getMessage());
            }
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException(BackupException.FAILED, "backup " + id + " of " + host.name() + " failed: "
                    + e.getMessage() + " (nothing was listed)", e);
        }
    }

    private Optional<Manifest> newestPhysical(Optional<String> host) throws BackupException {
        try {
            List<Manifest> all = repo.list();
            for (int i = all.size() - 1; i >= 0; i--) {
                Manifest m = all.get(i);
                if (!m.isLogical() && (host.isEmpty() || host.get().equals(m.host()))) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "backup.repository: " + e.getMessage());
        }
    }

    private SourceChoice.Choice choose(Optional<String> named, Optional<Manifest> parent) throws BackupException {
        if (parent.isPresent() && named.isEmpty()) {
            // an incremental copies pages newer than an LSN of its parent's server: the same host
            HostConfig h = config.findHost(parent.get().host()).orElseThrow(() -> new BackupException(
                    BackupException.FAILED, "refused: --incremental: " + parent.get().id() + " was taken from "
                    + parent.get().host() + ", which is no longer in the configuration"));
            SourceChoice.HostFacts f = facts(h);
            if (!f.readOnly()) {
                throw new BackupException(BackupException.FAILED, "refused: --incremental builds on "
                        + parent.get().id() + " of " + h.name() + ", which " + (f.answers() ? "is writable (the "
                        + "writer)" : "does not answer") + "; name it with --host to back it up anyway, or take a "
                        + "full backup");
            }
            return new SourceChoice.Choice(h.name(), "the host of its parent " + parent.get().id());
        }
        List<SourceChoice.HostFacts> facts = new ArrayList<>();
        if (named.isEmpty()) {
            for (HostConfig h : config.hosts()) {
                facts.add(facts(h));
            }
        }
        SourceChoice.Result r = SourceChoice.choose(named, config.backup().from(), facts);
        return r.choice().orElseThrow(() -> new BackupException(BackupException.FAILED, r.refusal()));
    }

    private SourceChoice.HostFacts facts(HostConfig h) {
        boolean replica = !h.isMaster();
        try {
            boolean ro = "1".equals(sql.queryString(h, "SELECT @@global.read_only"));
            boolean replicating = sql.replicaLink(h).map(l -> l.threadsRunning()).orElse(false);
            return new SourceChoice.HostFacts(h.name(), replica, true, ro, replicating);
        } catch (SQLException e) {
            return new SourceChoice.HostFacts(h.name(), replica, false, false, false);
        }
    }

    private long serverId(HostConfig h) throws BackupException {
        try {
            return Long.parseLong(sql.queryString(h, "SELECT @@global.server_id"));
        } catch (SQLException e) {
            throw new BackupException(BackupException.FAILED, h.name() + "'s server does not answer: "
                    + e.getMessage());
        }
    }

    private Manifest stream(AgentClient agent, HostConfig host, String id, String kind, Optional<Manifest> parent,
                            Options o, Path partial, Instant started, long serverId, JsonNode src)
            throws IOException, InterruptedException, BackupException {
        boolean logical = Manifest.LOGICAL.equals(kind);
        String q = "clone/stream?id=" + id + (logical ? "&logical=1" : "&parallel=" + Math.max(1, o.parallel()))
                + parent.map(p -> "&incremental_lsn=" + p.toLsn()).orElse("");
        String fileName = logical ? LOGICAL_FILE : PHYSICAL_FILE;
        Path file = partial.resolve(fileName);
        MbstreamScanner scanner = new MbstreamScanner(Set.of("xtrabackup_checkpoints",
                BackupPosition.FILE_NAMES.get(0), BackupPosition.FILE_NAMES.get(1)));
        DumpPosition dump = new DumpPosition();
        MessageDigest sha = Repository.newDigest();
        long raw = 0;
        RawAgentHttp.Answer res;
        try {
            res = RawAgentHttp.get(config.agents(), agent, q, STALL);
        } catch (IOException e) {
            throw new BackupException(BackupException.UNREACHABLE, e.getMessage() + " (for the stream)");
        }
        try (res) {
            if (res.status() != 200) {
                throw new BackupException(BackupException.FAILED, "agent of " + host.name() + ": " + res.error());
            }
            try (InputStream in = res.body();
                 OutputStream fileOut = Files.newOutputStream(file);
                 DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(fileOut, 1 << 20), sha);
                 ZstdOutputStream z = new ZstdOutputStream(digest, ZSTD_LEVEL)) {
                z.setChecksum(true);
                z.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
                byte[] buf = new byte[RawAgentHttp.CHUNK];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (logical) {
                        dump.feed(buf, n);
                    } else {
                        scanner.feed(buf, 0, n);
                    }
                    z.write(buf, 0, n);
                    raw += n;
                }
            } catch (IOException e) {
                throw new IOException("the stream from " + host.name() + " broke after " + raw + " bytes: "
                        + e.getMessage() + " (nothing arrives for " + STALL.toSeconds() + " s cuts it)", e);
            }
        }
        JsonNode result = awaitResult(agent, id);
        if (!result.path("ok").asBoolean(false)) {
            throw new BackupException(BackupException.FAILED, "backup " + id + ": the agent of " + host.name()
                    + " says its copy failed: " + result.path("error").asText("unknown") + " (nothing was listed)");
        }
        if (result.path("bytes").asLong(-1) != raw) {
            throw new IOException("the agent sent " + result.path("bytes").asLong() + " bytes, " + raw
                    + " arrived");
        }
        Instant finished = clock.instant();
        String gtid;
        String binlogFile = "";
        long fromLsn = 0;
        long toLsn = 0;
        if (logical) {
            gtid = Optional.ofNullable(dump.gtid()).orElseThrow(() -> new IOException("the dump has no SET GLOBAL "
                    + "gtid_slave_pos line: its GTID position is unknown"));
        } else {
            if (scanner.error().isPresent()) {
                throw new IOException(scanner.error().get());
            }
            String ckpt = scanner.file("xtrabackup_checkpoints").orElseThrow(() -> new IOException(
                    "the stream has no xtrabackup_checkpoints: its LSNs are unknown"));
            fromLsn = MbstreamScanner.checkpoint(ckpt, "from_lsn");
            toLsn = MbstreamScanner.checkpoint(ckpt, "to_lsn");
            if (toLsn < 0) {
                throw new IOException("xtrabackup_checkpoints has no to_lsn: " + ckpt.strip().replace('\n', ' '));
            }
            Optional<BackupPosition> pos = Optional.empty();
            for (String name : BackupPosition.FILE_NAMES) {
                Optional<String> text = scanner.file(name);
                if (text.isPresent()) {
                    pos = Optional.of(BackupPosition.parse(name, text.get()));
                    break;
                }
            }
            BackupPosition p = pos.orElseThrow(() -> new IOException("the stream has no "
                    + String.join(" or ", BackupPosition.FILE_NAMES) + ": its GTID position is unknown"));
            gtid = p.gtid();
            binlogFile = p.binlogFile();
        }
        long stored = Files.size(file);
        String tool = logical ? "mariadb-dump" : src.path("tool").asText("mariadb-backup");
        return new Manifest(id, kind, parent.map(Manifest::id).orElse(null), host.name(), serverId,
                src.path("version").asText(), tool, started, finished, gtid, binlogFile, fromLsn, toLsn, raw, stored,
                "zstd", List.of(new Manifest.StoredFile(fileName, stored, HexFormat.of().formatHex(sha.digest()))),
                Manifest.Verification.never());
    }

    private static JsonNode awaitResult(AgentClient agent, String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode r;
            try {
                r = agent.get("clone/stream-result?id=" + id);
            } catch (AgentException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (r.path("done").asBoolean(false)) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the agent of " + agent.host() + " did not say how its copy ended within 90 s");
            }
            Thread.sleep(200);
        }
    }
}
