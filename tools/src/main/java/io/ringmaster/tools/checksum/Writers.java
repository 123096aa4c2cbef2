package io.ringmaster.tools.checksum;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the writer the consistency tools compare against. Stateless, thread-safe. */
public final class Writers {
    private Writers() {}

    /**
     * The writer: the named host, or else the one master that answers read_only=OFF.
     *
     * @param named   a host name from {@code --writer}, or empty
     * @param timeout bound on each connection and query
     * @throws ChecksumException exit code 2 for an unknown name; 1 when no master or several masters are writable
     */
    public static HostConfig find(RingmasterConfig config, Credentials account, Optional<String> named,
                                  Duration timeout) throws ChecksumException {
        if (named.isPresent()) {
            return config.findHost(named.get()).orElseThrow(() -> new ChecksumException(2,
                    "--writer: unknown host '" + named.get() + "' (hosts: " + names(config) + ")"));
        }
        List<String> writable = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        HostConfig found = null;
        for (HostConfig h : config.masters()) {
            try (Connection c = Connections.open(h.address(), h.port(), account, timeout);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    writable.add(h.name());
                    found = h;
                }
            } catch (SQLException e) {
                unreachable.add(h.name() + " (" + SqlErrors.describe(e) + ")");
            }
        }
        if (writable.size() == 1) {
            return found;
        }
        if (writable.isEmpty()) {
            throw new ChecksumException(1, "no master answers read_only=OFF"
                    + (unreachable.isEmpty() ? "" : "; unreachable: " + String.join(", ", unreachable))
                    + "; name the writer with --writer HOST");
        }
        throw new ChecksumException(1, "masters " + String.join(" and ", writable)
                + " are all writable (read_only=OFF); fix that first, or name the writer with --writer HOST");
    }

    static String names(RingmasterConfig config) {
        return String.join(", ", config.hosts().stream().map(HostConfig::name).toList());
    }
}
