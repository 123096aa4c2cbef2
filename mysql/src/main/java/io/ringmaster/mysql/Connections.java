package io.ringmaster.mysql;

import io.ringmaster.core.config.Credentials;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens JDBC connections to one server with MariaDB Connector/J, always bounded in time: the TCP connect and
 * every socket read are limited, so a frozen server (SIGSTOP) cannot hang the caller.
 *
 * <p>Stateless and thread-safe.
 */
public final class Connections {
    private Connections() {}

    /**
     * Opens a connection.
     *
     * @param host     address or name
     * @param port     MySQL port
     * @param account  user and password; the password goes only to the driver
     * @param timeout  bound on connecting and on each read from the socket afterwards
     * @return an open connection in auto-commit mode; the caller closes it
     * @throws SQLException when the server cannot be reached in time or refuses the login
     */
    public static Connection open(String host, int port, Credentials account, Duration timeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", account.user());
        if (!account.password().isEmpty()) {
            props.setProperty("password", account.password().reveal());
        }
        long ms = Math.max(1, timeout.toMillis());
        props.setProperty("connectTimeout", Long.toString(ms));
        props.setProperty("socketTimeout", Long.toString(ms));
        props.setProperty("tcpAbortiveClose", "true");
        props.setProperty("allowPublicKeyRetrieval", "true");
        props.setProperty("useServerPrepStmts", "false");
        String url = "jdbc:mariadb://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.ACCESS_DENIED) {
                // the login's 1045, told apart from a statement's 1045 (a GRANT without GRANT OPTION)
                throw new SQLException(SqlErrors.LOGIN_REFUSED + " for '" + account.user() + "' at " + host + ":" + port
                        + " (wrong password, or no account for this client address): "
                        + (e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("")),
                        e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
    }
}
