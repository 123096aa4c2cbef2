package io.ringmaster.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelParsingTest {

    @Test
    void shouldAcceptMmmSlaveAsReplica() {
        assertThat(HostMode.parse("slave")).isEqualTo(HostMode.REPLICA);
        assertThat(HostMode.parse(" Replica ")).isEqualTo(HostMode.REPLICA);
        assertThat(HostMode.parse("MASTER")).isEqualTo(HostMode.MASTER);
        assertThat(HostMode.REPLICA.label()).isEqualTo("replica");
    }

    @Test
    void shouldParseMonitorModesCaseInsensitively() {
        assertThat(MonitorMode.parse("passive")).isEqualTo(MonitorMode.PASSIVE);
        assertThatThrownBy(() -> MonitorMode.parse("auto"))
                .hasMessage("must be one of ACTIVE, MANUAL, WAIT, PASSIVE, not 'auto'");
    }

    @Test
    void shouldParseRoleKinds() {
        assertThat(RoleKind.parse("Exclusive")).isEqualTo(RoleKind.EXCLUSIVE);
        assertThatThrownBy(() -> RoleKind.parse("shared")).hasMessage("must be exclusive or balanced, not 'shared'");
    }

    @Test
    void shouldParseCheckNamesWithDashesOrUnderscores() {
        assertThat(CheckName.parse("rep-threads")).isEqualTo(CheckName.REP_THREADS);
        assertThat(CheckName.parse("REP_BACKLOG")).isEqualTo(CheckName.REP_BACKLOG);
        assertThat(CheckName.MYSQL.label()).isEqualTo("mysql");
        assertThatThrownBy(() -> CheckName.parse("icmp")).hasMessageContaining("unknown check 'icmp'");
    }

    @Test
    void shouldCallOnlyAdminOfflineAdministrative() {
        for (HostState s : HostState.values()) {
            assertThat(s.isAdministrative()).as("%s", s).isEqualTo(s == HostState.ADMIN_OFFLINE);
        }
    }
}
