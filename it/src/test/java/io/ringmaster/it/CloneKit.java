package io.ringmaster.it;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.sandbox.SandboxServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Cluster} with one agent process per host ({@code java -jar ringmaster.jar agent}, the real command, so
 * a test can SIGKILL one), configured by an {@code agents:} section this kit adds to the sandbox's ringmaster.yml:
 * token, per host address 127.0.0.1, port basePort+48+i, the server's data directory and socket, and the sandbox
 * server's own shell lines as stop and start commands (as {@code sandbox up} writes them). (Until the sandbox
 * starts its own agents.) {@link #close()} kills the agents, then closes the cluster.
 */
final class CloneKit implements AutoCloseable {
    static final String TOKEN = "clone-it-agent-token-0123456789abcdef";
    final Cluster cluster;
    final Path dir;
    final int basePort;
    private final Map<String, Process> agents = new LinkedHashMap<>();

    private CloneKit(Cluster cluster, Path dir, int basePort) {
        this.cluster = cluster;
        this.dir = dir;
        this.basePort = basePort;
    }

    /** 2 masters (db1 writer, db2), one replica each (db3 of db1, db4 of db2), agents on every host. */
    static CloneKit up(Path dir, int basePort) throws Exception {
        Cluster c = Cluster.up(dir, basePort, 1);
        CloneKit kit = new CloneKit(c, dir, basePort);
        try {
            c.editConfig(kit::withAgents);
            for (HostConfig h : c.config.hosts()) {
                kit.startAgent(h.name());
            }
            return kit;
        } catch (Exception | Error e) {
            kit.close();
            throw e;
        }
    }

    Path configFile() {
        return cluster.sandbox.configFile();
    }

    String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    int agentPort(String host) {
        return basePort + 48 + index(host);
    }

    int index(String host) {
        return cluster.config.hosts().indexOf(cluster.host(host)) + 1;
    }

    private String withAgents(String yml) {
        List<String> l = new ArrayList<>();
        l.add("agents:");
        l.add("  token: " + TOKEN);
        l.add("  timeout: 5s");
        l.add("  hosts:");
        for (HostConfig h : cluster.config.hosts()) {
            SandboxServer s = cluster.sandbox.server(h.name());
            l.add("    - name: " + h.name());
            l.add("      address: 127.0.0.1");
            l.add("      port: " + agentPort(h.name()));
            l.add("      data_dir: " + s.layout().dataDir());
            l.add("      socket: " + s.layout().socket());
            l.add("      stop: " + yamlQuote(s.stopCommand()));
            l.add("      start: " + yamlQuote(s.startCommand()));
        }
        return yml + String.join("\n", l) + "\n";
    }

    private static String yamlQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Starts the agent of {@code host} and waits until it answers its ping. */
    void startAgent(String host) throws Exception {
        Path log = dir.resolve("agent-" + host + ".log");
        Process p = new ProcessBuilder(java(), "-jar", MonitorProcess.jar().toString(), "agent", "--config",
                configFile().toString(), "--host", host).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        agents.put(host, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // slack for a loaded machine
        while (!ping(host)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("agent of " + host + " exited with " + p.exitValue() + ": "
                        + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("agent of " + host + " did not answer within 120 s: " + tail(log));
            }
            Thread.sleep(200);
        }
    }

    /** SIGTERM of the agent of {@code host} (its shutdown hook runs), waiting up to 20 s for it to exit. */
    void stopAgent(String host) throws InterruptedException {
        Process p = agents.remove(host);
        if (p != null) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("agent of " + host + " did not stop on SIGTERM within 20 s");
            }
        }
    }

    /** SIGKILL of the agent of {@code host} (its children, e.g. mbstream, are not killed by it). */
    void killAgent(String host) throws InterruptedException {
        Process p = agents.remove(host);
        if (p != null) {
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    boolean ping(String host) {
        try {
            return get(host, "ping").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    HttpResponse<String> get(String host, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agentPort(host) + "/api/v1/" + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String host, String path, String json) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agentPort(host) + "/api/v1/" + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join(" | ", l.subList(Math.max(0, l.size() - 5), l.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Creates {@code schema.t} on the writer db1 with {@code rows} rows of about 1 KB. */
    void seed(String schema, int rows) throws Exception {
        try (Connection c = cluster.sql.open(cluster.host("db1")); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + schema);
            st.execute("CREATE TABLE IF NOT EXISTS " + schema + ".t (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "v VARCHAR(1024) NOT NULL, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB");
            st.execute("INSERT INTO " + schema + ".t (v) SELECT REPEAT(MD5(seq), 32) FROM " + schema + ".seq_1_to_" + rows);
            String gtid;
            try (ResultSet rs = st.executeQuery("SELECT @@session.last_gtid")) {
                rs.next();
                gtid = rs.getString(1);
            }
            awaitApplied(gtid);
        }
    }

    /**
     * Waits until every host but db1 has applied {@code gtid} (a GTID of db1's domain), 60 s each at most: a test
     * that diverges a replica's rows must find them there first (db4 reads from db2, two hops from the writer).
     *
     * @throws IllegalStateException when a host has not applied it in time
     */
    void awaitApplied(String gtid) throws Exception {
        for (HostConfig h : cluster.config.hosts()) {
            if (h.name().equals("db1")) {
                continue;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean applied = false;
            while (!applied && System.nanoTime() < deadline) {
                // 2 s per call: the connection's socket timeout is 5 s
                try (Connection c = cluster.sql.open(h); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT MASTER_GTID_WAIT('" + gtid + "', 2)")) {
                    applied = rs.next() && rs.getInt(1) == 0;
                }
            }
            if (!applied) {
                throw new IllegalStateException(h.name() + " did not apply " + gtid + " within 60 s");
            }
        }
    }

    /** Writes on db1 in a loop until stopped; counts the commits. */
    final class WriteLoad implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong commits = new AtomicLong();
        final Thread thread;

        WriteLoad(String schema) {
            thread = Thread.ofPlatform().name("clone-it-writes").start(() -> {
                while (!stop.get()) {
                    try (Connection c = cluster.sql.open(cluster.host("db1"));
                         PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".t (v) VALUES (?)")) {
                        while (!stop.get()) {
                            ps.setString(1, "load-" + commits.get());
                            ps.executeUpdate();
                            commits.incrementAndGet();
                            Thread.sleep(5);
                        }
                    } catch (Exception e) {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    @Override
    public void close() {
        for (String h : List.copyOf(agents.keySet())) {
            try {
                killAgent(h);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cluster.close();
    }
}
