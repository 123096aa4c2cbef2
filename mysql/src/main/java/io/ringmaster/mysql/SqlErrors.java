package io.ringmaster.mysql;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * The one place SQL errors are classified and described. Error numbers are MariaDB's
 * (https://mariadb.com/kb/en/mariadb-error-code-reference/).
 */
public final class SqlErrors {
    /** ER_NO_SUCH_THREAD: the session to kill had already ended. */
    public static final int NO_SUCH_THREAD = 1094;
    /** ER_ACCESS_DENIED_ERROR. */
    public static final int ACCESS_DENIED = 1045;
    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: a privilege is missing. */
    public static final int SPECIFIC_ACCESS_DENIED = 1227;
    /** ER_OPTION_PREVENTS_STATEMENT: e.g. a write refused by read_only. */
    public static final int OPTION_PREVENTS_STATEMENT = 1290;
    /** ER_CON_COUNT_ERROR: too many connections (MMM treated it as unknown, not down). */
    public static final int TOO_MANY_CONNECTIONS = 1040;

    private static final Set<Integer> FATAL = Set.of(ACCESS_DENIED, SPECIFIC_ACCESS_DENIED, 1044, 1142, 1143);

    private SqlErrors() {}

    /** A one-line description with the error number and SQLSTATE, e.g. {@code 1045 (28000): Access denied ...}. */
    public static String describe(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        msg = msg.lines().findFirst().orElse(msg);
        if (e.getErrorCode() != 0 || e.getSQLState() != null) {
            return e.getErrorCode() + " (" + e.getSQLState() + "): " + msg;
        }
        return msg;
    }

    /** True for errors that retrying will not fix: bad credentials or missing privileges. */
    public static boolean isFatal(SQLException e) {
        return FATAL.contains(e.getErrorCode());
    }

    /** True when the error is a lost, refused or timed-out connection rather than an answer from the server. */
    public static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTimeoutException || e instanceof SQLTransientConnectionException
                || (state != null && state.startsWith("08")) || e.getErrorCode() == 2013 || e.getErrorCode() == 2006;
    }
}
