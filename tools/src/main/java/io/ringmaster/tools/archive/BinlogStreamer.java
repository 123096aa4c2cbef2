package io.ringmaster.tools.archive;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver's work, one {@link #tick(Optional)} at a time: streams the writer's binary logs with
 * {@code mariadb-binlog --read-from-remote-server --raw --stop-never} (as the replication account, which has
 * REPLICATION SLAVE) into {@code REPO/binlog/live/SESSION/}, scans what arrived, and once a file is complete
 * (rotated, or its session ended) renames it by server and GTID range. When the writer changes it stops the old
 * stream and resumes on the new writer from the newest binlog file whose start state ({@code BINLOG_GTID_POS(f, 4)})
 * the archive already holds, so there is no gap; the overlap is skipped at replay by GTID. Transactions the old
 * writer streamed that the new writer never had (lost in a failover) are cut from the archive's history
 * ({@link ArchivedFile#usableUntil()}) and logged.
 *
 * <p>Not thread-safe: one thread ticks it (the monitor's archiver thread). {@link #close()} stops the stream.
 */
public final class BinlogStreamer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinlogStreamer.class);
    private final ArchiveIndex index;
    private final Map<String, HostConfig> hosts;
    private final Credentials monitorUser;
    private final Credentials replicationUser;
    private final BinlogScanner scanner;
    private final Clock clock;
    private final long dumpServerId;
    private final SqlActions sql;
    private Session session;
    private String lastError = "";

    private record Session(String id, HostConfig host, long serverId, Path dir, Process process, ClientAccount cnf) {}

    /**
     * @param dumpServerId the server_id the stream registers with (must differ from every server's)
     */
    public BinlogStreamer(ArchiveIndex index, List<HostConfig> hosts, Credentials monitorUser,
                          Credentials replicationUser, Duration timeout, long dumpServerId, Clock clock) {
        this.index = index;
        this.hosts = new LinkedHashMap<>();
        hosts.forEach(h -> this.hosts.put(h.name(), h));
        this.monitorUser = monitorUser;
        this.replicationUser = replicationUser;
        this.scanner = new BinlogScanner("mariadb-binlog", 60_000);
        this.clock = clock;
        this.dumpServerId = dumpServerId;
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, monitorUser, replicationUser, timeout);
    }

    /**
     * One step: follow {@code writer}, scan what arrived, report.
     *
     * @param writer the current writer, empty when there is none (the stream then stops)
     * @return the status written to {@code status.json}
     */
    public ArchiveStatus tick(Optional<String> writer) throws IOException {
        if (session != null && (writer.isEmpty() || !writer.get().equals(session.host().name())
                || !session.process().isAlive())) {
            endSession(writer.isPresent() && !writer.get().equals(session.host().name())
                    ? "the writer moved to " + writer.get() : session.process().isAlive() ? "no writer"
                    : "mariadb-binlog exited with " + session.process().exitValue());
        }
        if (session == null && writer.isPresent()) {
            try {
                startSession(hosts.get(writer.get()));
                lastError = "";
            } catch (SQLException | IOException e) {
                lastError = writer.get() + ": cannot start archiving: " + e.getMessage();
                log.warn(lastError);
            }
        }
        if (session != null) {
            scanSession(false);
        }
        return report(writer);
    }

    private void startSession(HostConfig w) throws SQLException, IOException {
        List<ArchivedFile> files = new ArrayList<>(index.load());
        GtidPosition archived = new ArchiveChain(files).end();
        long serverId;
        List<String> binlogs = new ArrayList<>();
        GtidPosition writerPos;
        String startFile = null;
        try (Connection c = sql.open(w); Statement st = c.createStatement()) {
            serverId = Long.parseLong(one(st, "SELECT @@server_id"));
            writerPos = GtidPosition.parse(one(st, "SELECT @@GLOBAL.gtid_binlog_pos"));
            try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    binlogs.add(rs.getString(1));
                }
            }
            for (String b : binlogs) {
                GtidPosition s = GtidPosition.parse(one(st, "SELECT BINLOG_GTID_POS('" + b.replace("'", "''") + "', 4)"));
                if (startFile == null || (!files.isEmpty() && archived.contains(s))) {
                    startFile = b;
                }
            }
        }
        if (startFile == null) {
            throw new IOException("it has no binary logs (log_bin off?)");
        }
        cutLostTail(files, archived, writerPos, w);
        String id = "S" + serverId + "-" + clock.millis();
        Path dir = index.dir().resolve("live").resolve(id);
        Files.createDirectories(dir);
        ClientAccount cnf = new ClientAccount(w, replicationUser);
        List<String> cmd = List.of("mariadb-binlog", cnf.option(), "--read-from-remote-server", "--raw",
                "--stop-never", "--stop-never-slave-server-id=" + dumpServerId, "--result-file=" + dir + "/",
                startFile);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling(id + ".log").toFile())).start();
        session = new Session(id, w, serverId, dir, p, cnf);
        log.info("archiving {}'s binary logs from {} into {} (archive at {}; session {})", w.name(), startFile, dir,
                archived.isEmpty() ? "empty" : archived, id);
    }

    /** The archive holds transactions the new writer never had: they are no longer history. */
    private void cutLostTail(List<ArchivedFile> files, GtidPosition archived, GtidPosition writerPos, HostConfig w)
            throws IOException {
        List<GtidPosition.Gtid> cut = new ArrayList<>();
        long lost = 0;
        for (GtidPosition.Gtid g : archived.gtids()) {
            long have = writerPos.seq(g.domain());
            if (have < g.seq()) {
                lost += g.seq() - have;
                cut.add(writerPos.gtids().stream().filter(x -> x.domain() == g.domain()).findFirst()
                        .orElse(new GtidPosition.Gtid(g.domain(), g.serverId(), 0)));
            } else {
                cut.add(g);
            }
        }
        if (lost == 0) {
            return;
        }
        GtidPosition until = GtidPosition.of(cut.toArray(GtidPosition.Gtid[]::new));
        files.replaceAll(f -> f.usableEnd().contains(until) && !until.contains(f.usableEnd())
                ? f.withUsableUntil(until) : f);
        index.save(files);
        log.warn("archive: {} transaction(s) archived from the old writer are not on the new writer {} "
                + "(lost in the failover): the archive's history now ends at {} before resuming", lost, w.name(), until);
    }

    private void endSession(String why) throws IOException {
        Session s = session;
        session = null;
        if (s.process().isAlive()) {
            s.process().destroy();
            try {
                if (!s.process().waitFor(5, TimeUnit.SECONDS)) {
                    s.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                s.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        s.cnf().close();
        session = s;
        scanSession(true);
        session = null;
        try (Stream<Path> left = Files.list(s.dir())) {
            if (left.findAny().isEmpty()) {
                Files.delete(s.dir()); // every file renamed; the session's log stays beside it
            }
        }
        log.info("archive session {} on {} ended: {}", s.id(), s.host().name(), why);
    }

    /** Scans the session's files from where the last scan stopped; renames complete ones. */
    private void scanSession(boolean ending) throws IOException {
        Session s = session;
        List<ArchivedFile> files = new ArrayList<>(index.load());
        List<Path> present;
        try (Stream<Path> l = Files.list(s.dir())) {
            present = l.filter(Files::isRegularFile).sorted().toList();
        }
        boolean changed = false;
        for (int i = 0; i < present.size(); i++) {
            Path p = present.get(i);
            String rel = index.dir().relativize(p).toString();
            int at = indexOf(files, rel);
            ArchivedFile f = at >= 0 ? files.get(at) : new ArchivedFile(rel, s.host().name(), s.serverId(),
                    p.getFileName().toString(), s.id(), "", "", "", "", "", "", "", 0, 0, false);
            boolean last = i == present.size() - 1;
            if (at >= 0 && Files.size(p) == f.bytes() && !ending && last) {
                continue;
            }
            BinlogScanner.Result r = scanner.scan(p, Math.max(4, f.bytes()), false);
            f = merge(f, r);
            boolean complete = r.rotated() || !last || ending;
            if (complete) {
                f = rename(f);
            }
            if (at >= 0) {
                files.set(at, f);
            } else {
                files.add(f);
            }
            changed = true;
        }
        if (changed) {
            index.save(files);
        }
    }

    private static ArchivedFile merge(ArchivedFile f, BinlogScanner.Result r) {
        String startState = f.startState().isEmpty() && f.bytes() == 0 ? r.startState().toString() : f.startState();
        GtidPosition end = GtidPosition.parse(f.endState().isEmpty() ? startState : f.endState());
        String first = f.first();
        String firstTime = f.firstTime();
        String last = f.last();
        String lastTime = f.lastTime();
        long n = f.transactions();
        long scanned = Math.max(f.bytes(), 4);
        for (BinlogTransaction t : r.transactions()) {
            if (!t.complete()) {
                break;
            }
            end = end.union(GtidPosition.of(t.gtid()));
            if (first.isEmpty()) {
                first = t.gtid().toString();
                firstTime = t.committed().toString();
            }
            last = t.gtid().toString();
            lastTime = t.committed().toString();
            n++;
            scanned = t.endOffset();
        }
        if (r.transactions().isEmpty() || r.transactions().stream().allMatch(BinlogTransaction::complete)) {
            scanned = Math.max(scanned, r.lastEventEnd());
        }
        return new ArchivedFile(f.file(), f.host(), f.serverId(), f.binlog(), f.session(), startState, end.toString(),
                f.usableUntil(), first, last, firstTime, lastTime, n, scanned, false);
    }

    /** Moves a complete file from {@code live/} to its name by server and GTID range. */
    private ArchivedFile rename(ArchivedFile f) throws IOException {
        String name = "S" + f.serverId() + "-" + f.binlog() + "-" + (f.first().isEmpty() ? "empty"
                : f.first() + ".." + f.last()) + "-" + f.session().substring(f.session().lastIndexOf('-') + 1)
                + ".binlog";
        Path target = index.dir().resolve(name);
        Files.move(index.dir().resolve(f.file()), target);
        log.info("archive: {} complete ({} transaction(s), {}..{})", name, f.transactions(), f.first(), f.last());
        return f.withFile(name, true);
    }

    private ArchiveStatus report(Optional<String> writer) throws IOException {
        GtidPosition archived = index.chain().end();
        String writerPos = "";
        long lagTx = -1;
        long lagSeconds = 0;
        long lagBytes = -1;
        String error = lastError;
        if (writer.isPresent()) {
            HostConfig w = hosts.get(writer.get());
            try (Connection c = sql.open(w); Statement st = c.createStatement()) {
                GtidPosition pos = GtidPosition.parse(one(st, "SELECT @@GLOBAL.gtid_binlog_pos"));
                writerPos = pos.toString();
                lagTx = archived.missingFrom(pos);
                if (lagTx > 0) {
                    Optional<Instant> lastTime = index.load().stream().map(ArchivedFile::lastTime)
                            .filter(t -> !t.isEmpty()).map(Instant::parse).max(Instant::compareTo);
                    lagSeconds = lastTime.map(t -> Math.max(0, Duration.between(t, clock.instant()).toSeconds()))
                            .orElse(0L);
                }
                lagBytes = bytesBehind(st);
            } catch (SQLException e) {
                error = writer.get() + ": " + e.getMessage();
            }
        }
        ArchiveStatus st = new ArchiveStatus(clock.instant().toString(), writer.orElse(""),
                session != null && session.process().isAlive(), archived.toString(), writerPos, lagTx, lagSeconds,
                lagBytes, error);
        index.saveStatus(st);
        return st;
    }

    private long bytesBehind(Statement st) throws SQLException {
        if (session == null) {
            return -1;
        }
        try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                return -1;
            }
            Path live = session.dir().resolve(rs.getString(1));
            try {
                return Files.exists(live) ? Math.max(0, rs.getLong(2) - Files.size(live)) : -1;
            } catch (IOException e) {
                return -1;
            }
        }
    }

    private static int indexOf(List<ArchivedFile> files, String rel) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).file().equals(rel)) {
                return i;
            }
        }
        return -1;
    }

    private static String one(Statement st, String q) throws SQLException {
        try (ResultSet rs = st.executeQuery(q)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Stops the stream (bounded wait) and finishes the index for what arrived. */
    @Override
    public void close() {
        if (session != null) {
            try {
                endSession("the monitor stops");
            } catch (IOException e) {
                log.warn("archive: could not finish the index at close: {}", e.getMessage());
            }
        }
    }
}
