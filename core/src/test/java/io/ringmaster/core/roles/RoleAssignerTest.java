package io.ringmaster.core.roles;

import static io.ringmaster.core.model.HostState.ADMIN_OFFLINE;
import static io.ringmaster.core.model.HostState.AWAITING_RECOVERY;
import static io.ringmaster.core.model.HostState.HARD_OFFLINE;
import static io.ringmaster.core.model.HostState.REPLICATION_DELAY;
import static io.ringmaster.core.model.HostState.REPLICATION_FAIL;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.MonitorMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoleAssignerTest {
    private final RingmasterConfig pair = TestClusters.pair();
    private final RingmasterConfig preferDb1 = TestClusters.cluster(TestClusters.defaultMonitor(), 2,
            List.of("db1", "db2"), Optional.of("db1"));

    @Test
    void shouldKeepWriterWithItsOnlineHolder() {
        var a = RoleAssigner.assign(pair, States.allOnline(pair).role("writer", "db2").build());

        assertThat(a.roles().get("writer")).containsExactly("db2");
        assertThat(a.writerNeeded()).isFalse();
    }

    @Test
    void shouldNotMoveWriterBackToPreferredHostByItself() {
        var a = RoleAssigner.assign(preferDb1, States.allOnline(preferDb1).role("writer", "db2").build());

        assertThat(a.roles().get("writer")).containsExactly("db2");
        assertThat(a.writerNeeded()).isFalse();
    }

    @Test
    void shouldStripWriterThatIsNotOnlineInActiveModeAndAskForANewOne() {
        for (var state : List.of(HARD_OFFLINE, AWAITING_RECOVERY, ADMIN_OFFLINE, REPLICATION_FAIL,
                REPLICATION_DELAY)) {
            var a = RoleAssigner.assign(pair, States.allOnline(pair).host("db1", state).role("writer", "db1").build());

            assertThat(a.roles().get("writer")).as("%s", state).isEmpty();
            assertThat(a.writerNeeded()).as("%s", state).isTrue();
        }
    }

    @Test
    void shouldAskForAWriterInActiveModeWhenNobodyHoldsIt() {
        var a = RoleAssigner.assign(pair, States.allOnline(pair).build());

        assertThat(a.roles()).containsEntry("writer", List.of());
        assertThat(a.writerNeeded()).isTrue();
    }

    @Test
    void shouldStripWriterWhoseRecordIsGone() {
        var a = RoleAssigner.assign(pair, States.allOnline(pair).unknown("db1").role("writer", "db1").build());

        assertThat(a.roles().get("writer")).isEmpty();
        assertThat(a.writerNeeded()).isTrue();
    }

    @Test
    void shouldKeepFailedWriterInManualAndWaitModes() {
        for (MonitorMode mode : List.of(MonitorMode.MANUAL, MonitorMode.WAIT)) {
            var a = RoleAssigner.assign(pair, States.allOnline(pair).mode(mode).host("db1", HARD_OFFLINE)
                    .role("writer", "db1").build());

            assertThat(a.roles().get("writer")).as("%s", mode).containsExactly("db1");
            assertThat(a.roles().get("reader")).as("%s", mode).containsExactly("db2", "r1", "r2");
            assertThat(a.writerNeeded()).as("%s", mode).isFalse();
        }
    }

    @Test
    void shouldNotAskForAWriterOutsideActiveMode() {
        var a = RoleAssigner.assign(pair, States.allOnline(pair).mode(MonitorMode.MANUAL).build());

        assertThat(a.roles().get("writer")).isEmpty();
        assertThat(a.writerNeeded()).isFalse();
    }

    @Test
    void shouldChangeNothingInPassiveMode() {
        var state = States.allOnline(pair).mode(MonitorMode.PASSIVE).host("db1", HARD_OFFLINE)
                .host("r1", REPLICATION_FAIL).role("writer", "db1").role("reader", "db1", "r1").build();

        var a = RoleAssigner.assign(pair, state);

        assertThat(a.roles()).isEqualTo(state.roles());
        assertThat(a.writerNeeded()).isFalse();
    }

    @Test
    void shouldGiveBalancedRoleToEveryOnlineHostIncludingTheWriter() {
        var a = RoleAssigner.assign(pair, States.allOnline(pair).host("r1", REPLICATION_DELAY)
                .host("db2", AWAITING_RECOVERY).role("writer", "db1").role("reader", "r1").build());

        assertThat(a.roles()).isEqualTo(Map.of("writer", List.of("db1"), "reader", List.of("db1", "r2")));
    }

    @Test
    void shouldNotGiveBalancedRoleToHostNeverChecked() {
        var a = RoleAssigner.assign(pair, States.allOnline(pair).unknown("r2").role("writer", "db1").build());

        assertThat(a.roles().get("reader")).containsExactly("db1", "db2", "r1");
    }
}
