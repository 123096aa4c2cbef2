package io.ringmaster.tools.archive;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Point-in-time recovery from the binlog archive: applies archived transactions to a server that is at a known
 * GTID position (a restored backup, a stopped replica), up to exactly a GTID (that transaction included) or up
 * to the last transaction committed at or before a time. Each archived file needed is decoded by
 * {@code mariadb-binlog} with GTID {@code --start-position} (exclusive) and {@code --stop-position} (inclusive)
 * lists (MariaDB 10.8+), and all of them are piped, in streaming order, into one {@code mariadb} client session on
 * the target; the target's {@code gtid_binlog_pos} is checked afterwards.
 *
 * <p>Who runs it: the process that can read the repository (the CLI on the backup host), connecting to the
 * target over TCP with the account given (by default {@code credentials.monitor}). Applying binary logs needs
 * the privileges of every statement replayed (in practice ALL on the replayed schemas) plus {@code BINLOG REPLAY}
 * (10.5.2+; for {@code SET gtid_seq_no}, {@code pseudo_thread_id}) and {@code READ ONLY ADMIN} when the target
 * is read_only. The password reaches the tools in a private temporary option file, never on a command line.
 *
 * <p>A target the archive does not cover is refused before anything is applied, naming the covered range.
 * Stateless; each call is independent.
 */
public final class BinlogReplay {
    private final ArchiveIndex archive;
    private final BinlogScanner scanner;
    private final String binlogTool;
    private final String clientTool;
    private final Duration timeout;

    /** What to stop at: exactly one of a GTID or a time. */
    public record Until(Optional<GtidPosition.Gtid> gtid, Optional<Instant> time) {
        public static Until gtid(GtidPosition.Gtid g) {
            return new Until(Optional.of(g), Optional.empty());
        }

        public static Until time(Instant t) {
            return new Until(Optional.empty(), Optional.of(t));
        }

        @Override
        public String toString() {
            return gtid.map(g -> "GTID " + g).orElseGet(() -> "time " + time.orElseThrow());
        }
    }

    /**
     * What a replay did.
     *
     * @param from         the target's position before
     * @param stop         where it was to stop (full state)
     * @param last         the last transaction applied and its commit time
     * @param reached      the target's {@code gtid_binlog_pos} after
     * @param transactions transactions applied (exact under gtid_strict_mode)
     * @param files        archived files read
     * @param elapsed      wall time
     */
    public record Result(GtidPosition from, GtidPosition stop, StopPoint last, GtidPosition reached, long transactions,
                         int files, Duration elapsed) {}

    /** A replay refused before it changed anything, or one that failed (then {@code applied} says if it began). */
    public static final class ReplayException extends Exception {
        private final boolean applied;

        public ReplayException(String message, boolean applied) {
            super(message);
            this.applied = applied;
        }

        /** True when some transactions may have been applied before the failure. */
        public boolean applied() {
            return applied;
        }
    }

    /**
     * @param archive the repository's archive
     * @param timeout the bound on the whole replay
     */
    public BinlogReplay(ArchiveIndex archive, Duration timeout) {
        this(archive, BinlogScanner.defaults(), "mariadb-binlog", "mariadb", timeout);
    }

    BinlogReplay(ArchiveIndex archive, BinlogScanner scanner, String binlogTool, String clientTool, Duration timeout) {
        this.archive = archive;
        this.scanner = scanner;
        this.binlogTool = binlogTool;
        this.clientTool = clientTool;
        this.timeout = timeout;
    }

    /**
     * Where a replay to {@code until} would stop, and the steps, without applying anything.
     *
     * @throws ReplayException when the archive does not cover it (one line with the covered range)
     */
    public StopPoint resolve(GtidPosition from, Until until) throws ReplayException, IOException {
        return resolve(archive.chain(), from, until);
    }

    private StopPoint resolve(ArchiveChain chain, GtidPosition from, Until until) throws ReplayException, IOException {
        try {
            StopPoint p = until.gtid().isPresent()
                    ? StopPoint.atGtid(chain, archive.dir(), scanner, until.gtid().get())
                    : StopPoint.atTime(chain, archive.dir(), scanner, until.time().orElseThrow(), statusTime());
            chain.plan(from, p.state());
            return p;
        } catch (ArchiveChain.NotCoveredException e) {
            throw new ReplayException(e.getMessage(), false);
        }
    }

