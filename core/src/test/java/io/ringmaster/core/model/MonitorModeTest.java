package io.ringmaster.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which modes let operator commands change hosts and roles (MMM: all but PASSIVE). */
class MonitorModeTest {

    @Test
    void shouldRefuseOperatorChangesOnlyInPassiveMode() {
        assertThat(MonitorMode.ACTIVE.allowsOperatorChanges()).isTrue();
        assertThat(MonitorMode.MANUAL.allowsOperatorChanges()).isTrue();
        assertThat(MonitorMode.WAIT.allowsOperatorChanges()).isTrue();
        assertThat(MonitorMode.PASSIVE.allowsOperatorChanges()).isFalse();
    }

    @Test
    void shouldAnswerWithMmmsExactRefusal() {
        assertThat(MonitorMode.ONLY_IN_ACTIVE_MODE).isEqualTo("ERROR: This command is only allowed in active mode");
    }
}
