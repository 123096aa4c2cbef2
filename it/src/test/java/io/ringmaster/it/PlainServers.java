package io.ringmaster.it;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.sandbox.MariaDbBinaries;
import io.ringmaster.sandbox.SandboxHost;
import io.ringmaster.sandbox.SandboxServer;
import io.ringmaster.sandbox.ServerLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test kit: plain mariadbd servers set up as a DBA would, not by the sandbox's bootstrap: each with its own data
 * directory under the test's folder and its own port, the binary log on, gtid_strict_mode on, a distinct server_id
 * and gtid_domain_id, nothing else (no read_only, no semi-sync, MariaDB's default slave_net_timeout), and a
 * {@code ringmaster.yml} whose monitor account is {@code rmon} and replication account {@code repl}. The accounts
 * are created by the test, as root and with the binary log on, so each server has GTIDs of its own. Reuses the
 * sandbox's {@link SandboxServer} (data directory template, detached start, SIGKILL), not its my.cnf or bootstrap.
 * {@link #close()} kills every server, also after a failed test.
 */
final class PlainServers implements AutoCloseable {
    static final String MONITOR_USER = "rmon";
    static final String MONITOR_PASSWORD = "rmon-pw-1";
    static final String REPL_USER = "repl";
    static final String REPL_PASSWORD = "repl-pw-1";

    final Map<String, SandboxServer> servers = new LinkedHashMap<>();
    final Path configFile;
    final RingmasterConfig config;
    /** The hosts' namespaces, or null when every server runs here on 127.0.0.1. */
    final HostNetworks net;

    private PlainServers(Path configFile, RingmasterConfig config, HostNetworks net) {
        this.configFile = configFile;
        this.config = config;
        this.net = net;
    }

    /**
     * Starts {@code masters} masters (db1..) and one replica of db1 (r1), on {@code basePort+1}...
     *
     * @param basePort the test class's base port; the monitor API would use basePort+88
     */
    static PlainServers start(Path dir, int basePort, int masters) throws Exception {
        return start(dir, basePort, masters, null, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #start(Path, int, int)}, each server optionally inside its own network namespace: host N (db1.., then
     * r1) in {@code net}'s namespace N, listening on its address there, port 3306 (root reaches it through its unix
     * socket); {@code yamlEdit} may add to the {@code ringmaster.yml} written (agents, role addresses).
     *
     * @param net the namespaces (at least masters + 1), or null for 127.0.0.1 and basePort+N
     */
    static PlainServers start(Path dir, int basePort, int masters, HostNetworks net,
                              java.util.function.UnaryOperator<String> yamlEdit) throws Exception {
        MariaDbBinaries binaries = MariaDbBinaries.locate();
        Path template = dir.resolve("template");
        SandboxServer.createTemplate(binaries, template);
        List<SandboxHost> hosts = new ArrayList<>();
        for (int i = 1; i <= masters; i++) {
            hosts.add(new SandboxHost("db" + i, i, basePort + i, HostMode.MASTER, Optional.empty(), i));
        }
        hosts.add(new SandboxHost("r1", masters + 1, basePort + masters + 1, HostMode.REPLICA, Optional.of("db1"), 0));
        Path cfg = dir.resolve("ringmaster.yml");
        Files.writeString(cfg, yamlEdit.apply(yaml(hosts, basePort, net)));
        PlainServers p = new PlainServers(cfg, ConfigLoader.load(cfg), net);
        try {
            for (SandboxHost h : hosts) {
                SandboxServer s = new SandboxServer(h, new ServerLayout(dir.resolve(h.name())), binaries);
                s.createDataDir(template);
                Files.writeString(s.layout().configFile(), myCnf(h, s.layout(), net));
                p.servers.put(h.name(), s);
            }
            for (SandboxServer s : p.servers.values()) {
                if (net == null) {
                    s.start("plain server for a test");
                } else {
                    p.startInNamespace(s, binaries);
                }
            }
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** A DBA's my.cnf: replication ready, nothing Ringmaster would set itself. */
    private static String myCnf(SandboxHost h, ServerLayout l, HostNetworks net) {
        return String.join("\n", "[mariadbd]", "port=" + (net == null ? h.port() : 3306),
                "bind_address=" + (net == null ? "127.0.0.1" : "0.0.0.0") /* the role address too */, "socket=" + l.socket(),
                "pid_file=" + l.pidFile(), "datadir=" + l.dataDir(), "log_error=" + l.errorLog(),
                "skip_name_resolve=ON", "server_id=" + (100 + h.index()), "gtid_domain_id=" + (10 + h.index()),
                "log_bin=" + h.name() + "-bin", "relay_log=" + h.name() + "-relay-bin", "log_slave_updates=ON",
                "binlog_format=MIXED", "gtid_strict_mode=ON", "innodb_flush_log_at_trx_commit=1", "sync_binlog=1",
                "innodb_buffer_pool_size=32M", "innodb_log_file_size=16M", "innodb_undo_tablespaces=0",
                "performance_schema=OFF", "max_connections=100") + "\n";
    }

    private static String yaml(List<SandboxHost> hosts, int basePort, HostNetworks net) {
        List<String> l = new ArrayList<>();
        l.add("cluster: plain");
        l.add("monitor:");
        l.add("  listen: 127.0.0.1:" + (basePort + 88));
        l.add("  check_period: 1s");
        l.add("  trap_period: 2s");
        l.add("  timeout: 1s");
        l.add("  state_file: state.json");
        l.add("credentials:");
        l.add("  monitor: {user: " + MONITOR_USER + ", password: \"" + MONITOR_PASSWORD + "\"}");
        l.add("  replication: {user: " + REPL_USER + ", password: \"" + REPL_PASSWORD + "\"}");
        l.add("hosts:");
        for (SandboxHost h : hosts) {
            l.add("  - {name: " + h.name() + ", address: " + (net == null ? "127.0.0.1" : net.address(h.index()))
                    + ", port: " + (net == null ? h.port() : 3306) + ", mode: "
                    + h.mode().label() + h.master().map(m -> ", master: " + m).orElse("") + "}");
        }
        String masters = String.join(", ", hosts.stream().filter(SandboxHost::isMaster).map(SandboxHost::name).toList());
        String all = String.join(", ", hosts.stream().map(SandboxHost::name).toList());
        l.add("roles:");
        l.add("  - {name: writer, mode: exclusive, hosts: [" + masters + "], prefer: db1}");
        l.add("  - {name: reader, mode: balanced, hosts: [" + all + "]}");
        return String.join("\n", l) + "\n";
    }

    /**
     * Creates the two accounts on every server as root with the binary log on (so each server logs GTIDs of its
     * own), with the given GRANT statements (which name the accounts as {@code 'rmon'@'%'}, {@code 'repl'@'%'}).
     */
    void createAccounts(List<String> grants) throws Exception {
        for (String h : servers.keySet()) {
            root(h, "CREATE USER '" + MONITOR_USER + "'@'%' IDENTIFIED BY '" + MONITOR_PASSWORD + "'",
                    "CREATE USER '" + REPL_USER + "'@'%' IDENTIFIED BY '" + REPL_PASSWORD + "'");
            root(h, grants.toArray(String[]::new));
        }
    }

    /**
     * Starts a server inside its host's namespace ({@code ip netns exec NS mariadbd --defaults-file=...}) and waits
     * (at most 60 s) until root logs in through its unix socket.
     */
    private void startInNamespace(SandboxServer s, MariaDbBinaries binaries) throws Exception {
        List<String> cmd = new ArrayList<>(net.inNamespace(s.host().index()));
        cmd.addAll(List.of(binaries.mariadbd().toString(), "--defaults-file=" + s.layout().configFile(),
                "--user=root"));
        new ProcessBuilder(cmd).directory(s.layout().dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(s.layout().consoleLog().toFile()))
                .redirectErrorStream(true).start();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = connect(s.name())) {
                if (c.isValid(1)) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException(s.name() + " did not start in namespace "
                            + net.namespace(s.host().index()) + " within 60 s (see " + s.layout().errorLog() + ")", e);
                }
            }
            Thread.sleep(200);
        }
    }

    /** A root connection: 127.0.0.1, or the unix socket when the server runs in a namespace. */
    Connection connect(String host) throws java.sql.SQLException {
        SandboxServer s = servers.get(host);
        if (net == null) {
            return s.connect(Duration.ofSeconds(10));
        }
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", "root");
        props.setProperty("localSocket", s.layout().socket().toString());
        props.setProperty("connectTimeout", "5000");
        props.setProperty("socketTimeout", "10000");
        return java.sql.DriverManager.getConnection("jdbc:mariadb://localhost/", props);
    }

    /** Runs statements as root on one server. */
    void root(String host, String... sql) throws Exception {
        try (Connection c = connect(host); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** One value as root. */
    String rootQuery(String host, String sql) throws Exception {
        try (Connection c = connect(host); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** What bootstrap could change on a host, to show it changed nothing. */
    String snapshot(String host) throws Exception {
        return rootQuery(host, "SELECT CONCAT_WS('|', @@read_only, @@gtid_domain_id, @@gtid_binlog_pos, "
                + "@@gtid_slave_pos, @@slave_net_timeout, @@rpl_semi_sync_master_enabled, @@auto_increment_increment, "
                + "(SELECT COUNT(*) FROM mysql.user WHERE user = 'repl'))") + "|" + slaveStatus(host);
    }

    private String slaveStatus(String host) throws Exception {
        try (Connection c = connect(host); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Master_Port") + "/" + rs.getString("Slave_IO_Running") : "none";
        }
    }

    @Override
    public void close() {
        for (SandboxServer s : servers.values()) {
            try {
                s.kill("test over");
            } catch (RuntimeException e) {
                System.err.println("cannot kill " + s.name() + ": " + e.getMessage());
            }
        }
    }
}
