package io.ringmaster.tools.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.tools.checksum.Column;
import io.ringmaster.tools.checksum.TableName;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncStatementsTest {
    private static final TableName T = new TableName("shop", "items");
    private static final List<Column> COLS = List.of(Column.of("id", "int", false),
            Column.text("name", "varchar", true, "utf8mb4", "utf8mb4_general_ci"), Column.of("data", "blob", true));
    private static final List<String> W = Arrays.asList("1", "6162", "00");
    private static final List<String> H = Arrays.asList("1", null, "00");
    private static final List<String> X = Arrays.asList("9", "", null);

    @Test
    void shouldReplaceThroughTheWriterAndDeleteFirst() {
        List<String> sql = SyncStatements.of(T, COLS, List.of(0), SyncMode.VIA_WRITER,
                List.of(new RowChange.Missing(W), new RowChange.Changed(W, H), new RowChange.Extra(X)));
        assertThat(sql).containsExactly(
                "DELETE FROM `shop`.`items` WHERE `id` = 9",
                "REPLACE INTO `shop`.`items` (`id`, `name`, `data`) VALUES (1, CONVERT(X'6162' USING utf8mb4), X'00')",
                "REPLACE INTO `shop`.`items` (`id`, `name`, `data`) VALUES (1, CONVERT(X'6162' USING utf8mb4), X'00')");
    }

    @Test
    void shouldInsertMissingRowsDirectly() {
        List<String> sql = SyncStatements.of(T, COLS, List.of(0), SyncMode.DIRECT, List.of(new RowChange.Missing(X)));
        assertThat(sql).containsExactly(
                "INSERT INTO `shop`.`items` (`id`, `name`, `data`) VALUES (9, CONVERT(X'' USING utf8mb4), NULL)");
    }

    @Test
    void shouldAddressKeylessRowsOnEveryColumnOneAtATime() {
        List<String> sql = SyncStatements.of(T, COLS, List.of(), SyncMode.DIRECT, List.of(new RowChange.Extra(H)));
        assertThat(sql).containsExactly("DELETE FROM `shop`.`items` WHERE `id` <=> 1 AND `name` <=> NULL AND"
                + " `data` <=> X'00' LIMIT 1");
        assertThatThrownBy(() -> SyncStatements.of(T, COLS, List.of(), SyncMode.VIA_WRITER, List.of()))
                .hasMessageContaining("--direct");
    }

    @Test
    void shouldCompareKeyStringsInTheColumnsCollation() {
        List<Column> cols = List.of(Column.text("code", "varchar", false, "latin1", "latin1_swedish_ci"));
        assertThat(SyncStatements.of(T, cols, List.of(0), SyncMode.VIA_WRITER,
                List.of(new RowChange.Extra(List.of("41")))))
                .containsExactly("DELETE FROM `shop`.`items` WHERE `code` = CONVERT(X'41' USING latin1)"
                        + " COLLATE latin1_swedish_ci");
    }
}
