package io.ringmaster.it;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.monitor.HttpApi;
import io.ringmaster.monitor.Monitor;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * One test topology: a sandbox of real servers, plus a monitor and its API in this JVM. Each test class picks its
 * own base port and folder, so classes can run side by side. {@link #close()} stops everything, also after a
 * failed test.
 */
final class Cluster implements AutoCloseable {
    final Sandbox sandbox;
    RingmasterConfig config;
    Monitor monitor;
    HttpApi api;
    final SqlActions sql;

    private Cluster(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.config = sandbox.config();
        this.sql = new SqlActions(MariaDbDialect.INSTANCE, config.monitorUser(), config.replicationUser(),
                Duration.ofSeconds(5));
    }

    /** Brings up 2 masters with {@code replicas} replicas each. */
    static Cluster up(Path dir, int basePort, int replicas) {
        return up(dir, basePort, replicas, List.of());
    }

    /** Brings up 2 masters with {@code replicas} replicas each and extra my.cnf lines on every server. */
    static Cluster up(Path dir, int basePort, int replicas, List<String> extraConfig) {
        return new Cluster(Sandbox.up(SandboxSpec.of(dir.resolve("sandbox")).withBasePort(basePort)
                .withTopology(2, replicas).withExtraConfig(extraConfig)));
    }

    /**
     * Brings up 2 masters with {@code replicas} replicas each and one real agent per host (the CLI jar's
     * {@code ringmaster agent}); run as root, the sandbox also gives the roles loopback addresses.
     */
    static Cluster upWithAgents(Path dir, int basePort, int replicas) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new Cluster(Sandbox.up(SandboxSpec.of(dir.resolve("sandbox")).withBasePort(basePort)
                .withTopology(2, replicas), io.ringmaster.sandbox.MariaDbBinaries.locate(),
                List.of(java, "-jar", MonitorProcess.jar().toString())));
    }

    /** Brings up a ring of {@code masters} masters with {@code replicas} replicas each. */
    static Cluster ring(Path dir, int basePort, int masters, int replicas) {
        return new Cluster(Sandbox.up(SandboxSpec.of(dir.resolve("sandbox")).withBasePort(basePort)
                .withTopology(masters, replicas)));
    }

    /** Rewrites the sandbox's config file (e.g. a shorter catch-up timeout) and reloads it. */
    Cluster editConfig(UnaryOperator<String> edit) throws Exception {
        Path f = sandbox.configFile();
        Files.writeString(f, edit.apply(Files.readString(f)));
        config = ConfigLoader.load(f);
        return this;
    }

    /** Starts the monitor and API and waits until every host is ONLINE with a writer. */
    Cluster startMonitor() throws Exception {
        monitor = new Monitor(config, Clock.systemUTC());
        api = new HttpApi(monitor);
        api.start();
        monitor.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.ready() && writer().isPresent()
                && monitor.state().hosts().size() == config.hosts().size()
                && monitor.state().hosts().values().stream().allMatch(h -> h.state() == HostState.ONLINE)
                && !monitor.state().holders("reader").isEmpty());
        return this;
    }

    void stopMonitor() {
        if (api != null) {
            api.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        api = null;
        monitor = null;
    }

    Optional<String> writer() {
        return monitor.state().holder("writer");
    }

    HostConfig host(String name) {
        return config.host(name);
    }

    /** read_only of a running host. */
    boolean readOnly(String host) throws Exception {
        return "1".equals(sql.queryString(host(host), "SELECT @@global.read_only"));
    }

    /** The names of the running hosts that answer read_only=OFF. */
    List<String> writableHosts() {
        return config.hosts().stream().filter(h -> {
            try {
                return !readOnly(h.name());
            } catch (Exception e) {
                return false; // dead or frozen: not reachable by clients either
            }
        }).map(HostConfig::name).toList();
    }

    @Override
    public void close() {
        try {
            stopMonitor();
        } finally {
            sandbox.close();
        }
    }
}
