package io.ringmaster.tools.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowDiffTest {
    private static List<String> row(String... v) {
        return Arrays.asList(v);
    }

    @Test
    void shouldFindMissingChangedAndExtraRowsByKey() {
        List<RowChange> d = RowDiff.byKey(List.of(0),
                List.of(row("1", "a"), row("2", "b"), row("3", "c")),
                List.of(row("1", "a"), row("3", "x"), row("4", "d")));
        assertThat(d).containsExactly(new RowChange.Missing(row("2", "b")),
                new RowChange.Changed(row("3", "c"), row("3", "x")), new RowChange.Extra(row("4", "d")));
    }

    @Test
    void shouldTellNullFromEmpty() {
        List<RowChange> d = RowDiff.byKey(List.of(0), List.of(row("1", "")), List.of(row("1", null)));
        assertThat(d).containsExactly(new RowChange.Changed(row("1", ""), row("1", null)));
    }

    @Test
    void shouldMatchCompositeKeys() {
        List<RowChange> d = RowDiff.byKey(List.of(1, 0), List.of(row("a", "1", "v")), List.of(row("a", "2", "v")));
        assertThat(d).containsExactly(new RowChange.Missing(row("a", "1", "v")), new RowChange.Extra(row("a", "2", "v")));
    }

    @Test
    void shouldRefuseADuplicateKey() {
        assertThatThrownBy(() -> RowDiff.byKey(List.of(0), List.of(), List.of(row("1", "a"), row("1", "b"))))
                .hasMessageContaining("host holds key [1] twice");
    }

    @Test
    void shouldCountCopiesOfWholeRowsWithoutAKey() {
        List<RowChange> d = RowDiff.byWholeRow(List.of(row("1", "x"), row("1", "x"), row("2", null)),
                List.of(row("1", "x"), row("2", null), row("2", null)));
        assertThat(d).containsExactly(new RowChange.Missing(row("1", "x")), new RowChange.Extra(row("2", null)));
        assertThat(RowDiff.byWholeRow(List.of(row("1")), List.of(row("1")))).isEmpty();
    }
}
