package io.ringmaster.agent.clone;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.Agent;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.agent.HostCommand;
import io.ringmaster.core.config.HostConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clone onto this host, run on its own thread:
 * <ol>
 *   <li>streaming: the donor's copy goes into {@code mbstream -x} in a new directory beside the data directory,
 *       while the server keeps running (its downtime is only the swap);</li>
 *   <li>{@code mariadb-backup --prepare} of the new directory; the backup's GTID position is read from it;</li>
 *   <li>swapping: stop the server, rename the data directory to {@code DATADIR.ringmaster-old-TIMESTAMP}, the new
 *       one into its place, fix ownership, start the server;</li>
 *   <li>replicating: gtid_slave_pos from the backup, CHANGE MASTER TO its configured source (a replica's master; a
 *       master's ring upstream) with MASTER_USE_GTID=slave_pos, START SLAVE; once both threads run, the old data
 *       directory is deleted.</li>
 * </ol>
 * Any failure puts the old data directory back and starts the server (or, before the swap, only removes the new
 * directory); the donor is never changed. A marker file ({@link CloneMarker}) lets an agent that was killed undo a
 * half-done clone when it starts. A logical copy (no matching mariadb-backup) is loaded into the running server
 * instead (then the old data cannot be kept aside; the job says so). Thread-safe views; one thread runs it.
 */
final class CloneJob {
    private static final Logger log = LoggerFactory.getLogger(CloneJob.class);
    /** A stream that delivers nothing for this long is cut. */
    static final Duration STALL = Duration.ofMinutes(2);
    static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(30);
    static final Duration REPLICATION_WAIT = Duration.ofSeconds(60);

    private final String id;
    private final Agent agent;
    private final TargetServer server;
    private final AgentClient donor;
    private final HostConfig donorHost;
    private final Path dataDir;
    private final double maxRate;
    private final boolean logical;
    private final long donorBytes;
    private final String reason;
    private final String note;
    private final long startedNanos = System.nanoTime();
    private final String startedAt = java.time.Instant.now().toString();
    private volatile String state = "running";
    private volatile String phase = "starting";
    private volatile long phaseNanos = System.nanoTime();
    /** Milliseconds each finished phase took, in order. */
    private final Map<String, Long> phaseMs = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile long bytes;
    private volatile String gtid = "";
    private volatile String message = "";
    private volatile String error = "";
    private volatile long doneNanos;
    /** The old data directory after a physical copy: kept, deleting, deleted (or why not). */
    private volatile String oldData = "kept";

    CloneJob(String id, Agent agent, TargetServer server, AgentClient donor, HostConfig donorHost, Path dataDir,
             double maxRate, boolean logical, long donorBytes, String reason, String note) {
        this.id = id;
        this.agent = agent;
        this.server = server;
        this.donor = donor;
        this.donorHost = donorHost;
        this.dataDir = dataDir;
        this.maxRate = maxRate;
        this.logical = logical;
        this.donorBytes = donorBytes;
        this.reason = reason;
        this.note = note;
    }

    /** The job as {@code GET /api/v1/clone/job} shows it. */
    Map<String, Object> view() {
        long end = doneNanos == 0 ? System.nanoTime() : doneNanos;
        double secs = Math.max(1e-3, (end - startedNanos) / 1e9);
        double rate = bytes / 1e6 / secs;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("id", id);
        out.put("host", server.name());
        out.put("donor", donorHost.name());
        out.put("copy", logical ? "logical" : "physical");
        out.put("note", note);
        out.put("state", state);
        out.put("phase", phase);
        out.put("bytes", bytes);
        out.put("donor_bytes", donorBytes);
        out.put("mb_per_s", Math.round(rate * 10) / 10.0);
        out.put("eta_s", rate > 0 && donorBytes > bytes && "streaming".equals(phase)
                ? Math.round((donorBytes - bytes) / 1e6 / rate) : null);
        out.put("started", startedAt);
        out.put("elapsed_ms", (long) (secs * 1000));
        out.put("phase_ms", new LinkedHashMap<>(phaseMs));
        out.put("gtid", gtid);
        out.put("message", message);
        out.put("error", error);
        out.put("old_data", logical ? "" : oldData);
        return out;
    }

    private void setPhase(String next) {
        long now = System.nanoTime();
        phaseMs.put(phaseMs.size() + 1 + "-" + phase, (now - phaseNanos) / 1_000_000);
        phaseNanos = now;
        phase = next;
    }

    String id() {
        return id;
    }

    /**
     * Runs the job to its end (state {@code done} or {@code failed}). A physical copy that worked is reported done
     * while its old data directory is still there: the caller deletes it next with {@link #deleteOldData}.
     *
     * @return the old data directory to delete, or empty (a logical copy, or the job failed)
     */
    Optional<Path> run() {
        Path oldDir = null;
        try {
            if (logical) {
                runLogical();
            } else {
                oldDir = runPhysical();
            }
            doneNanos = System.nanoTime();
            state = "done";
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            doneNanos = System.nanoTime();
            state = "failed";
            log.error("{}: clone {} from {} failed: {}", server.name(), id, donorHost.name(), error);
        }
        return Optional.ofNullable(oldDir);
    }

    /**
     * Deletes the old data directory of a clone that worked ({@code old_data}: {@code deleting}, then {@code
     * deleted}), then its marker. A failure is logged and shown; the marker stays, so that the agent deletes it on
     * its next start.
     */
    void deleteOldData(Path oldDir) {
        long t = System.nanoTime();
        try {
            log.info("{}: clone {}: the server runs on the copy and replicates; deleting the old data directory {}",
                    server.name(), id, oldDir);
            DonorSide.deleteTree(oldDir);
            CloneMarker.remove(dataDir);
            oldData = "deleted";
            log.info("{}: clone {}: old data directory {} deleted in {} ms", server.name(), id, oldDir,
                    (System.nanoTime() - t) / 1_000_000);
        } catch (IOException e) {
            oldData = "not deleted: " + e.getMessage() + " (the agent deletes it on its next start)";
            log.error("{}: clone {}: cannot delete the old data directory {}: {}", server.name(), id, oldDir,
                    e.getMessage());
        }
    }

    /** The physical copy up to replication running; returns the old data directory, still to delete. */
    private Path runPhysical() throws Exception {
        String stamp = TargetServer.stamp();
        Path newDir = dataDir.resolveSibling(dataDir.getFileName() + ".ringmaster-new-" + stamp);
        Path oldDir = dataDir.resolveSibling(dataDir.getFileName() + ".ringmaster-old-" + stamp);
        CloneMarker marker = new CloneMarker("streaming", id, donorHost.name(), newDir, oldDir);
        marker.write(dataDir);
        String position;
        try {
            setPhase("streaming");
            Files.createDirectory(newDir);
            stream(newDir);
            setPhase("preparing");
            prepare(newDir);
            position = BackupPosition.read(newDir).map(BackupPosition::gtid).orElseThrow(() -> new IOException(
                    "the copy has no " + String.join(" or ", BackupPosition.FILE_NAMES)
                            + ": its GTID position is unknown"));
            gtid = position;
        } catch (Exception e) {
            log.warn("{}: clone {}: removing the unfinished copy {} ({}); the server and its data were not "
                    + "touched", server.name(), id, newDir, e.getMessage());
            DonorSide.deleteTree(newDir);
            CloneMarker.remove(dataDir);
            throw e;
        }
        marker = marker.phase("swapping");
        marker.write(dataDir);
        try {
            setPhase("swapping");
            server.stop("clone " + id + " from " + donorHost.name() + ": the data directory is replaced");
            server.move(dataDir, oldDir, "clone " + id + ": the old data is kept until the new one works");
            server.move(newDir, dataDir, "clone " + id + ": the prepared copy of " + donorHost.name());
            server.chown(dataDir, oldDir);
            server.start("clone " + id + ": the server on the copy of " + donorHost.name());
            setPhase("replicating");
            HostConfig source = sourceOf(agent);
            server.replicateFrom(source, position, "clone " + id + " from " + donorHost.name()
                    + ": replicate from its configured source " + source.name() + " from the copy's position");
            Optional<String> problem = server.awaitReplicating(REPLICATION_WAIT);
            if (problem.isPresent()) {
                throw new IOException("replication from " + source.name() + " did not start within "
                        + REPLICATION_WAIT.toSeconds() + " s: " + problem.get());
            }
        } catch (Exception e) {
            message = "undone: " + e.getMessage();
            CloneRecovery.restore(server, dataDir, marker, "clone " + id + " failed: " + e.getMessage());
            throw new IOException(e.getMessage() + "; the old data directory is back and the server started", e);
        }
        marker.phase("replicating").write(dataDir);
        setPhase("done");
        oldData = "deleting";
        message = "copied " + bytes + " bytes from " + donorHost.name() + "; replicating from "
                + sourceOf(agent).name() + " from " + position + " (both replication threads Yes); the old data "
                + "directory is deleted now that the copy works";
        log.info("{}: clone {} done: {}", server.name(), id, message);
        return oldDir;
    }

    /** The host a cloned host replicates from: a replica's master, a master's ring upstream. */
    static HostConfig sourceOf(Agent agent) throws IOException {
        HostConfig h = agent.host();
        Optional<HostConfig> s = h.isMaster() ? agent.config().ringUpstreamOf(h.name())
                : h.master().map(agent.config()::host);
        return s.orElseThrow(() -> new IOException(h.name() + " has no configured source to replicate from"));
    }

    /**
     * Opens the donor's stream (HTTP/1.0: the bytes come straight from the connection); a stream that delivers
     * nothing for {@link #STALL} fails.
     */
    private AgentClient.Stream openStream() throws IOException, AgentException {
        String q = "clone/stream?id=" + id + (maxRate > 0 ? "&max_rate=" + maxRate : "") + (logical ? "&logical=1"
                : "");
        AgentClient.Stream res = donor.openStream(q, Duration.ofSeconds(10), STALL);
        if (res.status() != 200) {
            String body;
            try (res) {
                body = new String(res.body().readNBytes(4096), StandardCharsets.UTF_8);
            }
            String msg;
            try {
                msg = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("error").asText(body);
            } catch (IOException e) {
                msg = body;
            }
            throw new AgentException(donorHost.name(), res.status(), "donor " + donorHost.name() + ": " + msg,
                    null);
        }
        return res;
    }

    /** Bytes read from the donor at a time (and written to mbstream at a time). */
    static final int CHUNK = 1 << 20;

    /** Copies the donor's stream into {@code mbstream -x -C newDir}; checks how the donor's program ended. */
    private void stream(Path newDir) throws Exception {
        Path err = newDir.resolveSibling(newDir.getFileName() + ".mbstream.log");
        Process mb = new ProcessBuilder(Tools.MBSTREAM, "-x", "-C", newDir.toString()).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (AgentClient.Stream res = openStream(); InputStream in = res.body();
             OutputStream out = mb.getOutputStream()) {
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                bytes += n;
            }
        } catch (IOException | AgentException e) {
            mb.destroyForcibly();
            String why = e instanceof java.net.SocketTimeoutException ? "nothing came for " + STALL.toSeconds()
                    + " s" : e.getMessage();
            throw new IOException("the stream from " + donorHost.name() + " broke after " + bytes + " bytes: "
                    + why, e);
        }
        if (!mb.waitFor(5, TimeUnit.MINUTES)) {
            mb.destroyForcibly();
            throw new IOException("mbstream did not finish within 5 minutes of the stream's end");
        }
        String mbErr = DonorSide.tail(err);
        Files.deleteIfExists(err);
        if (mb.exitValue() != 0) {
            throw new IOException("mbstream -x exited with " + mb.exitValue() + ": " + mbErr);
        }
        JsonNode result = awaitDonorResult();
        if (!result.path("ok").asBoolean(false)) {
            throw new IOException("the donor " + donorHost.name() + "'s copy failed: "
                    + result.path("error").asText("unknown"));
        }
        log.info("{}: clone {}: {} bytes received from {}", server.name(), id, bytes, donorHost.name());
    }

    private JsonNode awaitDonorResult() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode r = donor.get("clone/stream-result?id=" + id);
            if (r.path("done").asBoolean(false)) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the donor " + donorHost.name() + " did not say how its copy ended");
            }
            Thread.sleep(50);
        }
    }

    private void prepare(Path dir) throws Exception {
        log.info("{}: clone {}: mariadb-backup --prepare --target-dir={}", server.name(), id, dir);
        HostCommand.Result r = HostCommand.run(List.of(Tools.BACKUP, "--prepare", "--target-dir=" + dir),
                PREPARE_TIMEOUT);
        if (!r.ok()) {
            List<String> lines = r.output().lines().filter(l -> !l.isBlank()).toList();
            throw new IOException("mariadb-backup --prepare failed (exit " + r.exitCode() + "): "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        }
    }

    /**
     * Logical copy: the server keeps running; replication is reset, the dump is loaded with the binary log off,
     * then the host replicates from the dump's position.
     */
    private void runLogical() throws Exception {
        setPhase("loading");
        message = "logical copy: loaded into the running server; its old data cannot be kept aside";
        HostConfig source = sourceOf(agent);
        server.sql.exec(agent.host(), "STOP SLAVE", "RESET SLAVE ALL");
        Path cnf = Tools.optionsFile(agent.config().monitorUser());
        Path err = Files.createTempFile("ringmaster-clone-load-", ".log");
        try {
            List<String> cmd = new ArrayList<>(List.of(Tools.CLIENT, "--defaults-extra-file=" + cnf,
                    "--init-command=SET SESSION sql_log_bin=0", "--binary-mode"));
            cmd.addAll(Tools.connection(agent.agentConfig(), agent.host()));
            log.info("{}: clone {}: loading the dump of {} with {} (binary log off)", server.name(), id,
                    donorHost.name(), String.join(" ", cmd));
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            DumpPosition position = new DumpPosition();
            try (AgentClient.Stream res = openStream(); InputStream in = res.body();
                 OutputStream out = p.getOutputStream()) {
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    position.feed(buf, n);
                    bytes += n;
                }
            }
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("loading the dump failed: " + DonorSide.tail(err));
            }
            JsonNode result = awaitDonorResult();
            if (!result.path("ok").asBoolean(false)) {
                throw new IOException("the donor's dump failed: " + result.path("error").asText());
            }
            if (position.gtid() == null) {
                throw new IOException("the dump of " + donorHost.name() + " has no SET GLOBAL gtid_slave_pos line: "
                        + "its GTID position is unknown");
            }
            gtid = position.gtid();
        } finally {
            Files.deleteIfExists(cnf);
            Files.deleteIfExists(err);
        }
        setPhase("replicating");
        server.replicateFrom(source, gtid, "logical clone " + id + " from " + donorHost.name());
        Optional<String> problem = server.awaitReplicating(REPLICATION_WAIT);
        if (problem.isPresent()) {
            throw new IOException("replication from " + source.name() + " did not start: " + problem.get());
        }
        setPhase("done");
        message = "logical copy of " + donorHost.name() + " loaded; replicating from " + source.name() + " from "
                + gtid;
    }
}
