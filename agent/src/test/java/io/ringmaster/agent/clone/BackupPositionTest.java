package io.ringmaster.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupPositionTest {
    @Test
    void shouldParseTheTenElevenLineWithSeveralDomains() {
        BackupPosition p = BackupPosition.parse("xtrabackup_binlog_info", "db3-bin.000002\t1234\t1-1-10,2-2-5\n");
        assertThat(p.binlogFile()).isEqualTo("db3-bin.000002");
        assertThat(p.gtid()).isEqualTo("1-1-10,2-2-5");
    }

    @Test
    void shouldParseALineWithoutGtidAsAnEmptyPosition() {
        assertThat(BackupPosition.parse("xtrabackup_binlog_info", "mariadb-bin.000001 328").gtid()).isEmpty();
    }

    @Test
    void shouldJoinAGtidListThatWasSplitAfterItsCommas() {
        assertThat(BackupPosition.parse("x", "b.000001 4 1-1-10, 2-2-5").gtid()).isEqualTo("1-1-10,2-2-5");
    }

    @Test
    void shouldRefuseTextThatIsNoPosition() {
        assertThatThrownBy(() -> BackupPosition.parse("xtrabackup_binlog_info", "")).hasMessageContaining(
                "xtrabackup_binlog_info: expected");
        assertThatThrownBy(() -> BackupPosition.parse("x", "b.000001 4 not-a-gtid"))
                .hasMessageContaining("is not a GTID position");
    }

    @Test
    void shouldReadTheElevenOneFileNameFirstAndTheTenElevenOneElse(@TempDir Path dir) throws Exception {
        assertThat(BackupPosition.read(dir)).isEmpty();
        Files.writeString(dir.resolve("xtrabackup_binlog_info"), "a.000001\t4\t0-1-2\n");
        assertThat(BackupPosition.read(dir).orElseThrow().gtid()).isEqualTo("0-1-2");
        assertThat(BackupPosition.read(dir).orElseThrow().source()).isEqualTo("xtrabackup_binlog_info");
        Files.writeString(dir.resolve("mariadb_backup_binlog_info"), "a.000001\t4\t0-1-3\n");
        assertThat(BackupPosition.read(dir).orElseThrow().gtid()).isEqualTo("0-1-3");
        assertThat(BackupPosition.read(dir).orElseThrow().source()).isEqualTo("mariadb_backup_binlog_info");
    }
}
