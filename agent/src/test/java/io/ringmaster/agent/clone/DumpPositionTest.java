package io.ringmaster.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DumpPositionTest {
    static void feedInPieces(DumpPosition p, String text, int piece) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            byte[] part = java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + piece));
            p.feed(part, part.length);
        }
    }

    @Test
    void shouldFindTheCommentedPositionAtTheEndOfTheDumpAcrossChunkBoundaries() {
        DumpPosition p = new DumpPosition();
        String dump = "-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\nINSERT INTO t VALUES ('"
                + "x".repeat(100_000) + "gtid_slave_pos='9-9-9'');\n-- SET GLOBAL gtid_slave_pos='1-1-10,2-2-5';\n";
        feedInPieces(p, dump, 7);
        assertThat(p.gtid()).isEqualTo("1-1-10,2-2-5");
    }

    @Test
    void shouldIgnoreThePositionTextInsideData() {
        DumpPosition p = new DumpPosition();
        feedInPieces(p, "INSERT INTO help VALUES ('SET GLOBAL gtid_slave_pos=''1-1-1''');\n", 5);
        assertThat(p.gtid()).isNull();
    }
}
