package io.ringmaster.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Privilege errors are described as privilege errors, naming the privilege, and never as a refused login. */
class SqlErrorsTest {
    @Test
    void shouldNameThePrivilegeOfA1227() {
        SQLException e = new SQLException("(conn=7) Access denied; you need (at least one of) the RELOAD privilege(s) "
                + "for this operation", "42000", 1227);
        assertThat(SqlErrors.isPrivilegeError(e)).isTrue();
        assertThat(SqlErrors.describe(e)).startsWith("privilege error: needs RELOAD: 1227 (42000): ");
    }

    @Test
    void shouldTellAGrantWithoutGrantOptionFromARefusedLogin() {
        SQLException grant = new SQLException("Access denied for user 't'@'%' (using password: YES)", "28000", 1045);
        assertThat(SqlErrors.isPrivilegeError(grant)).isTrue();
        assertThat(SqlErrors.describe(grant)).startsWith("privilege error: needs GRANT OPTION");
        SQLException login = new SQLException(SqlErrors.LOGIN_REFUSED + " for 'm' at 127.0.0.1:3306 (wrong password, "
                + "or no account for this client address): Access denied", "28000", 1045);
        assertThat(SqlErrors.isPrivilegeError(login)).isFalse();
        assertThat(SqlErrors.isLoginRefused(login)).isTrue();
        assertThat(SqlErrors.describe(login)).startsWith("1045 (28000): login refused for 'm'");
    }

    @Test
    void shouldDescribeKillOfAnotherUsersSessionAndTableAccess() {
        assertThat(SqlErrors.describe(new SQLException("You are not owner of thread 34", "HY000", 1095)))
                .startsWith("privilege error: needs CONNECTION ADMIN");
        assertThat(SqlErrors.describe(new SQLException("CREATE command denied to user 't'@'127.0.0.1' for table "
                + "`ringmaster`.`x`", "42000", 1142))).startsWith("privilege error: 1142 (42000): CREATE command denied");
        assertThat(SqlErrors.isPrivilegeError(new SQLException("Connection refused", "08000", 0))).isFalse();
    }
}
