package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTest {
    @Test
    void shouldWriteBackEachKindExactly() {
        assertThat(Sql.literal(Column.text("s", "varchar", true, "latin1", "latin1_bin"), "E9", false))
                .isEqualTo("CONVERT(X'E9' USING latin1)");
        assertThat(Sql.literal(Column.text("s", "varchar", true, "latin1", "latin1_bin"), "e9", true))
                .isEqualTo("CONVERT(X'E9' USING latin1) COLLATE latin1_bin");
        assertThat(Sql.literal(Column.of("b", "varbinary", true), "00FF", false)).isEqualTo("X'00FF'");
        assertThat(Sql.literal(Column.of("i", "bigint", true), "-12", false)).isEqualTo("-12");
        assertThat(Sql.literal(Column.of("d", "double", true), "1.5e-7", false)).isEqualTo("1.5e-7");
        assertThat(Sql.literal(Column.of("t", "datetime", true), "2024-01-02 03:04:05.123456", false))
                .isEqualTo("'2024-01-02 03:04:05.123456'");
        assertThat(Sql.literal(Column.of("j", "json", true), "7B7D", false)).isEqualTo("CONVERT(X'7B7D' USING utf8mb4)");
        assertThat(Sql.literal(Column.of("u", "uuid", true), "it's", false)).isEqualTo("'it''s'");
        assertThat(Sql.literal(Column.of("x", "int", true), null, false)).isEqualTo("NULL");
    }

    @Test
    void shouldReadEachKindAsAToken() {
        assertThat(Sql.tokenExpr(Column.of("s", "text", true))).isEqualTo("HEX(CAST(`s` AS BINARY))");
        assertThat(Sql.tokenExpr(Column.of("b", "blob", true))).isEqualTo("HEX(`b`)");
        assertThat(Sql.tokenExpr(Column.of("f", "float", true))).isEqualTo("CAST(`f` AS DOUBLE)");
        assertThat(Sql.tokenExpr(Column.of("bits", "bit", true))).isEqualTo("(`bits`+0)");
        assertThat(Sql.tokenExpr(Column.of("g", "point", true))).isEqualTo("HEX(`g`)");
        assertThat(Sql.tokenExpr(Column.of("i", "int", true))).isEqualTo("`i`");
    }

    @Test
    void shouldNeverBuildSqlFromUnexpectedText() {
        assertThatThrownBy(() -> Sql.literal(Column.of("i", "int", true), "1 OR 1=1", false))
                .hasMessage("column i: '1 OR 1=1' is not a number");
        assertThatThrownBy(() -> Sql.literal(Column.of("b", "blob", true), "ABC", false)).hasMessageContaining("hex");
        assertThatThrownBy(() -> Sql.literal(Column.text("s", "char", true, "latin1; DROP", "x"), "41", false))
                .hasMessageContaining("odd charset");
    }

    @Test
    void shouldQuoteStringsAndIdentifiers() {
        assertThat(Sql.quote("a'b\\c")).isEqualTo("'a''b\\\\c'");
        assertThat(Sql.table("d`b", "t")).isEqualTo("`d``b`.`t`");
        assertThat(TableName.parse("shop.items")).isEqualTo(new TableName("shop", "items"));
        assertThatThrownBy(() -> TableName.parse("items")).hasMessageContaining("DB.TABLE");
    }

    @Test
    void shouldFormatChunkSums() {
        assertThat(ChunkSum.of(3, "255", "0", false)).isEqualTo(new ChunkSum(3, "00000000000000ff"));
        assertThat(ChunkSum.of(2, "18446744073709551615", "123", true))
                .isEqualTo(new ChunkSum(2, "ffffffffffffffff/123"));
        assertThat(ChunkSum.of(0, null, null, true)).isEqualTo(new ChunkSum(0, "0000000000000000/0"));
    }
}
