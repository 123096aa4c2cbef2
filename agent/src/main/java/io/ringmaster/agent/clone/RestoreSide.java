package io.ringmaster.agent.clone;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.Agent;
import io.ringmaster.agent.AgentServer;
import io.ringmaster.agent.AgentServer.Refused;
import io.ringmaster.agent.HostCommand;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.privilege.ServerVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's half of {@code ringmaster restore}: the caller (the CLI, which reads the repository) sends the
 * unpacked mbstream of the base backup and of each incremental; the agent unpacks them beside the data directory
 * while the server keeps running, prepares (base, then each incremental with {@code --incremental-dir}), and swaps
 * as a clone does (stop, old data directory renamed aside and kept, prepared copy into its place, start). The
 * server is then left standalone: read_only=ON, no replication configured, its binary log and gtid_slave_pos at the
 * backup's position; {@code restore/rejoin} makes it replicate from its configured source.
 *
 * <pre>
 * POST /api/v1/restore/begin   {"backup": ID, "parts": N, "bytes": raw stream bytes, "version": server version,
 *                               "reason"} → {"id"}; 409 onto a writable server, busy, versions differ, no room
 * POST /api/v1/restore/part?id=ID&amp;n=K   body: the raw mbstream of part K (0: the base) → {"bytes"}
 * POST /api/v1/restore/finish?id=ID       prepares and swaps on a thread of its own → {"id"}; poll restore/job
 * POST /api/v1/restore/abort?id=ID        removes what was unpacked (before finish); the server is untouched
 * POST /api/v1/restore/rejoin?id=ID       {"gtid"}: replicate from the configured source from that position
 * GET  /api/v1/restore/job                {"id", "state": receiving|running|done|failed, "phase", "gtid",
 *                                          "old_dir", "message", "error", "phase_ms"}
 * </pre>
 * Any failure after the swap puts the old data directory back and starts the server (the clone's
 * {@link CloneRecovery}, also when an agent killed mid-restore starts again). Thread-safe.
 */
final class RestoreSide {
    private static final Logger log = LoggerFactory.getLogger(RestoreSide.class);
    private final Agent agent;
    private final Busy busy;
    private final TargetServer server;
    private final AtomicReference<Job> job = new AtomicReference<>();

    RestoreSide(Agent agent, Busy busy) {
        this.agent = agent;
        this.busy = busy;
        this.server = new TargetServer(agent);
    }

    void install(AgentServer api) {
        api.route("POST", "restore/begin", this::begin);
        api.route("POST", "restore/part", this::part);
        api.route("POST", "restore/finish", this::finish);
        api.route("POST", "restore/abort", this::abort);
        api.route("POST", "restore/rejoin", this::rejoin);
        api.route("GET", "restore/job", r -> current().view());
    }

    /** One restore; fields written by its one worker thread, read by the API. */
    private final class Job {
        final String id;
        final String backup;
        final String reason;
        final Path dataDir;
        final Path newDir;
        final Path incDir;
        final Path oldDir;
        final int parts;
        final String op;
        volatile CloneMarker marker;
        volatile String state = "receiving";
        volatile String phase = "receiving";
        volatile String gtid = "";
        volatile String message = "";
        volatile String error = "";
        volatile boolean swapped;
        final Map<String, Long> phaseMs = new java.util.concurrent.ConcurrentSkipListMap<>();
        volatile long phaseNanos = System.nanoTime();
        final boolean[] received;

        Job(String id, String backup, String reason, Path dataDir, int parts, String op) {
            this.id = id;
            this.backup = backup;
            this.reason = reason;
            this.dataDir = dataDir;
            String stamp = TargetServer.stamp();
            this.newDir = dataDir.resolveSibling(dataDir.getFileName() + ".ringmaster-new-" + stamp);
            this.incDir = newDir.resolveSibling(newDir.getFileName() + ".inc");
            this.oldDir = dataDir.resolveSibling(dataDir.getFileName() + ".ringmaster-old-" + stamp);
            this.parts = parts;
            this.op = op;
            this.received = new boolean[parts];
        }

