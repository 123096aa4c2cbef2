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

    /** ER_DBACCESS_DENIED_ERROR: no privilege on a database. */
    public static final int DB_ACCESS_DENIED = 1044;
    /** ER_TABLEACCESS_DENIED_ERROR: no privilege on a table. */
    public static final int TABLE_ACCESS_DENIED = 1142;
    /** ER_COLUMNACCESS_DENIED_ERROR: no privilege on a column. */
    public static final int COLUMN_ACCESS_DENIED = 1143;
    /** ER_KILL_DENIED_ERROR: "You are not owner of thread": KILL of another user's session without CONNECTION ADMIN. */
    public static final int KILL_DENIED = 1095;
    /** ER_PROCACCESS_DENIED_ERROR: no privilege on a routine. */
    public static final int ROUTINE_ACCESS_DENIED = 1370;
    /** The prefix {@link Connections#open} puts on a refused login, which tells it from a statement's 1045. */
    static final String LOGIN_REFUSED = "login refused";

    private static final Set<Integer> FATAL = Set.of(ACCESS_DENIED, SPECIFIC_ACCESS_DENIED, DB_ACCESS_DENIED,
            TABLE_ACCESS_DENIED, COLUMN_ACCESS_DENIED, KILL_DENIED, ROUTINE_ACCESS_DENIED);
    private static final Set<Integer> PRIVILEGE = Set.of(SPECIFIC_ACCESS_DENIED, DB_ACCESS_DENIED, TABLE_ACCESS_DENIED,
            COLUMN_ACCESS_DENIED, KILL_DENIED, ROUTINE_ACCESS_DENIED);
    private static final java.util.regex.Pattern NEEDED = java.util.regex.Pattern.compile(
            "you need \\(at least one of\\) the (.+?) privilege");

    private SqlErrors() {}

    /**
     * A one-line description with the error number and SQLSTATE, e.g. {@code 1045 (28000): Access denied ...}. A
     * privilege error says so first and names the privilege the server asked for ({@code privilege error: needs
     * RELOAD: 1227 (42000): Access denied; ...}); an Access denied (1045) from a statement rather than from the login
     * says that the statement (a GRANT) needs GRANT OPTION and the privileges it grants.
     */
    public static String describe(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        msg = msg.lines().findFirst().orElse(msg);
        String coded = e.getErrorCode() != 0 || e.getSQLState() != null
                ? e.getErrorCode() + " (" + e.getSQLState() + "): " + msg : msg;
        if (isPrivilegeError(e)) {
            return "privilege error: " + neededPrivilege(e).map(p -> "needs " + p + ": ").orElse("") + coded;
        }
        return coded;
    }

    /**
     * True when the server refused a statement for a missing privilege (1227, 1044, 1142, 1143, 1095, 1370), or
     * answered a statement (not the login) with 1045, as a GRANT without GRANT OPTION does.
     */
    public static boolean isPrivilegeError(SQLException e) {
        return PRIVILEGE.contains(e.getErrorCode()) || (e.getErrorCode() == ACCESS_DENIED && !isLoginRefused(e));
    }

    /** True when the login itself was refused (wrong user or password, or no account for the client's address). */
    public static boolean isLoginRefused(SQLException e) {
        return e.getErrorCode() == ACCESS_DENIED && e.getMessage() != null
                && e.getMessage().startsWith(LOGIN_REFUSED);
    }

    /** The privilege a privilege error asks for, as the server names it, when it names one. */
    public static java.util.Optional<String> neededPrivilege(SQLException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher m = NEEDED.matcher(msg);
        if (m.find()) {
            return java.util.Optional.of(m.group(1).replace("(s)", ""));
        }
        return switch (e.getErrorCode()) {
            case KILL_DENIED -> java.util.Optional.of("CONNECTION ADMIN (to KILL another user's session)");
            case ACCESS_DENIED -> java.util.Optional.of("GRANT OPTION and the privileges it grants (a GRANT)");
            default -> java.util.Optional.empty();
        };
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
