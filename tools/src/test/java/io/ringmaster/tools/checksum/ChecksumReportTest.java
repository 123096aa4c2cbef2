package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksumReportTest {
    private final TableName t = new TableName("shop", "items");
    private final ChecksumResult result = new ChecksumResult(7, "db1", List.of("db2", "db3"),
            List.of(new ChecksumStore.TableSummary(t, "done", "PRIMARY", 3, 5000, "")),
            List.of(new ChunkRow(t, 2, "db3", "PRIMARY", "id in (1999, 3999]", 1000, "00000000000000aa", 999,
                    "00000000000000bb", ChunkStatus.DIFF, "confirmed by recheck 1"),
                    new ChunkRow(t, 3, "db2", "PRIMARY", "id in (3999, +inf)", 1000, "00000000000000cc", -1, null,
                            ChunkStatus.SKIPPED, "did not apply the writer's position")),
            List.of(), EnumSet.of(ExitStatus.DIFFERENCES, ExitStatus.CHUNK_SKIPPED), 0, Duration.ofMillis(1500));

    @Test
    void shouldReportEachDifferenceWithHostTableChunkBoundsCountsAndChecksums() {
        String text = ChecksumReport.text(result);
        assertThat(text).contains("run 7: writer db1 compared with db2, db3 in 1.5 s");
        assertThat(text).contains("db3 shop.items chunk 2 id in (1999, 3999]: rows 1000 on db1, 999 here;"
                + " checksum 00000000000000aa on db1, 00000000000000bb here");
        assertThat(text).contains("db2 shop.items chunk 3 id in (3999, +inf): skipped: did not apply");
        assertThat(text).contains("exit code 48: 16 differences found, 32 chunks skipped");
    }

    @Test
    void shouldReportTheSameAsJson() throws Exception {
        JsonNode j = new ObjectMapper().readTree(ChecksumReport.json(result));
        assertThat(j.path("exit_code").asInt()).isEqualTo(48);
        assertThat(j.path("differences")).hasSize(1);
        JsonNode d = j.path("differences").get(0);
        assertThat(d.path("host").asText()).isEqualTo("db3");
        assertThat(d.path("table").asText()).isEqualTo("shop.items");
        assertThat(d.path("chunk").asInt()).isEqualTo(2);
        assertThat(d.path("writer_rows").asLong()).isEqualTo(1000);
        assertThat(d.path("host_rows").asLong()).isEqualTo(999);
        assertThat(j.path("skipped_chunks").get(0).path("host_rows").isNull()).isTrue();
        assertThat(j.path("exit_bits").toString()).contains("differences", "chunk_skipped");
    }
}
