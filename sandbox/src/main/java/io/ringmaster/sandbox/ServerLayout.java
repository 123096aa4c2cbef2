package io.ringmaster.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one sandbox server keeps its files, all inside its own folder, and the {@code my.cnf} that says so.
 * Immutable and thread-safe.
 *
 * @param dir the server's folder, {@code SANDBOX/NAME}
 */
public record ServerLayout(Path dir) {
    /** Longest Unix socket path Linux accepts (sun_path is 108 bytes with the final NUL). */
    static final int MAX_SOCKET_PATH = 107;

    /**
     * InnoDB sizes shared by the data directory template and every server, kept small: a sandbox server needs
     * little memory, and a template without undo tablespaces copies fast.
     */
    static final List<String> INNODB_OPTIONS = List.of(
            "innodb_buffer_pool_size=32M", "innodb_log_file_size=16M", "innodb_undo_tablespaces=0");

    public ServerLayout {
        Objects.requireNonNull(dir, "dir");
    }

    /** The data directory. */
    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The server's option file, passed as {@code --defaults-file}. */
    public Path configFile() {
        return dir.resolve("my.cnf");
    }

    /** The pid file the server writes once started. */
    public Path pidFile() {
        return dir.resolve("mariadbd.pid");
    }

    /** The Unix socket. */
    public Path socket() {
        return dir.resolve("mariadbd.sock");
    }

    /** The server's error log. */
    public Path errorLog() {
        return dir.resolve("error.log");
    }

    /** Where the process's own stdout and stderr go (what it prints before the error log is open). */
    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    /**
     * The option file of a sandbox server: replication ready (binary log, GTID in strict mode, replica updates
     * logged), crash safe (the drills SIGKILL servers: every acknowledged commit is on disk), read-only until
     * bootstrap makes the writer writable, small in memory.
     *
     * @param host        the server
     * @param masterCount number of masters (the {@code auto_increment_increment} of each master)
     * @param binaries    the programs that will run it (bundled ones need basedir and message files)
     * @param tls         certificate and key for the server, may be empty
     * @param extra       lines appended at the end, may be empty
     * @return the text of {@code my.cnf}
     */
    public String render(SandboxHost host, int masterCount, MariaDbBinaries binaries, Optional<ServerTls> tls,
                         List<String> extra) {
        List<String> l = new ArrayList<>();
        l.add("# Written by `ringmaster sandbox up` for " + host.name() + " ("
                + (host.isMaster() ? "master " + host.masterIndex() + " of " + masterCount
                : "replica of " + host.master().orElseThrow()) + "). Sandbox only: root has no password.");
        l.add("[mariadbd]");
        l.add("port=" + host.port());
        l.add("bind_address=127.0.0.1");
        l.add("socket=" + socket());
        l.add("pid_file=" + pidFile());
        l.add("datadir=" + dataDir());
        l.addAll(binaries.configLines());
        l.add("log_error=" + errorLog());
        l.add("skip_name_resolve=ON");
        l.add("report_host=127.0.0.1");
        l.add("report_port=" + host.port());
        l.add("");
        l.add("# replication");
        l.add("server_id=" + host.index());
        l.add("gtid_domain_id=" + host.index());
        l.add("log_bin=" + host.name() + "-bin");
        l.add("relay_log=" + host.name() + "-relay-bin");
        l.add("log_slave_updates=ON");
        l.add("binlog_format=MIXED");
        l.add("gtid_strict_mode=ON");
        l.add("read_only=ON");
        l.add("slave_net_timeout=4"); // as bootstrap sets it: replicas notice a frozen source in 4 s
        // apply what the source group-committed in parallel (each commit syncs binlog and redo log here too), so a
        // replica keeps up with a write load and a failover or switchover has little relay log left to apply
        l.add("slave_parallel_threads=4");
        l.add("slave_parallel_mode=optimistic");
        if (host.isMaster()) {
            l.add("auto_increment_increment=" + masterCount);
            l.add("auto_increment_offset=" + host.masterIndex());
            l.add("# semi-synchronous: a commit is acknowledged only once a replica has it in its relay log");
            l.add("rpl_semi_sync_master_enabled=ON");
            l.add("rpl_semi_sync_master_wait_point=AFTER_SYNC");
            l.add("# with no replica connected at all, commit at once instead of waiting out the timeout");
            l.add("rpl_semi_sync_master_wait_no_slave=OFF");
        }
        l.add("rpl_semi_sync_slave_enabled=ON");
        l.add("");
        l.add("# durability: acknowledged commits survive SIGKILL");
        l.add("innodb_flush_log_at_trx_commit=1");
        l.add("sync_binlog=1");
        l.add("");
        l.add("# small footprint");
        l.addAll(INNODB_OPTIONS);
        l.add("performance_schema=OFF");
        l.add("max_connections=100");
        tls.ifPresent(t -> {
            l.add("");
            l.add("# TLS with the sandbox's own certificate (MariaDB 11.4+ would make one at every start)");
            l.addAll(t.configLines());
        });
        if (!extra.isEmpty()) {
            l.add("");
            l.add("# extra lines from the sandbox spec");
            l.addAll(extra);
        }
        return String.join("\n", l) + "\n";
    }
}
