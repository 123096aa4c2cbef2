package io.ringmaster.it;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.router.Router;
import io.ringmaster.router.RouterConfig;
import io.ringmaster.router.RouterConfigReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A {@link Cluster} whose {@code ringmaster.yml} has a {@code router:} section, with the router running in the
 * monitor's process as {@code ringmaster monitor} runs it: the writer on the sandbox's reserved {@code base + 46},
 * the readers on {@code base + 47}, a {@code reporting} pool on the replicas on {@code base + 48}.
 * {@link #close()} stops the router, the monitor and the servers, also after a failed test.
 */
final class RouterCluster implements AutoCloseable {
    final Cluster cluster;
    final int writerPort;
    final int readerPort;
    final int reportingPort;
    RouterConfig routerConfig;
    Router router;

    private RouterCluster(Cluster cluster) {
        this.cluster = cluster;
        this.writerPort = cluster.sandbox.spec().routerWriterPort();
        this.readerPort = cluster.sandbox.spec().routerReaderPort();
        this.reportingPort = writerPort + 2;
    }

    /**
     * Brings up 2 masters with one replica each (db3 under db1, db4 under db2) and writes the router section in
     * place of the sandbox's.
     *
     * @param routerKeys extra {@code router:} keys, one per line, indented by two spaces (may be empty)
     */
    static RouterCluster up(Path dir, int basePort, String routerKeys) throws Exception {
        return up(Cluster.up(dir, basePort, 1), routerKeys);
    }

    /** The same with one real agent per host ({@link Cluster#upWithAgents}). */
    static RouterCluster upWithAgents(Path dir, int basePort, String routerKeys) throws Exception {
        return up(Cluster.upWithAgents(dir, basePort, 1), routerKeys);
    }

    /** The same on a ring of {@code masters} masters with {@code replicas} replicas each (at least 4 hosts). */
    static RouterCluster ring(Path dir, int basePort, int masters, int replicas, String routerKeys) throws Exception {
        return up(Cluster.ring(dir, basePort, masters, replicas), routerKeys);
    }

    private static RouterCluster up(Cluster c, String routerKeys) throws Exception {
        RouterCluster rc = new RouterCluster(c);
        try {
            c.editConfig(y -> {
                int from = y.indexOf("router:\n");
                // the router section ends at the next top-level key (an agents: section follows it with agents)
                java.util.regex.Matcher next = java.util.regex.Pattern.compile("(?m)^[a-z_]+:").matcher(y);
                int to = next.find(from + 1) ? next.start() : y.length();
                return y.substring(0, from) + "router:\n" + routerKeys + "  listeners:\n"
                        + "    - {role: writer, listen: 127.0.0.1:" + rc.writerPort + "}\n"
                        + "    - {role: reader, listen: 127.0.0.1:" + rc.readerPort + "}\n"
                        + "    - {name: reporting, role: reader, listen: 127.0.0.1:" + rc.reportingPort
                        + ", hosts: [db3, db4]}\n" + y.substring(to);
            });
            rc.routerConfig = RouterConfigReader.require(c.sandbox.configFile(), c.config);
            return rc;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** Starts the monitor, waits until every host is ONLINE, then starts the router fed by the monitor. */
    RouterCluster start() throws Exception {
        cluster.startMonitor();
        router = Router.forCluster(routerConfig, cluster.config);
        router.start();
        cluster.monitor.addRouteListener(router::update);
        cluster.monitor.setRouterStats(router::stats);
        return this;
    }

    /** A connection through a router port, as an application opens one (root, no password, sandbox only). */
    Connection connect(int port, Duration timeout) throws SQLException {
        return Connections.open("127.0.0.1", port, cluster.config.monitorUser(), timeout);
    }

    /** The host a connection reached, from the server's {@code @@port}. */
    String hostOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@port")) {
            rs.next();
            int port = rs.getInt(1);
            return cluster.config.hosts().stream().filter(h -> h.port() == port).map(HostConfig::name).findFirst()
                    .orElse("port " + port);
        }
    }

    @Override
    public void close() {
        try {
            if (router != null) {
                router.close();
            }
        } finally {
            cluster.close();
        }
    }
}
