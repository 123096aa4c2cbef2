package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkKeyTest {
    private static final Column ID = Column.of("id", "int", false);
    private static final Column NAME = Column.text("name", "varchar", false, "latin1", "latin1_swedish_ci");
    private final ChunkKey single = new ChunkKey("PRIMARY", List.of(ID));
    private final ChunkKey composite = new ChunkKey("uk", List.of(ID, NAME));

    @Test
    void shouldCutAHalfOpenRangeOnASingleColumn() {
        assertThat(single.where(Optional.of(Boundary.of("10")), Optional.of(Boundary.of("20"))))
                .isEqualTo("(`id` > 10) AND (`id` <= 20)");
    }

    @Test
    void shouldLeaveTheFirstChunkWithoutLowerAndTheLastWithoutUpperBound() {
        assertThat(single.where(Optional.empty(), Optional.of(Boundary.of("20")))).isEqualTo("(`id` <= 20)");
        assertThat(single.where(Optional.of(Boundary.of("10")), Optional.empty())).isEqualTo("(`id` > 10)");
        assertThat(single.where(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void shouldExpandCompositeBoundsColumnByColumn() {
        String lower = composite.where(Optional.of(Boundary.of("1", "6162")), Optional.empty());
        assertThat(lower).isEqualTo("(`id` > 1 OR (`id` = 1 AND `name` > CONVERT(X'6162' USING latin1)"
                + " COLLATE latin1_swedish_ci))");
        String upper = composite.where(Optional.empty(), Optional.of(Boundary.of("2", "")));
        assertThat(upper).isEqualTo("(`id` < 2 OR (`id` = 2 AND `name` <= CONVERT(X'' USING latin1)"
                + " COLLATE latin1_swedish_ci))");
    }

    @Test
    void shouldFindTheUpperBoundWithOrderByLimit() {
        assertThat(single.upperBoundQuery("db", "t", Optional.of(Boundary.of("10")), 1000))
                .isEqualTo("SELECT `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) WHERE (`id` > 10) ORDER BY `id`"
                        + " LIMIT 999, 1");
        assertThat(composite.upperBoundQuery("db", "t", Optional.empty(), 1))
                .isEqualTo("SELECT `id`, HEX(CAST(`name` AS BINARY)) FROM `db`.`t` FORCE INDEX (`uk`)"
                        + " ORDER BY `id`, `name` LIMIT 0, 1");
        assertThatThrownBy(() -> single.upperBoundQuery("db", "t", Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseABoundaryOfTheWrongWidth() {
        assertThatThrownBy(() -> composite.where(Optional.of(Boundary.of("1")), Optional.empty()))
                .hasMessageContaining("1 values for 2 key columns");
    }

    @Test
    void shouldRefuseTokensThatAreNotWhatTheirKindReads() {
        assertThatThrownBy(() -> single.where(Optional.of(Boundary.of("1; DROP TABLE x")), Optional.empty()))
                .hasMessageContaining("is not a number");
        assertThatThrownBy(() -> composite.where(Optional.of(Boundary.of("1", "zz")), Optional.empty()))
                .hasMessageContaining("is not hex");
    }

    @Test
    void shouldShowBoundsAsPeopleReadThem() {
        assertThat(composite.display(Boundary.of("7", "E9"))).isEqualTo("(7, 'é')");
        Chunk c = new Chunk(new TableName("db", "t"), 2, Optional.of(single), Optional.of(Boundary.of("10")),
                Optional.empty());
        assertThat(c.range()).isEqualTo("id in (10, +inf)");
        Chunk whole = new Chunk(new TableName("db", "t"), 1, Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(whole.range()).isEqualTo("whole table");
        assertThat(whole.where()).isEmpty();
        assertThat(whole.rowsMayRepeat()).isTrue();
    }
}
