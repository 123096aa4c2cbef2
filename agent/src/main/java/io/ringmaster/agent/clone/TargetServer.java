package io.ringmaster.agent.clone;

import io.ringmaster.agent.Agent;
import io.ringmaster.agent.HostCommand;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.privilege.ServerVersion;
import io.ringmaster.mysql.Dialect;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target host's server as a clone handles it: its configured stop and start commands, its data directory, and
 * the SQL that makes it a replica at the backup's position. Every change is logged with its reason. Thread-safe
 * (stateless apart from the configuration).
 */
final class TargetServer {
    private static final Logger log = LoggerFactory.getLogger(TargetServer.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    static final Duration START_WAIT = Duration.ofSeconds(90);
    private final Agent agent;
    private final HostConfig host;
    final SqlActions sql;

    TargetServer(Agent agent) {
        this.agent = agent;
        this.host = agent.host();
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, agent.config().monitorUser(),
                agent.config().replicationUser(), Duration.ofSeconds(10));
    }

    String name() {
        return host.name();
    }

    /** The server's version, or null when it does not answer. */
    ServerVersion versionOrNull() {
        try {
            return ServerVersion.parse(sql.queryString(host, "SELECT VERSION()"));
        } catch (SQLException e) {
            return null;
        }
    }

    /** True when the server answers read_only=OFF; false when it is read-only or does not answer. */
    boolean writable() {
        try {
            return "0".equals(sql.queryString(host, "SELECT @@global.read_only"));
        } catch (SQLException e) {
            return false;
        }
    }

    boolean answers() {
        try {
            sql.queryString(host, "SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    void stop(String reason) throws IOException, InterruptedException {
        String cmd = agent.agentConfig().stopCommand().orElseThrow(() -> new IOException("agents.hosts["
                + name() + "].stop is not configured: the agent cannot stop the server"));
        log.info("{}: stopping the server with '{}' ({})", name(), cmd, reason);
        HostCommand.Result r = Tools.shell(cmd, COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("stop command of " + name() + " failed (exit " + r.exitCode() + "): " + r.oneLine());
        }
    }

    void start(String reason) throws IOException, InterruptedException {
        String cmd = agent.agentConfig().startCommand().orElseThrow(() -> new IOException("agents.hosts["
                + name() + "].start is not configured: the agent cannot start the server"));
        log.info("{}: starting the server with '{}' ({})", name(), cmd, reason);
        HostCommand.Result r = Tools.shell(cmd, COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("start command of " + name() + " failed (exit " + r.exitCode() + "): "
                    + r.oneLine());
        }
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!answers()) {
            if (System.nanoTime() > deadline) {
                throw new IOException(name() + "'s server did not answer within " + START_WAIT.toSeconds()
                        + " s of its start command");
            }
            Thread.sleep(50);
        }
    }

    /** Renames {@code from} to {@code to} (same file system), logged with the reason. */
    void move(Path from, Path to, String reason) throws IOException {
        log.info("{}: moving {} to {} ({})", name(), from, to, reason);
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Gives {@code dir} and everything in it to {@code agents.hosts[].os_user}, or to the owner of {@code like}.
     * Nothing to do (not run) when {@code dir} is already theirs: the agent unpacked it as the server's user.
     */
    void chown(Path dir, Path like) throws IOException, InterruptedException {
        String owner;
        PosixFileAttributes mine = Files.readAttributes(dir, PosixFileAttributes.class);
        if (agent.agentConfig().osUser().isPresent()) {
            owner = agent.agentConfig().osUser().get() + ":";
            if (mine.owner().getName().equals(agent.agentConfig().osUser().get())) {
                log.info("{}: {} is owned by {} already (the agent runs as the server's user); no chown", name(),
                        dir, mine.owner().getName());
                return;
            }
        } else {
            PosixFileAttributes a = Files.readAttributes(like, PosixFileAttributes.class);
            owner = a.owner().getName() + ":" + a.group().getName();
            if (a.owner().equals(mine.owner()) && a.group().equals(mine.group())) {
                log.info("{}: {} is owned by {} already, as the old data was (the agent runs as the server's "
                        + "user); no chown", name(), dir, owner);
                return;
            }
        }
        log.info("{}: chown -R {} {} (the server's files keep their owner)", name(), owner, dir);
        HostCommand.Result r = HostCommand.run(List.of("chown", "-R", owner, dir.toString()), COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("chown -R " + owner + " " + dir + " failed: " + r.oneLine());
        }
    }

    /**
     * Makes the freshly started server a replica of {@code source} from {@code gtid}: RESET SLAVE ALL, RESET MASTER
     * and gtid_binlog_state (its binary log starts at the copy's position, so hosts replicating from it find it),
     * gtid_slave_pos, CHANGE MASTER TO with MASTER_USE_GTID=slave_pos and the replication account, START SLAVE.
     */
    void replicateFrom(HostConfig source, String gtid, String reason) throws SQLException {
        Dialect d = MariaDbDialect.INSTANCE;
        log.info("{}: STOP SLAVE; RESET SLAVE ALL; FLUSH LOCAL ENGINE LOGS (innodb_flush_log_at_trx_commit=1 "
                + "for it); RESET MASTER; SET GLOBAL gtid_binlog_state = '{}'; "
                + "SET GLOBAL gtid_slave_pos = '{}' ({})", name(), gtid, gtid, reason);
        List<String> statements = new java.util.ArrayList<>(List.of(d.stopReplica(), d.resetReplicaAll()));
        statements.addAll(SqlActions.resetBinaryLog());
        if (!gtid.isEmpty()) {
            statements.add("SET GLOBAL gtid_binlog_state = " + Dialect.quote(gtid));
        }
        statements.add("SET GLOBAL gtid_slave_pos = " + Dialect.quote(gtid));
        sql.exec(host, statements.toArray(String[]::new));
        sql.replicateFrom(host, source, reason);
    }

    /** Waits until both replication threads run; the link's problem when they do not within {@code wait}. */
    Optional<String> awaitReplicating(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = "no replication status yet";
        while (System.nanoTime() < deadline) {
            try {
                var link = sql.replicaLink(host);
                if (link.isPresent() && link.get().threadsRunning()) {
                    return Optional.empty();
                }
                last = link.map(l -> l.problem()).orElse("no replication configured");
            } catch (SQLException e) {
                last = e.getMessage();
            }
            Thread.sleep(25); // the IO thread connects within milliseconds on a healthy link
        }
        return Optional.of(last);
    }

    static String stamp() {
        return Instant.now().toString().replaceAll("[^0-9T]", "").substring(0, 15);
    }
}