    /**
     * Applies the archive to {@code target}, which is at {@code from}, up to {@code until}.
     *
     * @param from     the target's GTID position now (e.g. the restored backup's)
     * @param account  the account the client logs in with (see the class comment for its privileges)
     * @param progress one line per file applied
     * @throws ReplayException refused (nothing applied) or failed (the message names the file and the tool's error)
     */
    public Result replay(HostConfig target, Credentials account, GtidPosition from, Until until,
                         Consumer<String> progress) throws ReplayException, IOException, InterruptedException {
        long t0 = System.nanoTime();
        ArchiveChain chain = archive.chain();
        StopPoint stop = resolve(chain, from, until);
        List<ArchiveChain.Step> steps;
        try {
            steps = chain.plan(from, stop.state());
        } catch (ArchiveChain.NotCoveredException e) {
            throw new ReplayException(e.getMessage(), false);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ClientAccount cnf = new ClientAccount(target, account)) {
            Process client = new ProcessBuilder(clientTool, cnf.option(), "--binary-mode", "--batch").start();
            ByteArrayOutputStream clientErr = drain(client.getErrorStream());
            drain(client.getInputStream());
            try (OutputStream in = client.getOutputStream()) {
                for (ArchiveChain.Step s : steps) {
                    pipe(s, in, deadline);
                    progress.accept("applied " + s.file().file() + " up to " + s.stop());
                }
            } catch (IOException e) {
                client.destroyForcibly();
                throw new ReplayException("replay into " + target.name() + " failed: " + e.getMessage() + " "
                        + firstLine(clientErr), true);
            }
            if (!client.waitFor(remainingMs(deadline), TimeUnit.MILLISECONDS)) {
                client.destroyForcibly();
                throw new ReplayException("replay into " + target.name() + ": mariadb did not finish within "
                        + timeout.toSeconds() + " s", true);
            }
            if (client.exitValue() != 0) {
                throw new ReplayException("replay into " + target.name() + " failed: mariadb: " + firstLine(clientErr),
                        true);
            }
        }
        GtidPosition reached = position(target, account);
        for (GtidPosition.Gtid g : stop.state().gtids()) {
            if (reached.seq(g.domain()) != g.seq() && from.seq(g.domain()) < g.seq()) {
                throw new ReplayException("replay into " + target.name() + " ended at " + reached + ", not at "
                        + stop.state(), true);
            }
        }
        return new Result(from, stop.state(), stop, reached, from.missingFrom(stop.state()), steps.size(),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * What the target has applied: per domain the later of {@code gtid_binlog_pos} (what its binary log holds,
     * including what a replay wrote) and {@code gtid_slave_pos} (what replication applied).
     */
    public static GtidPosition position(HostConfig target, Credentials account) throws ReplayException {
        try {
            SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, account, account, Duration.ofSeconds(10));
            return GtidPosition.parse(sql.queryString(target, "SELECT @@GLOBAL.gtid_binlog_pos"))
                    .union(GtidPosition.parse(sql.queryString(target, "SELECT @@GLOBAL.gtid_slave_pos")));
        } catch (SQLException e) {
            throw new ReplayException(target.name() + ": cannot read gtid_binlog_pos: " + e.getMessage(), false);
        }
    }

    /** The command line of one step (also used by the benchmark's by-hand comparison). */
    List<String> command(ArchiveChain.Step s) {
        List<String> cmd = new ArrayList<>(List.of(binlogTool));
        if (!s.start().isEmpty()) {
            cmd.add("--start-position=" + s.start());
        }
        cmd.add("--stop-position=" + s.stop());
        if (!s.ignoreDomains().isEmpty()) {
            cmd.add("--ignore-domain-ids=" + s.ignoreDomains().stream().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        cmd.add(archive.dir().resolve(s.file().file()).toString());
        return cmd;
    }

    private void pipe(ArchiveChain.Step s, OutputStream into, long deadline) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(s)).start();
        ByteArrayOutputStream err = drain(p.getErrorStream());
        try (InputStream out = p.getInputStream()) {
            out.transferTo(into);
        }
        if (!p.waitFor(remainingMs(deadline), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("mariadb-binlog " + s.file().file() + " did not finish in time");
        }
        if (p.exitValue() != 0) {
            throw new IOException("mariadb-binlog " + s.file().file() + ": " + firstLine(err));
        }
    }

    private Optional<Instant> statusTime() throws IOException {
        return archive.status().filter(st -> st.running() && st.lagTransactions() == 0)
                .map(st -> Instant.parse(st.updated()));
    }

    private static long remainingMs(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static ByteArrayOutputStream drain(InputStream s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = s.read(buf)) > 0) {
                    synchronized (b) {
                        if (b.size() < 65536) {
                            b.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "ringmaster-replay-drain");
        t.setDaemon(true);
        t.start();
        return b;
    }

    private static String firstLine(ByteArrayOutputStream b) {
        String s;
        synchronized (b) {
            s = b.toString(StandardCharsets.UTF_8).strip();
        }
        return s.lines().filter(l -> !l.startsWith("# Warning") && !l.isBlank()).findFirst().orElse("(no message)");
    }
}
