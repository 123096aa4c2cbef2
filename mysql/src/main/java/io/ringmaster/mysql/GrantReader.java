package io.ringmaster.mysql;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.privilege.GrantStatements;
import io.ringmaster.core.privilege.HeldPrivileges;
import io.ringmaster.core.privilege.Need;
import io.ringmaster.core.privilege.PrivilegeGap;
import io.ringmaster.core.privilege.PrivilegeRequirements;
import io.ringmaster.core.privilege.ServerVersion;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads what an account may do on a host: the server's version, the account as the server matched it
 * ({@code CURRENT_USER()}) and its {@code SHOW GRANTS}. Needs no privilege beyond a login. Stateless, thread-safe.
 */
public final class GrantReader {
    private GrantReader() {}

    /**
     * What one host told about one account.
     *
     * @param host    host name
     * @param version the server's version
     * @param account the account as {@code 'user'@'host'}, as the server matched the login
     * @param held    its privileges
     */
    public record HostGrants(String host, ServerVersion version, String account, HeldPrivileges held) {
        /**
         * The privileges lacking for each of {@code needs}, one gap per need that lacks any.
         *
         * @param heartbeatSchema the heartbeat table's schema
         */
        public List<PrivilegeGap> gaps(Collection<Need> needs, String heartbeatSchema) {
            List<PrivilegeGap> out = new ArrayList<>();
            for (Need n : needs) {
                var missing = PrivilegeRequirements.missing(version, n, heartbeatSchema, held);
                if (!missing.isEmpty()) {
                    out.add(new PrivilegeGap(host, account, version, n, missing));
                }
            }
            return out;
        }
    }

    /**
     * Logs in as {@code account} and reads its grants.
     *
     * @param timeout bound on the connect and each statement
     * @throws SQLException when the host cannot be reached or refuses the login
     */
    public static HostGrants read(HostConfig host, Credentials account, Duration timeout) throws SQLException {
        try (Connection c = Connections.open(host.address(), host.port(), account, timeout);
             Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, Math.ceil(timeout.toMillis() / 1000.0)));
            String version;
            String current;
            try (ResultSet rs = st.executeQuery("SELECT VERSION(), CURRENT_USER()")) {
                rs.next();
                version = rs.getString(1);
                current = rs.getString(2);
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SHOW GRANTS")) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            int at = current.lastIndexOf('@');
            String acct = at < 0 ? GrantStatements.account(current, "%")
                    : GrantStatements.account(current.substring(0, at), current.substring(at + 1));
            return new HostGrants(host.name(), ServerVersion.parse(version), acct, HeldPrivileges.parse(lines));
        }
    }

    /**
     * Reads only the version (for {@code ringmaster grants}, whose accounts may not exist yet).
     *
     * @throws SQLException when the host cannot be reached or refuses the login
     */
    public static ServerVersion version(HostConfig host, Credentials account, Duration timeout) throws SQLException {
        try (Connection c = Connections.open(host.address(), host.port(), account, timeout);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return ServerVersion.parse(rs.getString(1));
        }
    }
}
