package io.ringmaster.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.privilege.ServerVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloneChecksTest {
    static final ServerVersion V10_11_19 = ServerVersion.mariadb(10, 11, 19);
    static final long GB = 1L << 30;

    static CloneChecks.Facts facts(boolean writable, ServerVersion target, Optional<String> busy, long free) {
        return new CloneChecks.Facts("db4", "db3", writable, target, V10_11_19, busy, free, GB);
    }

    @Test
    void shouldLetAReadOnlyIdleTargetWithRoomGoAhead() {
        assertThat(CloneChecks.refusal(facts(false, ServerVersion.mariadb(10, 11, 6), Optional.empty(), 2 * GB)))
                .isEmpty();
    }

    @Test
    void shouldRefuseTheWriter() {
        assertThat(CloneChecks.refusal(facts(true, V10_11_19, Optional.empty(), 2 * GB)).orElseThrow())
                .contains("db4 is writable").contains("move-role");
    }

    @Test
    void shouldRefuseABusyHost() {
        assertThat(CloneChecks.refusal(facts(false, V10_11_19, Optional.of("clone from db2"), 2 * GB))
                .orElseThrow()).contains("busy (clone from db2)");
    }

    @Test
    void shouldRefuseAnotherMajorMinorVersionButNotAnotherPatch() {
        assertThat(CloneChecks.refusal(facts(false, ServerVersion.mariadb(11, 4, 2), Optional.empty(), 2 * GB))
                .orElseThrow()).contains("db3 runs MariaDB 10.11.19").contains("db4 runs MariaDB 11.4.2");
        assertThat(CloneChecks.refusal(facts(false, ServerVersion.mariadb(10, 6, 19), Optional.empty(), 2 * GB)))
                .isPresent();
    }

    @Test
    void shouldSkipTheVersionCheckWhenTheTargetServerIsDown() {
        assertThat(CloneChecks.refusal(facts(false, null, Optional.empty(), 2 * GB))).isEmpty();
    }

    @Test
    void shouldRefuseATargetWithoutRoomForTheDataAndTheMargin() {
        long need = CloneChecks.neededBytes(GB);
        assertThat(need).isEqualTo(GB + GB / 10 + CloneChecks.MARGIN_BYTES);
        assertThat(CloneChecks.refusal(facts(false, V10_11_19, Optional.empty(), need - 1)).orElseThrow())
                .contains("db4 has").contains("needs");
        assertThat(CloneChecks.refusal(facts(false, V10_11_19, Optional.empty(), need))).isEmpty();
    }

    @Test
    void shouldRefuseACloneOntoItself() {
        var f = new CloneChecks.Facts("db3", "db3", false, V10_11_19, V10_11_19, Optional.empty(), 2 * GB, GB);
        assertThat(CloneChecks.refusal(f).orElseThrow()).contains("onto itself");
    }

    @Test
    void shouldRefuseADataDirectoryThatIsAMountPoint() {
        var f = new CloneChecks.Facts("db4", "db3", false, V10_11_19, V10_11_19, Optional.empty(), 2 * GB, GB, true);
        assertThat(CloneChecks.refusal(f).orElseThrow()).contains("is a mount point")
                .contains("agents.hosts[db4].data_dir");
    }
}
