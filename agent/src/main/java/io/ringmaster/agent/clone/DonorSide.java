package io.ringmaster.agent.clone;

import com.sun.net.httpserver.HttpExchange;
import io.ringmaster.agent.Agent;
import io.ringmaster.agent.AgentServer;
import io.ringmaster.agent.AgentServer.Refused;
import io.ringmaster.core.privilege.ServerVersion;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The donor's half of a clone: what it would send, and the stream itself. The donor's server keeps serving
 * throughout; nothing of it changes (mariadb-backup only reads, and on a replica pauses the SQL thread around the
 * non-InnoDB copy with {@code --safe-slave-backup}).
 *
 * <pre>
 * GET /api/v1/clone/source                 {"host", "version", "data_bytes", "physical": bool, "tool": "...",
 *                                           "replica": bool, "busy": "..."}
 * GET /api/v1/clone/stream?id=ID[&amp;max_rate=MB/s][&amp;logical=1][&amp;incremental_lsn=LSN][&amp;parallel=N]
 *                                          (needs the token, as a command; ringmaster backup uses it too:
 *                                          incremental_lsn makes mariadb-backup copy only pages newer than LSN)
 *                                          200 application/octet-stream: mbstream of mariadb-backup --backup
 *                                          (or, logical, the SQL of mariadb-dump); the program is killed when the
 *                                          reader goes away
 * GET /api/v1/clone/stream-result?id=ID    {"id", "done": bool, "ok": bool, "bytes", "error"}: how stream ID ended
 *                                          (the HTTP status is sent before the program ends)
 * </pre>
 * Thread-safe.
 */
final class DonorSide {
    private static final Logger log = LoggerFactory.getLogger(DonorSide.class);
    private final Agent agent;
    private final Busy busy;
    private final SqlActions sql;
    private final Map<String, Map<String, Object>> results = new ConcurrentHashMap<>();
    private final io.ringmaster.core.api.ApiGuard guard;