        void setPhase(String next) {
            long now = System.nanoTime();
            phaseMs.put(phaseMs.size() + 1 + "-" + phase, (now - phaseNanos) / 1_000_000);
            phaseNanos = now;
            phase = next;
        }

        Map<String, Object> view() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", true);
            out.put("id", id);
            out.put("host", agent.host().name());
            out.put("backup", backup);
            out.put("state", state);
            out.put("phase", phase);
            out.put("gtid", gtid);
            out.put("old_dir", swapped ? oldDir.toString() : "");
            out.put("phase_ms", new LinkedHashMap<>(phaseMs));
            out.put("message", message);
            out.put("error", error);
            return out;
        }

        Path partDir(int n) {
            return n == 0 ? newDir : incDir.resolve(Integer.toString(n));
        }
    }

    private Job current() {
        Job j = job.get();
        if (j == null) {
            throw new Refused(404, "no restore has run on " + agent.host().name() + " since its agent started");
        }
        return j;
    }

    private Job job(AgentServer.Request r) {
        String id = r.param("id").orElseThrow(() -> new Refused(400, "id: missing"));
        Job j = job.get();
        if (j == null || !j.id.equals(id)) {
            throw new Refused(404, "no restore with id " + id + " on " + agent.host().name());
        }
        return j;
    }

    private Object begin(AgentServer.Request r) throws Exception {
        JsonNode body = r.json();
        String backup = body.path("backup").asText("");
        int parts = body.path("parts").asInt(0);
        if (backup.isEmpty() || parts < 1 || parts > 1000) {
            throw new Refused(400, "backup and parts (1..1000) are required");
        }
        Path dataDir = agent.agentConfig().dataDir().orElseThrow(() -> new Refused(409, "agents.hosts["
                + agent.host().name() + "].data_dir is not configured: no restore onto this host"));
        if (agent.agentConfig().stopCommand().isEmpty() || agent.agentConfig().startCommand().isEmpty()) {
            throw new Refused(409, "agents.hosts[" + agent.host().name() + "].stop and .start must be configured: "
                    + "a restore stops and starts the server");
        }
        ServerVersion version = ServerVersion.parse(body.path("version").asText("0.0.0"));
        long bytes = body.path("bytes").asLong(0);
        long free = Files.getFileStore(Files.isDirectory(dataDir) ? dataDir : dataDir.getParent()).getUsableSpace();
        boolean mountPoint = Files.isDirectory(dataDir)
                && !Files.getFileStore(dataDir).equals(Files.getFileStore(dataDir.getParent()));
        CloneChecks.Facts facts = new CloneChecks.Facts(agent.host().name(), "backup " + backup, server.writable(),
                server.versionOrNull(), version, busy.current(), free, bytes, mountPoint);
        Optional<String> refusal = CloneChecks.refusal(facts);
        if (refusal.isPresent()) {
            log.warn("{}: restore of backup {} refused: {}", agent.host().name(), backup, refusal.get());
            throw new Refused(409, refusal.get().replace("the copy of backup", "backup"));
        }
        String op = "restore of backup " + backup;
        if (!busy.claim(op)) {
            throw new Refused(409, "refused: the agent of " + agent.host().name() + " is busy ("
                    + busy.current().orElse("?") + "); wait until it is done");
        }
        String id = agent.host().name() + "-restore-" + TargetServer.stamp() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        Job j = new Job(id, backup, body.path("reason").asText("restore requested through the agent API"),
                dataDir, parts, op);
        try {
            j.marker = new CloneMarker("streaming", id, "backup " + backup, j.newDir, j.oldDir);
            j.marker.write(dataDir);
            Files.createDirectory(j.newDir);
        } catch (IOException e) {
            busy.release(op);
            throw e;
        }
        job.set(j);
        log.info("{}: restore {} of backup {} begins ({} part(s)); unpacking into {} ({})", agent.host().name(),
                id, backup, parts, j.newDir, j.reason);
        return Map.of("ok", true, "id", id);
    }

    private Object part(AgentServer.Request r) throws Exception {
        Job j = job(r);
        int n = r.param("n").map(Integer::parseInt).orElse(-1);
        if (!"receiving".equals(j.state) || n < 0 || n >= j.parts || j.received[n]) {
            throw new Refused(409, "restore " + j.id + ": part " + n + " is not expected now (state " + j.state
                    + ")");
        }
        Path dir = j.partDir(n);
        Files.createDirectories(dir);
        Path err = dir.resolveSibling(dir.getFileName() + ".mbstream.log");
        Process mb = new ProcessBuilder(Tools.MBSTREAM, "-x", "-C", dir.toString()).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long bytes = 0;
        try (InputStream in = r.body(); OutputStream out = mb.getOutputStream()) {
            byte[] buf = new byte[1 << 16];
            int k;
            while ((k = in.read(buf)) > 0) {
                out.write(buf, 0, k);
                bytes += k;
            }
        } catch (IOException e) {
            mb.destroyForcibly();
            throw new Refused(502, "restore " + j.id + ": the stream of part " + n + " broke after " + bytes
                    + " bytes: " + e.getMessage());
        }
        if (!mb.waitFor(5, TimeUnit.MINUTES)) {
            mb.destroyForcibly();
            throw new Refused(500, "mbstream did not finish within 5 minutes of the stream's end");
        }
        String mbErr = DonorSide.tail(err);
        Files.deleteIfExists(err);
        if (mb.exitValue() != 0) {
            throw new Refused(500, "mbstream -x of part " + n + " exited with " + mb.exitValue() + ": " + mbErr);
        }
        j.received[n] = true;
        log.info("{}: restore {}: part {} unpacked ({} bytes) into {}", agent.host().name(), j.id, n, bytes, dir);
        return Map.of("ok", true, "bytes", bytes);
    }

    private Object abort(AgentServer.Request r) throws Exception {
        Job j = job(r);
        if (!"receiving".equals(j.state)) {
            throw new Refused(409, "restore " + j.id + " is " + j.state + ": only a restore still receiving is "
                    + "aborted");
        }
        removeUnpacked(j);
        j.state = "failed";
        j.error = "aborted by the caller: " + r.param("why").orElse("no reason given");
        busy.release(j.op);
        log.info("{}: restore {} aborted before anything changed ({})", agent.host().name(), j.id, j.error);
        return Map.of("ok", true);
    }

    private void removeUnpacked(Job j) throws IOException {
        DonorSide.deleteTree(j.newDir);
        DonorSide.deleteTree(j.incDir);
        CloneMarker.remove(j.dataDir);
    }

    private Object finish(AgentServer.Request r) throws Exception {
        Job j = job(r);
        for (int n = 0; n < j.parts; n++) {
            if (!j.received[n]) {
                throw new Refused(409, "restore " + j.id + ": part " + n + " was not received");
            }
        }
        if (!"receiving".equals(j.state)) {
            throw new Refused(409, "restore " + j.id + " is " + j.state);
        }
        j.state = "running";
        Thread.ofPlatform().name("ringmaster-restore-" + j.id).daemon(true).start(() -> {
            try {
                run(j);
                j.state = "done";
            } catch (Exception e) {
                j.error = e.getMessage() == null ? e.toString() : e.getMessage();
                j.state = "failed";
                log.error("{}: restore {} of backup {} failed: {}", agent.host().name(), j.id, j.backup, j.error);
            } finally {
                busy.release(j.op);
            }
        });
        return Map.of("ok", true, "id", j.id);
    }

    private void run(Job j) throws Exception {
        try {
            j.setPhase("preparing");
            prepare(List.of("--prepare", "--target-dir=" + j.newDir));
            for (int n = 1; n < j.parts; n++) {
                prepare(List.of("--prepare", "--target-dir=" + j.newDir, "--incremental-dir=" + j.partDir(n)));
            }
            j.gtid = BackupPosition.read(j.newDir).map(BackupPosition::gtid).orElseThrow(() -> new IOException(
                    "the backup has no " + String.join(" or ", BackupPosition.FILE_NAMES)
                            + ": its GTID position is unknown"));
            DonorSide.deleteTree(j.incDir);
        } catch (Exception e) {
            log.warn("{}: restore {}: removing the unfinished copy {} ({}); the server and its data were not "
                    + "touched", agent.host().name(), j.id, j.newDir, e.getMessage());
            removeUnpacked(j);
            throw e;
        }
        j.marker = j.marker.phase("swapping");
        j.marker.write(j.dataDir);
        try {
            j.setPhase("swapping");
            String why = "restore " + j.id + " of backup " + j.backup;
            server.stop(why + ": the data directory is replaced");
            server.move(j.dataDir, j.oldDir, why + ": the old data is kept aside");
            j.swapped = true;
            server.move(j.newDir, j.dataDir, why + ": the prepared backup");
            server.chown(j.dataDir, j.oldDir);
            server.start(why + ": the server on the restored data");
            j.setPhase("standalone");
            standalone(j.gtid, why);
        } catch (Exception e) {
            j.message = "undone: " + e.getMessage();
            j.swapped = false;
            CloneRecovery.restore(server, j.dataDir, j.marker, "restore " + j.id + " failed: " + e.getMessage());
            throw new IOException(e.getMessage() + "; the old data directory is back and the server started", e);
        }
        CloneMarker.remove(j.dataDir);
        j.setPhase("done");
        j.message = "backup " + j.backup + " restored at " + j.gtid + "; standalone and read_only; the old data "
                + "directory is kept at " + j.oldDir;
        log.info("{}: restore {} done: {}", agent.host().name(), j.id, j.message);
    }

    /**
     * Leaves the freshly started server standalone: read_only=ON, no replication, binary log and gtid_slave_pos at
     * the backup's position (so that binlogs replayed onto it, or a later rejoin, continue from there).
     */
    private void standalone(String gtid, String why) throws java.sql.SQLException {
        var d = io.ringmaster.mysql.MariaDbDialect.INSTANCE;
        log.info("{}: SET GLOBAL read_only=ON; STOP SLAVE; RESET SLAVE ALL; FLUSH LOCAL ENGINE LOGS; RESET MASTER; "
                + "gtid_binlog_state and "
                + "gtid_slave_pos = '{}' ({}: standalone for inspection)", agent.host().name(), gtid, why);
        List<String> sql = new ArrayList<>(List.of("SET GLOBAL read_only = ON", d.stopReplica(), d.resetReplicaAll()));
        sql.addAll(io.ringmaster.mysql.SqlActions.resetBinaryLog());
        if (!gtid.isEmpty()) {
            sql.add("SET GLOBAL gtid_binlog_state = " + io.ringmaster.mysql.Dialect.quote(gtid));
        }
        sql.add("SET GLOBAL gtid_slave_pos = " + io.ringmaster.mysql.Dialect.quote(gtid));
        server.sql.exec(agent.host(), sql.toArray(String[]::new));
    }

    private Object rejoin(AgentServer.Request r) throws Exception {
        Job j = job(r);
        if (!"done".equals(j.state)) {
            throw new Refused(409, "restore " + j.id + " is " + j.state + ": only a finished restore rejoins");
        }
        String gtid = r.json().path("gtid").asText(j.gtid);
        HostConfig source = CloneJob.sourceOf(agent);
        server.replicateFrom(source, gtid, "restore " + j.id + " --rejoin: replicate from " + source.name()
                + " from " + gtid);
        Optional<String> problem = server.awaitReplicating(CloneJob.REPLICATION_WAIT);
        if (problem.isPresent()) {
            throw new Refused(500, "replication from " + source.name() + " did not start within "
                    + CloneJob.REPLICATION_WAIT.toSeconds() + " s: " + problem.get());
        }
        j.message = j.message + "; replicating from " + source.name() + " from " + gtid;
        return Map.of("ok", true, "source", source.name(), "gtid", gtid);
    }

    private void prepare(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Tools.BACKUP);
        cmd.addAll(args);
        log.info("{}: {}", agent.host().name(), String.join(" ", cmd));
        HostCommand.Result res = HostCommand.run(cmd, CloneJob.PREPARE_TIMEOUT);
        if (!res.ok()) {
            List<String> lines = res.output().lines().filter(l -> !l.isBlank()).toList();
            throw new IOException(String.join(" ", cmd.subList(0, 2)) + " failed (exit " + res.exitCode() + "): "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        }
    }
}
