package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TablePlanTest {
    private static final Column ID = Column.of("id", "int", false);
    private static final Column CODE = Column.text("code", "varchar", false, "utf8mb4", "utf8mb4_general_ci");
    private static final Column NULLABLE = Column.of("n", "int", true);
    private static final Column F = Column.of("f", "double", false);
    private static final Column BODY = Column.text("body", "text", false, "utf8mb4", "utf8mb4_general_ci");

    @Test
    void shouldChunkAlongThePrimaryKeyFirst() {
        TablePlan p = TablePlan.choose(List.of(ID, CODE), List.of(new IndexInfo("a_code", true, List.of("code"), false),
                new IndexInfo("PRIMARY", true, List.of("id", "code"), false)), 1_000_000, 10_000);
        assertThat(p).isEqualTo(new TablePlan.Chunked(new ChunkKey("PRIMARY", List.of(ID, CODE))));
    }

    @Test
    void shouldFallBackToTheNarrowestUniqueKeyOnNotNullColumns() {
        TablePlan p = TablePlan.choose(List.of(ID, CODE, NULLABLE), List.of(
                new IndexInfo("wide", true, List.of("id", "code"), false),
                new IndexInfo("by_n", true, List.of("n"), false),
                new IndexInfo("narrow", true, List.of("code"), false),
                new IndexInfo("plain", false, List.of("id"), false)), 1_000_000, 10_000);
        assertThat(p).isEqualTo(new TablePlan.Chunked(new ChunkKey("narrow", List.of(CODE))));
    }

    @Test
    void shouldNotChunkAlongPrefixFloatTextOrNullableKeys() {
        List<IndexInfo> unusable = List.of(new IndexInfo("p", true, List.of("code"), true),
                new IndexInfo("f", true, List.of("f"), false), new IndexInfo("b", true, List.of("body"), false),
                new IndexInfo("n", true, List.of("n"), false));
        TablePlan small = TablePlan.choose(List.of(CODE, F, BODY, NULLABLE), unusable, 50, 10_000);
        assertThat(small).isInstanceOf(TablePlan.Whole.class);
        assertThat(((TablePlan.Whole) small).reason()).contains("no unique key usable");
        TablePlan big = TablePlan.choose(List.of(CODE, F, BODY, NULLABLE), unusable, 50_000, 10_000);
        assertThat(big).isInstanceOf(TablePlan.Skip.class);
        assertThat(((TablePlan.Skip) big).reason()).contains("50000 rows").contains("--max-whole-rows");
    }

    @Test
    void shouldDoAKeylessTableWholeOnlyWhenSmall() {
        assertThat(TablePlan.choose(List.of(ID), List.of(), 10_000, 10_000)).isInstanceOf(TablePlan.Whole.class);
        TablePlan skip = TablePlan.choose(List.of(ID), List.of(), 10_001, 10_000);
        assertThat(((TablePlan.Skip) skip).reason()).startsWith("no primary or unique key");
    }
}
