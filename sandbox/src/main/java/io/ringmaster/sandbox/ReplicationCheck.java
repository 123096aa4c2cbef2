package io.ringmaster.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a sandbox replicates as planned: every master of a ring (two masters or more) replicates from the
 * previous master, every replica from its master, with both threads running. Reads {@code SHOW ALL SLAVES STATUS}
 * (MariaDB). Stateless, thread-safe.
 */
final class ReplicationCheck {
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(200);

    private ReplicationCheck() {}

    /**
     * Waits until {@link #problems(Sandbox)} finds nothing.
     *
     * @throws SandboxException when a link still does not run after {@code timeout}, naming it and its last error
     */
    static void await(Sandbox sandbox, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> problems = problems(sandbox);
        while (!problems.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new SandboxException("replication is not running within " + Commands.seconds(timeout) + ": "
                        + String.join("; ", problems));
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for replication", e);
            }
            problems = problems(sandbox);
        }
    }

    /** One line per link that is missing or not running; empty when all run. */
    static List<String> problems(Sandbox sandbox) {
        List<String> problems = new ArrayList<>();
        List<SandboxHost> hosts = sandbox.spec().hosts();
        List<SandboxHost> masters = hosts.stream().filter(SandboxHost::isMaster).toList();
        for (SandboxHost h : hosts) {
            Optional<SandboxHost> upstream = upstreamOf(h, masters);
            if (upstream.isPresent()) {
                check(sandbox.server(h.name()), upstream.get()).ifPresent(problems::add);
            }
        }
        return problems;
    }

    /** The host {@code h} replicates from: its master, or for a master the previous master of the ring. */
    static Optional<SandboxHost> upstreamOf(SandboxHost h, List<SandboxHost> masters) {
        if (!h.isMaster()) {
            return masters.stream().filter(m -> m.name().equals(h.master().orElseThrow())).findFirst();
        }
        if (masters.size() < 2) {
            return Optional.empty();
        }
        int i = masters.indexOf(h);
        return Optional.of(masters.get((i - 1 + masters.size()) % masters.size()));
    }

    private static Optional<String> check(SandboxServer server, SandboxHost upstream) {
        String link = server.name() + " <- " + upstream.name();
        try (Connection c = server.connect(QUERY_TIMEOUT); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW ALL SLAVES STATUS")) {
            while (rs.next()) {
                if (rs.getInt("Master_Port") != upstream.port()) {
                    continue;
                }
                String io = rs.getString("Slave_IO_Running");
                String sql = rs.getString("Slave_SQL_Running");
                if ("Yes".equals(io) && "Yes".equals(sql)) {
                    return Optional.empty();
                }
                String error = firstNonBlank(rs.getString("Last_IO_Error"), rs.getString("Last_SQL_Error"));
                return Optional.of(link + ": IO " + io + ", SQL " + sql + (error.isEmpty() ? "" : " (" + error + ")"));
            }
            return Optional.of(link + ": no replication link");
        } catch (SQLException e) {
            return Optional.of(link + ": cannot read replication status (" + e.getMessage() + ")");
        }
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b == null ? "" : b;
    }
}
