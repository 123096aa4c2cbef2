import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.mysql.Connections;
import io.ringmaster.sandbox.Sandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One failover drill on a running sandbox (2 masters + 1 replica each, the monitor with its in-process router), or
 * the summary of many. Run by bench/failover/run.sh with the ringmaster jar on the class path:
 *
 * <pre>
 *   java -cp ringmaster.jar Drill.java drill --kind kill|kill-load|freeze|switchover --dir SANDBOX --base-port P
 *        --cli RINGMASTER_LAUNCHER --out RESULTS_FILE [--run N] [--threads 4] [--timeout-s 60]
 *   java -cp ringmaster.jar Drill.java summary RESULTS_FILE
 * </pre>
 *
 * A drill appends one line of {@code key=value} tokens to RESULTS_FILE (after " # " a free-text note) and exits 0 when
 * it passed, 1 when it failed. Durations end in {@code _ms}; per-step sums of the recovery record are {@code step_*};
 * {@code lost} and {@code double_writable} are counts. Every wait is bounded.
 */
public class Drill {
    static final Credentials ROOT = new Credentials("root", Secret.of(""));
    static final String MARKER_USER = "rmdrill";
    static final Credentials MARKER = new Credentials(MARKER_USER, Secret.of("rmdrill-pw"));
    static final String TABLE = "rmbench.acked";
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("summary")) {
            System.exit(Summary.print(Path.of(args[1])));
        }
        if (args.length == 0 || !args[0].equals("drill")) {
            System.err.println("usage: Drill.java drill --kind K --dir D --base-port P --cli LAUNCHER --out FILE"
                    + " [--run N] [--threads N] [--timeout-s S] | Drill.java summary FILE");
            System.exit(2);
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Drill d = new Drill(opts);
        Map<String, String> r = new LinkedHashMap<>();
        r.put("kind", d.kind);
        r.put("run", opts.getOrDefault("run", "1"));
        r.put("ok", "1");
        List<String> notes = new ArrayList<>();
        try {
            d.run(r, notes);
        } catch (DrillFailed e) {
            r.put("ok", "0");
            notes.add(0, "FAILED: " + e.getMessage());
        } catch (Throwable e) {
            r.put("ok", "0");
            notes.add(0, "FAILED: " + e);
            e.printStackTrace();
        }
        StringBuilder line = new StringBuilder();
        r.forEach((k, v) -> line.append(line.isEmpty() ? "" : " ").append(k).append('=').append(v));
        if (!notes.isEmpty()) {
            line.append(" # ").append(String.join("; ", notes).replace('\n', ' '));
        }
        System.out.println("RESULT " + line);
        Files.writeString(Path.of(opts.get("out")), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.exit(r.get("ok").equals("1") ? 0 : 1);
    }

    /** A drill that did not pass, with why. */
    static final class DrillFailed extends Exception {
        private static final long serialVersionUID = 1L;

        DrillFailed(String why) {
            super(why);
        }
    }

    final String kind;
    final Path dir;
    final int base;
    final String cli;
    final int threads;
    final Duration timeout;
    final Duration probeTimeout;
    final Duration loadTimeout;
    final HostConfig router;
    final String api;
    final Sandbox sandbox;
    final Map<String, HostConfig> hosts = new LinkedHashMap<>();
    final List<HostConfig> masters = new ArrayList<>();
    final AtomicLong ids = new AtomicLong(1);
    /** The read_only sampler of the running drill. */
    RoSampler sampler;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Drill(Map<String, String> o) {
        kind = o.getOrDefault("kind", "kill");
        dir = Path.of(o.get("dir"));
        base = Integer.parseInt(o.get("base-port"));
        cli = o.get("cli");
        threads = Integer.parseInt(o.getOrDefault("threads", "4"));
        timeout = Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout-s", "60")));
        probeTimeout = Duration.ofMillis(Long.parseLong(o.getOrDefault("probe-timeout-ms", "1000")));
        loadTimeout = Duration.ofMillis(Long.parseLong(o.getOrDefault("load-timeout-ms", "2000")));
        router = new HostConfig("router", "127.0.0.1", base + 46, HostMode.MASTER, Optional.empty());
        api = "http://127.0.0.1:" + (base + 88) + "/api/v1/";
        sandbox = Sandbox.open(dir);
        for (HostConfig h : sandbox.config().hosts()) {
            hosts.put(h.name(), h);
            if (h.isMaster()) {
                masters.add(h);
            }
        }
    }

    void run(Map<String, String> r, List<String> notes) throws Exception {
        String writer = awaitHealthy(Duration.ofSeconds(60));
        prepare();
        HostConfig old = hosts.get(writer);
        HostConfig other = masters.stream().filter(h -> !h.name().equals(writer)).findFirst()
                .orElseThrow(() -> new DrillFailed("no second master"));
        RoSampler ro = new RoSampler(masters);
        sampler = ro;
        ro.start();
        try {
            Thread.sleep(1000);
            switch (kind) {
                case "kill" -> kill(old, r, notes);
                case "kill-load" -> killLoad(old, r, notes);
                case "freeze" -> freeze(old, r, notes);
                case "switchover" -> switchover(old, other, r, notes);
                default -> throw new DrillFailed("unknown kind " + kind);
            }
        } finally {
            ro.stop();
            r.put("double_writable", Long.toString(ro.doubleWritable.get()));
            r.put("thaw_double_writable", Long.toString(ro.afterThaw.get()));
            if (ro.afterThaw.get() > 0) {
                notes.add("the thawed old writer answered read_only=0 on a direct connection from before the freeze in "
                        + ro.afterThaw.get() + " sample(s), the last " + ro.lastAfterThawMs + " ms after SIGCONT, "
                        + "before its return fence landed (the router had cut its own connections; a direct client "
                        + "is kept out only by the agent's port block, issue 10)");
            }
            r.put("ro_ticks", Long.toString(ro.ticks.get()));
            r.put("ro_both_answered", Long.toString(ro.bothAnswered.get()));
            if (ro.doubleWritable.get() > 0) {
                r.put("ok", "0");
                notes.add("TWO WRITABLE MASTERS in " + ro.doubleWritable.get() + " sample(s), first "
                        + ro.firstDoubleAt + " ms after the sampler started");
            }
        }
    }

    // ---- the four drills

    void kill(HostConfig old, Map<String, String> r, List<String> notes) throws Exception {
        Instant wall = Instant.now();
        long t0 = System.nanoTime();
        sandbox.kill(old.name());
        Ack ack = probe(t0, old.port());
        if (ack == null) {
            throw new DrillFailed("no acknowledged write through the router within " + timeout.toSeconds()
                    + " s of the kill");
        }
        r.put("kill_to_write_ms", ms(ack.nanos - t0));
        r.put("new_writer_port", Integer.toString(ack.port));
        Thread.sleep(500);
        recovery(wall, t0, r, notes, true);
    }

    void killLoad(HostConfig old, Map<String, String> r, List<String> notes) throws Exception {
        Load load = new Load(threads);
        load.start();
        List<Ack> acks;
        long t0;
        Instant wall;
        try {
            Thread.sleep(3000);
            if (load.acks.isEmpty()) {
                throw new DrillFailed("the write load got no acknowledgement in 3 s before the kill");
            }
            wall = Instant.now();
            t0 = System.nanoTime();
            sandbox.kill(old.name());
            long deadline = t0 + timeout.toNanos();
            while (System.nanoTime() < deadline && !load.ackedElsewhereAfter(old.port(), t0)) {
                Thread.sleep(10);
            }
            Thread.sleep(2000);
        } finally {
            load.close();
        }
        acks = load.sorted();
        r.put("acked", Integer.toString(acks.size()));
        r.put("failed_stmts", Long.toString(load.failures.get()));
        Ack first = acks.stream().filter(a -> a.nanos > t0 && a.port != old.port()).findFirst().orElse(null);
        if (first == null) {
            throw new DrillFailed("no acknowledged write on a new writer within " + timeout.toSeconds()
                    + " s of the kill");
        }
        long lastBefore = acks.stream().filter(a -> a.nanos < first.nanos).mapToLong(a -> a.nanos).max().orElse(t0);
        r.put("kill_to_write_ms", ms(first.nanos - t0));
        r.put("window_ms", ms(first.nanos - lastBefore));
        r.put("new_writer_port", Integer.toString(first.port));
        lost(acks, r, notes);
        recovery(wall, t0, r, notes, true);
    }

    void freeze(HostConfig old, Map<String, String> r, List<String> notes) throws Exception {
        // sessions open on the writer before the freeze: none may survive it
        Connection rootDirect = Connections.open(old.address(), old.port(), ROOT, Duration.ofSeconds(1));
        Connection markerDirect = Connections.open(old.address(), old.port(), MARKER, Duration.ofSeconds(2));
        Connection markerRouted = Connections.open(router.address(), router.port(), MARKER, Duration.ofSeconds(2));
        boolean thawed = false;
        try {
            int routedPort = scalar(markerRouted, "SELECT @@port");
            if (routedPort != old.port()) {
                notes.add("the router sent the marker session to port " + routedPort + ", not the writer");
            }
            int before = markerSessions(old);
            r.put("marker_sessions_before", Integer.toString(before));
            Instant wall = Instant.now();
            long t0 = System.nanoTime();
            sandbox.freeze(old.name());
            Ack ack = probe(t0, old.port());
            if (ack == null) {
                throw new DrillFailed("no acknowledged write through the router within " + timeout.toSeconds()
                        + " s of the freeze");
            }
            r.put("kill_to_write_ms", ms(ack.nanos - t0));
            r.put("new_writer_port", Integer.toString(ack.port));
            recovery(wall, t0, r, notes, true);
            long thaw = System.nanoTime();
            sampler.markThaw(thaw);
            sandbox.thaw(old.name());
            thawed = true;
            // the old writer must come back fenced: read_only=ON, no role, no session from before the freeze
            long deadline = thaw + Duration.ofSeconds(10).toNanos();
            long roAt = -1;
            long noRoleAt = -1;
            long markersGoneAt = -1;
            long rootDeadAt = -1;
            Integer ro = null;
            List<String> roles = null;
            int markers = -1;
            Connection check = null;
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                try {
                    if (check == null) {
                        check = Connections.open(old.address(), old.port(), ROOT, Duration.ofMillis(500));
                    }
                    ro = scalar(check, "SELECT @@read_only");
                    markers = scalar(check, "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '"
                            + MARKER_USER + "'");
                } catch (SQLException e) {
                    closeQuietly(check);
                    check = null;
                }
                roles = roles(old.name());
                if (rootDeadAt < 0) {
                    try {
                        scalar(rootDirect, "SELECT 1");
                    } catch (SQLException e) {
                        rootDeadAt = now;
                    }
                }
                if (roAt < 0 && ro != null && ro == 1) {
                    roAt = now;
                }
                if (noRoleAt < 0 && roles != null && roles.isEmpty()) {
                    noRoleAt = now;
                }
                if (markersGoneAt < 0 && markers == 0) {
                    markersGoneAt = now;
                }
                if (roAt >= 0 && noRoleAt >= 0 && markersGoneAt >= 0 && rootDeadAt >= 0) {
                    break;
                }
                Thread.sleep(20);
            }
            closeQuietly(check);
            r.put("thaw_read_only_ms", roAt < 0 ? "-1" : ms(roAt - thaw));
            r.put("thaw_sessions_gone_ms", markersGoneAt < 0 || rootDeadAt < 0 ? "-1"
                    : ms(Math.max(markersGoneAt, rootDeadAt) - thaw));
            r.put("old_read_only", ro == null ? "unknown" : ro == 1 ? "ON" : "OFF");
            r.put("old_roles", roles == null ? "unknown" : roles.isEmpty() ? "none" : String.join(",", roles));
            int survivors = Math.max(0, markers) + (rootDeadAt < 0 ? 1 : 0);
            r.put("survivors", Integer.toString(survivors));
            r.put("root_session", rootDeadAt < 0 ? "alive" : "dead");
            r.put("marker_sessions_after", Integer.toString(markers));
            List<String> bad = new ArrayList<>();
            if (ro == null || ro != 1) {
                bad.add("the thawed old writer is read_only=" + r.get("old_read_only"));
            }
            if (roles == null || !roles.isEmpty()) {
                bad.add("the thawed old writer holds roles " + r.get("old_roles"));
            }
            if (survivors > 0) {
                bad.add(survivors + " client session(s) from before the freeze survived on the thawed writer (root "
                        + r.get("root_session") + ", marker sessions " + markers + ")");
            }
            if (!bad.isEmpty()) {
                throw new DrillFailed(String.join(", ", bad) + " 10 s after the thaw");
            }
            Thread.sleep(300); // the sampler keeps watching both masters a little longer
        } finally {
            if (!thawed) {
                try {
                    sandbox.thaw(old.name());
                } catch (RuntimeException e) {
                    notes.add("thaw failed: " + e.getMessage());
                }
            }
            closeQuietly(rootDirect);
            closeQuietly(markerDirect);
            closeQuietly(markerRouted);
        }
    }

    void switchover(HostConfig old, HostConfig target, Map<String, String> r, List<String> notes) throws Exception {
        Load load = new Load(threads);
        long loadStart = System.nanoTime();
        load.start();
        long t0;
        long t1;
        Instant wall;
        int code;
        String output;
        try {
            Thread.sleep(3000);
            if (load.acks.isEmpty()) {
                throw new DrillFailed("the write load got no acknowledgement in 3 s before the switchover");
            }
            wall = Instant.now();
            t0 = System.nanoTime();
            Process p = new ProcessBuilder(cli, "move-role", "writer", target.name(), "--config",
                    dir.resolve("ringmaster.yml").toString()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DrillFailed("move-role did not finish in " + timeout.toSeconds() + " s");
            }
            t1 = System.nanoTime();
            code = p.exitValue();
            output = out.get(5, TimeUnit.SECONDS).strip();
            Thread.sleep(2000);
        } finally {
            load.close();
        }
        List<Ack> acks = load.sorted();
        r.put("acked", Integer.toString(acks.size()));
        r.put("failed_stmts", Long.toString(load.failures.get()));
        r.put("move_cmd_ms", ms(t1 - t0));
        if (code != 0) {
            throw new DrillFailed("move-role exited " + code + ": " + output.lines().reduce((a, b) -> b).orElse(""));
        }
        long blocked = 0;
        long baseline = 0;
        for (int i = 1; i < acks.size(); i++) {
            long a = acks.get(i - 1).nanos;
            long b = acks.get(i).nanos;
            if (b > t0) {
                blocked = Math.max(blocked, b - a);
            } else if (a > loadStart + Duration.ofMillis(500).toNanos()) {
                baseline = Math.max(baseline, b - a);
            }
        }
        Ack first = acks.stream().filter(a -> a.nanos > t0 && a.port == target.port()).findFirst().orElse(null);
        if (first == null) {
            throw new DrillFailed("no acknowledged write on " + target.name() + " after move-role");
        }
        r.put("writes_blocked_ms", ms(blocked));
        r.put("baseline_max_gap_ms", ms(baseline));
        r.put("cmd_to_new_writer_ms", ms(first.nanos - t0));
        long lateOld = acks.stream().filter(a -> a.nanos > first.nanos && a.port == old.port()).count();
        if (lateOld > 0) {
            notes.add(lateOld + " write(s) on " + old.name() + " acknowledged after the first on " + target.name());
        }
        lost(acks, r, notes);
        recovery(wall, t0, r, notes, false);
    }

    // ---- measurements

    /** Every acknowledged row must be on the writer now: counts the missing ones. */
    void lost(List<Ack> acks, Map<String, String> r, List<String> notes) throws Exception {
        String w = awaitWriter(Duration.ofSeconds(10));
        if (w == null) {
            throw new DrillFailed("no writer in the monitor's status after the drill; lost rows not checked");
        }
        HostConfig h = hosts.get(w);
        Set<Long> present = new HashSet<>();
        try (Connection c = Connections.open(h.address(), h.port(), ROOT, Duration.ofSeconds(10));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + TABLE)) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        List<Long> missing = acks.stream().map(a -> a.id).filter(id -> !present.contains(id)).sorted().toList();
        r.put("lost", Integer.toString(missing.size()));
        if (!missing.isEmpty()) {
            r.put("ok", "0");
            notes.add("LOST " + missing.size() + " acknowledged row(s) on " + w + ", first ids "
                    + missing.subList(0, Math.min(10, missing.size())));
        }
    }

    /**
     * The monitor's record of the writer change that began after {@code wall}: step sums by kind, detect (and
     * confirm when the record says when the monitor first saw the writer fail).
     */
    void recovery(Instant wall, long t0, Map<String, String> r, List<String> notes, boolean failure)
            throws Exception {
        JsonNode rec = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            rec = newestSince(wall.minusMillis(200));
            if (rec != null && text(rec, "finished") != null) {
                break;
            }
            Thread.sleep(100);
        }
        if (rec == null) {
            notes.add("no recovery record after the event");
            return;
        }
        r.put("record", text(rec, "id") == null ? "?" : text(rec, "id").replace(' ', '_'));
        r.put("record_ok", rec.path("success").asBoolean(false) ? "1" : "0");
        Instant started = instant(text(rec, "started"));
        Instant finished = instant(text(rec, "finished"));
        Instant firstFailure = instant(text(rec, "firstFailureAt"));
        if (failure) {
            if (firstFailure != null) {
                r.put("detect_ms", Long.toString(Duration.between(wall, firstFailure).toMillis()));
                if (started != null) {
                    r.put("confirm_ms", Long.toString(Duration.between(firstFailure, started).toMillis()));
                }
            } else if (started != null) {
                r.put("detect_ms", Long.toString(Duration.between(wall, started).toMillis()));
            }
        } else if (started != null) {
            r.put("cmd_to_start_ms", Long.toString(Duration.between(wall, started).toMillis()));
        }
        if (started != null && finished != null) {
            r.put("recovery_ms", Long.toString(Duration.between(started, finished).toMillis()));
        }
        Map<String, Long> groups = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (JsonNode s : rec.path("steps")) {
            String g = group(s.path("step").asText(""));
            groups.merge(g, s.path("millis").asLong(0), Long::sum);
            if (s.has("ok") && !s.path("ok").asBoolean(true)) {
                String d = s.path("detail").asText("");
                failed.add(s.path("step").asText("?") + " after " + s.path("millis").asLong(0) + " ms"
                        + (d.isEmpty() ? "" : ": " + (d.length() > 120 ? d.substring(0, 120) + "..." : d)));
            }
        }
        groups.forEach((g, m) -> r.put("step_" + g + "_ms", Long.toString(m)));
        if (!failed.isEmpty()) {
            r.put("steps_failed", Integer.toString(failed.size()));
            notes.add("failed step(s): " + String.join(" | ", failed));
        }
        if (!rec.path("success").asBoolean(false)) {
            notes.add("recovery record outcome: " + text(rec, "outcome"));
        }
        JsonNode evidence = rec.get("evidence");
        if (evidence != null && !evidence.isNull()) {
            String e = evidence.isTextual() ? evidence.asText() : evidence.toString();
            if (e.matches("[A-Za-z0-9_.:,-]{1,40}")) {
                r.put("evidence", e);
            } else if (!e.isBlank()) {
                notes.add("evidence: " + (e.length() > 300 ? e.substring(0, 300) + "..." : e));
            }
        }
    }

    static String group(String step) {
        String s = step.toLowerCase(Locale.ROOT).strip();
        if (s.startsWith("fence")) return "fence";
        if (s.startsWith("unfence")) return "unfence";
        if (s.startsWith("wait until")) return "catchup";
        if (s.startsWith("fetch")) return "fetch";
        if (s.startsWith("stop replication")) return "detach";
        if (s.startsWith("stop applying")) return "applier";
        if (s.startsWith("repoint")) return "repoint";
        if (s.startsWith("promote")) return "promote";
        if (s.startsWith("wait for the router")) return "routers";
        if (s.startsWith("wait out")) return "lease";
        if (s.startsWith("hook")) return "hook";
        String[] w = s.split("[^a-z]+");
        String g = w.length > 0 && !w[0].isEmpty() ? w[0] : "other";
        if (w.length > 1 && g.length() < 5) {
            g += "_" + w[1];
        }
        return g;
    }

    /** The probe: an INSERT through the router every ~10 ms until one is acknowledged by a host other than old. */
    Ack probe(long t0, int oldPort) throws InterruptedException {
        long deadline = t0 + timeout.toNanos();
        Connection c = null;
        int port = 0;
        while (System.nanoTime() < deadline) {
            try {
                if (c == null) {
                    c = Connections.open(router.address(), router.port(), ROOT, probeTimeout);
                    port = scalar(c, "SELECT @@port");
                }
                if (port != oldPort) {
                    long id = ids.getAndIncrement();
                    insert(c, id, port);
                    return new Ack(id, System.nanoTime(), port);
                }
                closeQuietly(c); // still the old writer (a frozen one answers nothing, a killed one is gone)
                c = null;
            } catch (SQLException e) {
                closeQuietly(c);
                c = null;
            }
            Thread.sleep(10);
        }
        closeQuietly(c);
        return null;
    }

    static void insert(Connection c, long id, int port) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, port) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setInt(2, port);
            ps.executeUpdate();
        }
    }

    // ---- set-up

    /** Waits until the monitor is ready with a writer and every host ONLINE; returns the writer. */
    String awaitHealthy(Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "no answer from " + api + "status";
        while (System.nanoTime() < deadline) {
            JsonNode s = get("status");
            if (s != null) {
                List<String> notOnline = new ArrayList<>();
                for (JsonNode h : s.path("hosts")) {
                    if (!h.path("state").asText("").equals("ONLINE")) {
                        notOnline.add(h.path("name").asText("?") + "=" + h.path("state").asText("?"));
                    }
                }
                String w = text(s, "writer");
                if (s.path("ready").asBoolean(false) && w != null && notOnline.isEmpty()
                        && s.path("mode").asText("ACTIVE").equals("ACTIVE")) {
                    return w;
                }
                last = "ready=" + s.path("ready") + " mode=" + s.path("mode").asText("?") + " writer=" + w
                        + " not online: " + notOnline;
            }
            Thread.sleep(100);
        }
        throw new DrillFailed("setup: the cluster is not healthy after " + bound.toSeconds() + " s (" + last + ")");
    }

    /** The drill table and marker account, through the router; waits until every host has them. */
    void prepare() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SQLException lastError = null;
        while (true) {
            try (Connection c = Connections.open(router.address(), router.port(), ROOT, Duration.ofSeconds(5));
                 Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE IF NOT EXISTS rmbench");
                st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT NOT NULL PRIMARY KEY, port INT NOT NULL,"
                        + " at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB");
                st.execute("CREATE USER IF NOT EXISTS '" + MARKER_USER + "'@'127.0.0.1' IDENTIFIED BY '"
                        + MARKER.password().reveal() + "'");
                st.execute("GRANT SELECT ON rmbench.* TO '" + MARKER_USER + "'@'127.0.0.1'");
                break;
            } catch (SQLException e) {
                lastError = e;
                if (System.nanoTime() > deadline) {
                    throw new DrillFailed("setup: cannot create the drill table through the router: " + e.getMessage());
                }
                Thread.sleep(200);
            }
        }
        for (HostConfig h : hosts.values()) {
            while (true) {
                try (Connection c = Connections.open(h.address(), h.port(), ROOT, Duration.ofSeconds(2))) {
                    if (scalar(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'rmbench'"
                            + " AND table_name = 'acked'") == 1 && scalar(c, "SELECT COUNT(*) FROM mysql.user WHERE"
                            + " user = '" + MARKER_USER + "'") == 1) {
                        break;
                    }
                } catch (SQLException e) {
                    lastError = e;
                }
                if (System.nanoTime() > deadline) {
                    throw new DrillFailed("setup: " + h.name() + " did not get the drill table in 30 s"
                            + (lastError == null ? "" : " (" + lastError.getMessage() + ")"));
                }
                Thread.sleep(100);
            }
        }
    }

    // ---- the monitor's API

    JsonNode get(String path) {
        try {
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(api + path))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 ? JSON.readTree(resp.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The newest recovery record that started at or after {@code since}. */
    JsonNode newestSince(Instant since) {
        JsonNode all = get("recoveries");
        if (all == null) {
            return null;
        }
        JsonNode best = null;
        Instant bestAt = null;
        for (JsonNode rec : all.path("recoveries")) {
            Instant at = instant(text(rec, "started"));
            if (at != null && !at.isBefore(since) && (bestAt == null || at.isAfter(bestAt))) {
                best = rec;
                bestAt = at;
            }
        }
        return best;
    }

    String awaitWriter(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = get("status");
            String w = s == null ? null : text(s, "writer");
            if (w != null && hosts.containsKey(w)) {
                return w;
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** The roles the monitor gives a host, or null when it does not answer. */
    List<String> roles(String host) {
        JsonNode s = get("status");
        if (s == null) {
            return null;
        }
        for (JsonNode h : s.path("hosts")) {
            if (h.path("name").asText("").equals(host)) {
                List<String> out = new ArrayList<>();
                h.path("roles").forEach(x -> out.add(x.asText()));
                return out;
            }
        }
        return null;
    }

    int markerSessions(HostConfig h) throws SQLException {
        try (Connection c = Connections.open(h.address(), h.port(), ROOT, Duration.ofSeconds(2))) {
            return scalar(c, "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '" + MARKER_USER + "'");
        }
    }

    // ---- helpers

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Instant instant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static int scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from " + sql);
            }
            return rs.getInt(1);
        }
    }

    static String ms(long nanos) {
        return Long.toString(Math.round(nanos / 1e6));
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // gone anyway
            }
        }
    }

    /** One acknowledged INSERT: row id, System.nanoTime when the OK arrived, the server's port. */
    record Ack(long id, long nanos, int port) {}

    /** Several client threads inserting numbered rows through the router's writer listener. */
    final class Load {
        final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        final AtomicLong failures = new AtomicLong();
        final List<Thread> workers = new ArrayList<>();
        volatile boolean running = true;

        Load(int n) {
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(this::loop, "drill-load-" + i);
                t.setDaemon(true);
                workers.add(t);
            }
        }

        void start() {
            workers.forEach(Thread::start);
        }

        void loop() {
            Connection c = null;
            int port = 0;
            while (running) {
                try {
                    if (c == null) {
                        c = Connections.open(router.address(), router.port(), ROOT, loadTimeout);
                        port = scalar(c, "SELECT @@port");
                    }
                    long id = ids.getAndIncrement();
                    insert(c, id, port);
                    acks.add(new Ack(id, System.nanoTime(), port));
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    closeQuietly(c);
                    c = null;
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException ie) {
                        break;
                    }
                }
            }
            closeQuietly(c);
        }

        boolean ackedElsewhereAfter(int oldPort, long t0) {
            for (Ack a : acks) {
                if (a.nanos > t0 && a.port != oldPort) {
                    return true;
                }
            }
            return false;
        }

        List<Ack> sorted() {
            List<Ack> l = new ArrayList<>(acks);
            l.sort(Comparator.comparingLong(Ack::nanos));
            return l;
        }

        void close() throws InterruptedException {
            running = false;
            long deadline = System.nanoTime() + loadTimeout.toNanos() * 2 + Duration.ofSeconds(1).toNanos();
            for (Thread t : workers) {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (t.isAlive()) {
                    t.interrupt();
                }
            }
        }
    }

    /**
     * Every ~20 ms asks each master for @@read_only over its own direct connection, all at once; a host that has
     * not answered within 250 ms (or is still busy with an earlier question) is skipped for that tick. A tick in
     * which two masters answered read_only=0 counts as double-writable.
     */
    static final class RoSampler {
        final List<HostSampler> hosts = new ArrayList<>();
        final AtomicLong ticks = new AtomicLong();
        final AtomicLong bothAnswered = new AtomicLong();
        final AtomicLong doubleWritable = new AtomicLong();
        /** Double-writable samples taken after a frozen old writer was thawed (counted apart, see markThaw). */
        final AtomicLong afterThaw = new AtomicLong();
        volatile long thawAt = -1;
        volatile long lastAfterThawMs = -1;
        volatile long firstDoubleAt = -1;
        final Thread thread;
        volatile boolean running = true;
        final long begin = System.nanoTime();

        RoSampler(List<HostConfig> masters) {
            masters.forEach(h -> hosts.add(new HostSampler(h)));
            thread = new Thread(this::loop, "drill-ro-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /**
         * From {@code nanos} on (SIGCONT of a frozen old writer), double-writable samples are counted apart: the
         * thawed server answers questions queued on connections opened before the freeze before its return fence
         * lands. Invariant 1 covers clients through Ringmaster (the router cut its connections before the fence);
         * direct clients are issue 10's (the agent blocks the port).
         */
        void markThaw(long nanos) {
            thawAt = nanos;
        }

        void loop() {
            while (running) {
                long t = System.nanoTime();
                List<CompletableFuture<Integer>> fs = hosts.stream().map(HostSampler::trySample).toList();
                int answered = 0;
                int writable = 0;
                long deadline = t + Duration.ofMillis(250).toNanos();
                for (CompletableFuture<Integer> f : fs) {
                    if (f == null) {
                        continue;
                    }
                    try {
                        Integer v = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                        if (v != null) {
                            answered++;
                            if (v == 0) {
                                writable++;
                            }
                        }
                    } catch (TimeoutException e) {
                        // skipped this tick; the question goes on in the background
                    } catch (Exception e) {
                        // no answer
                    }
                }
                ticks.incrementAndGet();
                if (answered >= 2) {
                    bothAnswered.incrementAndGet();
                }
                // an answer that arrives after SIGCONT was given by the thawed server, whenever it was asked
                if (writable >= 2 && thawAt > 0 && System.nanoTime() >= thawAt) {
                    afterThaw.incrementAndGet();
                    lastAfterThawMs = (System.nanoTime() - thawAt) / 1_000_000;
                } else if (writable >= 2) {
                    if (doubleWritable.getAndIncrement() == 0) {
                        firstDoubleAt = (System.nanoTime() - begin) / 1_000_000;
                    }
                }
                long sleep = t + Duration.ofMillis(20).toNanos() - System.nanoTime();
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2000);
            hosts.forEach(HostSampler::close);
        }
    }

    /** One master's read_only over a connection of its own; at most one question in flight. */
    static final class HostSampler {
        final HostConfig host;
        final ExecutorService exec;
        final AtomicBoolean busy = new AtomicBoolean();
        Connection conn;

        HostSampler(HostConfig host) {
            this.host = host;
            this.exec = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "drill-ro-" + host.name());
                t.setDaemon(true);
                return t;
            });
        }

        CompletableFuture<Integer> trySample() {
            if (!busy.compareAndSet(false, true)) {
                return null;
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return sample();
                } finally {
                    busy.set(false);
                }
            }, exec);
        }

        Integer sample() {
            try {
                if (conn == null) {
                    conn = Connections.open(host.address(), host.port(), ROOT, Duration.ofMillis(300));
                }
                return scalar(conn, "SELECT @@read_only");
            } catch (SQLException e) {
                closeQuietly(conn);
                conn = null;
                return null;
            }
        }

        void close() {
            exec.shutdownNow();
            try {
                exec.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(conn);
        }
    }

    // ---- summary

    /** Reads the result lines: one summary table per drill kind; exit 1 on a lost row or two writable masters. */
    static final class Summary {
        static final List<String> KINDS = List.of("kill", "kill-load", "freeze", "switchover");

        /** Targets: kind, metric, statistic, bound in ms. */
        static final String[][] TARGETS = {
            {"kill", "kill_to_write_ms", "median", "500"},
            {"kill", "kill_to_write_ms", "max", "1000"},
            {"kill-load", "window_ms", "median", "700"},
            {"freeze", "kill_to_write_ms", "median", "5000"},
            {"freeze", "kill_to_write_ms", "max", "7000"},
            {"switchover", "writes_blocked_ms", "median", "100"},
        };

        static int print(Path file) throws IOException {
            List<Map<String, String>> runs = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                int hash = line.indexOf(" # ");
                String body = hash < 0 ? line : line.substring(0, hash);
                if (body.isBlank()) {
                    continue;
                }
                Map<String, String> m = new LinkedHashMap<>();
                for (String tok : body.trim().split("\\s+")) {
                    int eq = tok.indexOf('=');
                    if (eq > 0) {
                        m.put(tok.substring(0, eq), tok.substring(eq + 1));
                    }
                }
                runs.add(m);
            }
            List<String> kinds = new ArrayList<>(KINDS);
            runs.stream().map(m -> m.getOrDefault("kind", "?")).distinct().filter(k -> !kinds.contains(k))
                    .forEach(kinds::add);
            long lostAll = 0;
            long doubleAll = 0;
            int failedAll = 0;
            List<String> targetLines = new ArrayList<>();
            for (String kind : kinds) {
                List<Map<String, String>> of = runs.stream().filter(m -> kind.equals(m.get("kind"))).toList();
                if (of.isEmpty()) {
                    continue;
                }
                int failed = (int) of.stream().filter(m -> !"1".equals(m.get("ok"))).count();
                long lost = of.stream().mapToLong(m -> num(m.get("lost"), 0)).sum();
                long dbl = of.stream().mapToLong(m -> num(m.get("double_writable"), 0)).sum();
                long surv = of.stream().mapToLong(m -> num(m.get("survivors"), 0)).sum();
                lostAll += lost;
                doubleAll += dbl;
                failedAll += failed;
                long thawDbl = of.stream().mapToLong(m -> num(m.get("thaw_double_writable"), 0)).sum();
                System.out.printf("%n== %s: %d run(s), %d failed; lost acknowledged rows %d; double-writable samples %d%s%n",
                        kind, of.size(), failed, lost, dbl,
                        kind.equals("freeze") ? "; surviving pre-freeze sessions " + surv + "; samples of the thawed"
                                + " old writer writable on a pre-freeze direct connection before its return fence "
                                + thawDbl + " (not through the router; issue 10)" : "");
                List<String> metrics = new ArrayList<>();
                List<String> steps = new ArrayList<>();
                for (Map<String, String> m : of) {
                    for (String k : m.keySet()) {
                        if (k.startsWith("step_") && !steps.contains(k)) {
                            steps.add(k);
                        } else if (k.endsWith("_ms") && !k.startsWith("step_") && !metrics.contains(k)) {
                            metrics.add(k);
                        }
                    }
                }
                System.out.printf("%-24s %4s %9s %9s %9s%n", "duration (ms)", "n", "median", "p90", "max");
                for (String k : metrics) {
                    long[] v = of.stream().map(m -> m.get(k)).filter(s -> s != null && num(s, -1) >= 0)
                            .mapToLong(s -> num(s, 0)).sorted().toArray();
                    if (v.length == 0) {
                        System.out.printf("%-24s %4d %9s %9s %9s%n", k, 0, "-", "-", "-");
                        continue;
                    }
                    System.out.printf("%-24s %4d %9s %9d %9d%n", k, v.length, fmt(median(v)), p90(v), v[v.length - 1]);
                }
                if (!steps.isEmpty()) {
                    StringBuilder sb = new StringBuilder("mean per step (ms, runs with a record):");
                    long withRecord = of.stream().filter(m -> m.containsKey("record")).count();
                    for (String k : steps) {
                        double sum = of.stream().filter(m -> m.containsKey("record"))
                                .mapToLong(m -> num(m.get(k), 0)).sum();
                        sb.append(' ').append(k.substring(5, k.length() - 3)).append('=')
                                .append(fmt(withRecord == 0 ? 0 : sum / withRecord));
                    }
                    System.out.println(sb);
                }
                for (String[] t : TARGETS) {
                    if (!t[0].equals(kind)) {
                        continue;
                    }
                    long[] v = of.stream().map(m -> m.get(t[1])).filter(s -> s != null && num(s, -1) >= 0)
                            .mapToLong(s -> num(s, 0)).sorted().toArray();
                    // a run without the figure (writes never came back) counts against the target
                    int without = of.size() - v.length;
                    double got = v.length == 0 ? Double.NaN : t[2].equals("median") ? median(v) : v[v.length - 1];
                    boolean met = v.length > 0 && without == 0 && got <= Double.parseDouble(t[3]);
                    targetLines.add(String.format("%-10s %s %s <= %s ms: %s (%s)", kind, t[1], t[2], t[3],
                            met ? "met" : "NOT met", v.length == 0 ? "no data" : fmt(got) + " ms"
                                    + (without > 0 ? ", " + without + " run(s) without a figure" : "")));
                }
            }
            if (!targetLines.isEmpty()) {
                System.out.println();
                System.out.println("targets:");
                targetLines.forEach(l -> System.out.println("  " + l));
                System.out.printf("  all      lost rows == 0: %s (%d); double-writable samples == 0: %s (%d)%n",
                        lostAll == 0 ? "met" : "NOT met", lostAll, doubleAll == 0 ? "met" : "NOT met", doubleAll);
            }
            System.out.printf("%ntotal: %d run(s), %d failed, %d lost acknowledged row(s), %d double-writable sample(s)%n",
                    runs.size(), failedAll, lostAll, doubleAll);
            return lostAll > 0 || doubleAll > 0 ? 1 : failedAll > 0 ? 3 : 0;
        }

        static long num(String s, long dflt) {
            if (s == null) {
                return dflt;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return dflt;
            }
        }

        static double median(long[] v) {
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
        }

        /** Nearest-rank 90th percentile. */
        static long p90(long[] v) {
            int rank = (int) Math.ceil(0.9 * v.length);
            return v[Math.max(0, rank - 1)];
        }

        static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
        }
    }
}