    DonorSide(Agent agent, Busy busy) {
        this.agent = agent;
        this.busy = busy;
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, agent.config().monitorUser(),
                agent.config().replicationUser(), Duration.ofSeconds(10));
        this.guard = new io.ringmaster.core.api.ApiGuard(agent.config().agents().access(),
                agent.agentConfig().listenAddress(), "agents.token", "agent");
    }

    void install(AgentServer server) {
        server.route("GET", "clone/source", r -> source());
        server.route("GET", "clone/stream", this::stream);
        server.route("GET", "clone/stream-result", r -> {
            String id = r.param("id").orElseThrow(() -> new Refused(400, "id: missing"));
            Map<String, Object> res = results.get(id);
            if (res == null) {
                throw new Refused(404, "no stream with id " + id + " on " + agent.host().name());
            }
            return res;
        });
    }

    private Path dataDir() throws Refused {
        return agent.agentConfig().dataDir().orElseThrow(() -> new Refused(409, "agents.hosts["
                + agent.host().name() + "].data_dir is not configured: no clone from or onto this host"));
    }

    Map<String, Object> source() throws Exception {
        String raw = versionText();
        ServerVersion version = ServerVersion.parse(raw);
        Optional<ServerVersion> tool = Tools.backupVersion();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("host", agent.host().name());
        out.put("version", raw);
        out.put("data_bytes", size(dataDir()));
        out.put("physical", Tools.matches(tool, version));
        out.put("tool", tool.map(v -> Tools.BACKUP + " " + v).orElse(Tools.BACKUP + " not installed"));
        out.put("replica", isReplica());
        out.put("busy", busy.current().orElse(""));
        return out;
    }

    /** The server's {@code VERSION()} text. */
    String versionText() throws Refused {
        try {
            return sql.queryString(agent.host(), "SELECT VERSION()");
        } catch (java.sql.SQLException e) {
            throw new Refused(503, agent.host().name() + "'s server does not answer: " + e.getMessage());
        }
    }

    private boolean isReplica() throws java.sql.SQLException {
        return sql.replicaLink(agent.host()).isPresent();
    }

    /** Bytes of the files under {@code dir}. */
    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file that went away while walking (a temporary table)
                }
            }).sum();
        }
    }

    private Object stream(AgentServer.Request r) throws Exception {
        // the whole data of the server: the token is needed even on a loopback listener (where GETs are open)
        var refused = guard.check("POST", false, r.exchange().getRequestHeaders().getFirst("Authorization"));
        if (refused.isPresent()) {
            guard.logRefusal("GET", "clone/stream", r.exchange().getRemoteAddress(), refused.get());
            throw new Refused(refused.get().status(), refused.get().message());
        }
        String id = r.param("id").orElseThrow(() -> new Refused(400, "id: missing"));
        if (!id.matches("[A-Za-z0-9._-]{1,80}")) {
            throw new Refused(400, "id: letters, digits, '.', '_' and '-' only");
        }
        double maxRate = r.param("max_rate").map(Double::parseDouble).orElse(0.0);
        boolean logical = r.param("logical").map("1"::equals).orElse(false);
        String lsn = r.param("incremental_lsn").orElse("");
        if (!lsn.matches("\\d{0,20}")) {
            throw new Refused(400, "incremental_lsn: digits only (the parent's to_lsn)");
        }
        int parallel = r.param("parallel").filter(v -> v.matches("\\d{1,3}")).map(Integer::parseInt).orElse(2);
        Path data = dataDir();
        String op = "streaming a copy for " + id;
        if (!busy.claim(op)) {
            throw new Refused(409, "refused: the agent of " + agent.host().name() + " is busy ("
                    + busy.current().orElse("?") + "); wait until it is done");
        }
        Map<String, Object> res = new ConcurrentHashMap<>(Map.of("id", id, "done", false, "ok", false,
                "bytes", 0L, "error", ""));
        results.put(id, res);
        Path cnf = Tools.optionsFile(agent.config().monitorUser());
        Path work = Files.createTempDirectory("ringmaster-clone-donor-");
        Path err = work.resolve("stderr.log");
        Files.createDirectories(work.resolve("tmp"));
        try {
            var linkBefore = sql.replicaLink(agent.host());
            boolean appliedBefore = linkBefore.isPresent() && linkBefore.get().sqlRunning();
            List<String> cmd = logical ? dumpCommand(cnf)
                    : backupCommand(cnf, data, work.resolve("tmp"), lsn, Math.max(1, parallel));
            log.info("{}: streaming a {} copy for clone {} (max rate {}): {}", agent.host().name(),
                    logical ? "logical" : "physical", id, maxRate > 0 ? maxRate + " MB/s" : "unlimited",
                    String.join(" ", cmd));
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            long bytes = 0;
            String problem = "";
            HttpExchange ex = r.exchange();
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.getResponseHeaders().set("X-Ringmaster-Copy", logical ? "logical" : "physical");
            ex.sendResponseHeaders(200, 0);
            RateLimit limit = new RateLimit(maxRate);
            byte[] buf = new byte[1 << 16];
            try (InputStream in = p.getInputStream(); OutputStream out = ex.getResponseBody()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        problem = "the reader went away after " + bytes + " bytes (" + e.getMessage() + ")";
                        break;
                    }
                    bytes += n;
                    res.put("bytes", bytes);
                    limit.acquire(n);
                }
            } catch (IOException e) {
                if (problem.isEmpty()) {
                    problem = "the reader went away after " + bytes + " bytes (" + e.getMessage() + ")";
                }
            } finally {
                if (!problem.isEmpty() || Thread.currentThread().isInterrupted()) {
                    p.destroyForcibly();
                    log.warn("{}: clone {}: {}; {} killed", agent.host().name(), id, problem, cmd.get(0));
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    problem = cmd.get(0) + " did not end within 60 s after its output; killed";
                }
            }
            int code = p.isAlive() ? -1 : p.exitValue();
            if (appliedBefore) {
                restartApplier(id);
            }
            if (problem.isEmpty() && code != 0) {
                problem = cmd.get(0) + " exited with " + code + ": " + tail(err);
            }
            res.put("bytes", bytes);
            res.put("ok", problem.isEmpty());
            res.put("error", problem);
            res.put("done", true);
            log.info("{}: clone {}: {} bytes sent, {}", agent.host().name(), id, bytes,
                    problem.isEmpty() ? "complete" : problem);
            return AgentServer.STREAMED;
        } finally {
            Files.deleteIfExists(cnf);
            deleteTree(work);
            busy.release(op);
        }
    }

    /**
     * mariadb-backup --safe-slave-backup stops the donor's SQL thread and starts it again at its end; killed in
     * between (its reader went away), it cannot: the agent starts it again, so that the donor is as it was.
     */
    private void restartApplier(String id) {
        try {
            var link = sql.replicaLink(agent.host());
            if (link.isPresent() && !link.get().sqlRunning() && link.get().lastSqlErrno() == 0) {
                log.info("{}: START SLAVE SQL_THREAD (clone {}: mariadb-backup --safe-slave-backup stopped it and "
                        + "ended before starting it again)", agent.host().name(), id);
                sql.exec(agent.host(), "START SLAVE SQL_THREAD");
            }
        } catch (java.sql.SQLException e) {
            log.error("{}: clone {}: cannot check or restart the SQL thread after the copy: {}", agent.host().name(),
                    id, e.getMessage());
        }
    }

    private List<String> backupCommand(Path cnf, Path data, Path tmp, String incrementalLsn, int parallel)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.BACKUP, "--defaults-extra-file=" + cnf, "--backup",
                "--stream=mbstream", "--target-dir=" + tmp, "--datadir=" + data, "--parallel=" + parallel));
        if (!incrementalLsn.isEmpty()) {
            cmd.add("--incremental-lsn=" + incrementalLsn);
        }
        cmd.addAll(Tools.connection(agent.agentConfig(), agent.host()));
        if (isReplica()) {
            cmd.add("--safe-slave-backup");
            cmd.add("--slave-info");
        }
        return cmd;
    }

    private List<String> dumpCommand(Path cnf) {
        List<String> cmd = new ArrayList<>(List.of(Tools.DUMP, "--defaults-extra-file=" + cnf,
                "--single-transaction", "--gtid", "--master-data=2", "--all-databases", "--routines", "--events",
                "--triggers", "--hex-blob", "--ignore-table=mysql.gtid_slave_pos"));
        cmd.addAll(Tools.connection(agent.agentConfig(), agent.host()));
        return cmd;
    }

    /** The last lines of a program's stderr, on one line. */
    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
