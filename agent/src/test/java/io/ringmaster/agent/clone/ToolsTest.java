package io.ringmaster.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.privilege.ServerVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolsTest {
    @Test
    void shouldReadTheServerVersionMariadbBackupWasBuiltFrom() {
        assertThat(Tools.parseBackupVersion("mariadb-backup based on MariaDB server 10.11.19-MariaDB "
                + "debian-linux-gnu (x86_64)")).contains(ServerVersion.mariadb(10, 11, 19));
        assertThat(Tools.parseBackupVersion("mbstream: unknown option '--version'")).isEmpty();
    }

    @Test
    void shouldCopyPhysicallyOnlyWithTheSameMajorMinor() {
        Optional<ServerVersion> tool = Optional.of(ServerVersion.mariadb(10, 11, 19));
        assertThat(Tools.matches(tool, ServerVersion.mariadb(10, 11, 6))).isTrue();
        assertThat(Tools.matches(tool, ServerVersion.mariadb(11, 4, 5))).isFalse();
        assertThat(Tools.matches(Optional.empty(), ServerVersion.mariadb(10, 11, 19))).as("not installed")
                .isFalse();
    }
}
