package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExitStatusTest {
    @Test
    void shouldUsePtTableChecksumBitsWithUsageAsTwo() {
        assertThat(ExitStatus.ERROR.bit()).isEqualTo(1);
        assertThat(ExitStatus.USAGE.bit()).isEqualTo(2);
        assertThat(ExitStatus.INTERRUPTED.bit()).isEqualTo(4);
        assertThat(ExitStatus.NO_OTHER_HOSTS.bit()).isEqualTo(8);
        assertThat(ExitStatus.DIFFERENCES.bit()).isEqualTo(16);
        assertThat(ExitStatus.CHUNK_SKIPPED.bit()).isEqualTo(32);
        assertThat(ExitStatus.TABLE_SKIPPED.bit()).isEqualTo(64);
        assertThat(ExitStatus.REPLICATION_STOPPED.bit()).isEqualTo(128);
    }

    @Test
    void shouldCombineOutcomesIntoOneCodeAndBack() {
        Set<ExitStatus> s = EnumSet.of(ExitStatus.DIFFERENCES, ExitStatus.CHUNK_SKIPPED, ExitStatus.REPLICATION_STOPPED);
        assertThat(ExitStatus.code(s)).isEqualTo(176);
        assertThat(ExitStatus.decode(176)).isEqualTo(s);
        assertThat(ExitStatus.code(Set.of())).isZero();
        assertThat(ExitStatus.decode(0)).isEmpty();
        assertThat(ExitStatus.decode(256 | 16)).containsExactly(ExitStatus.DIFFERENCES);
    }

    @Test
    void shouldDeriveOutcomesFromStoredResults() {
        TableName t = new TableName("db", "t");
        var diff = new ChunkRow(t, 1, "db3", "PRIMARY", "r", 1, "a", 1, "b", ChunkStatus.DIFF, "");
        var skip = new ChunkRow(t, 2, "db3", "PRIMARY", "r", 1, "a", -1, null, ChunkStatus.SKIPPED, "late");
        var tables = java.util.List.of(new ChecksumStore.TableSummary(t, "done", "PRIMARY", 2, 2, ""),
                new ChecksumStore.TableSummary(new TableName("db", "u"), "skipped", null, 0, 0, "no key"));
        assertThat(ChecksumResult.outcomes(EnumSet.of(ExitStatus.ERROR), tables, java.util.List.of(diff, skip)))
                .containsExactlyInAnyOrder(ExitStatus.ERROR, ExitStatus.DIFFERENCES, ExitStatus.CHUNK_SKIPPED,
                        ExitStatus.TABLE_SKIPPED);
        assertThat(ExitStatus.legend()).contains("16 differences found");
    }
}
