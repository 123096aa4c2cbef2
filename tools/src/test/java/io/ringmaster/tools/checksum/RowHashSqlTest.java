package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RowHashSqlTest {
    private final RowHashSql exact = new RowHashSql(HashFunction.CRC32, OptionalInt.empty());

    @ParameterizedTest(name = "{0} hashes as {1}")
    @CsvSource(delimiter = '|', value = {
            "int|`c`", "bigint|`c`", "decimal|`c`", "double|`c`", "float|CAST(`c` AS DOUBLE)", "bit|(`c`+0)",
            "varchar|CAST(`c` AS BINARY)", "char|CAST(`c` AS BINARY)", "longtext|CAST(`c` AS BINARY)",
            "enum|CAST(`c` AS BINARY)", "set|CAST(`c` AS BINARY)",
            "json|CAST(CAST(`c` AS CHAR CHARACTER SET utf8mb4) AS BINARY)",
            "varbinary|`c`", "blob|`c`", "binary|`c`",
            "date|`c`", "datetime|`c`", "timestamp|`c`", "time|`c`", "year|`c`",
            "point|CONCAT(ST_SRID(`c`), ':', ST_AsWKB(`c`))", "geometry|CONCAT(ST_SRID(`c`), ':', ST_AsWKB(`c`))",
            "uuid|CAST(`c` AS CHAR)", "inet6|CAST(`c` AS CHAR)"})
    void shouldHashEveryColumnTypeByItsKind(String type, String expected) {
        assertThat(exact.columnExpr(Column.of("c", type, false))).isEqualTo(expected);
    }

    @Test
    void shouldRoundFloatsWhenAPrecisionIsGiven() {
        RowHashSql rounded = new RowHashSql(HashFunction.CRC32, OptionalInt.of(3));
        assertThat(rounded.columnExpr(Column.of("f", "float", true))).isEqualTo("ROUND(`f`, 3)");
        assertThat(rounded.columnExpr(Column.of("d", "double", true))).isEqualTo("ROUND(`d`, 3)");
    }

    @Test
    void shouldTellNullFromEmptyStringWithNullFlagsOfNullableColumnsOnly() {
        String text = exact.rowText(List.of(Column.of("id", "int", false), Column.of("a", "varchar", true),
                Column.of("b", "int", true)));
        assertThat(text).isEqualTo("CONCAT_WS('#', `id`, CAST(`a` AS BINARY), `b`, CONCAT(ISNULL(`a`), ISNULL(`b`)))");
    }

    @Test
    void shouldAddByteLengthsWhenTwoStringColumnsCouldShiftASeparator() {
        String text = exact.rowText(List.of(Column.of("id", "int", false), Column.of("a", "varchar", false),
                Column.of("b", "blob", false)));
        assertThat(text).endsWith(", CONCAT_WS(',', OCTET_LENGTH(`a`), OCTET_LENGTH(`b`)))");
    }

    @Test
    void shouldNotAddLengthsForASingleStringColumn() {
        String text = exact.rowText(List.of(Column.of("id", "int", false), Column.of("a", "varchar", false)));
        assertThat(text).isEqualTo("CONCAT_WS('#', `id`, CAST(`a` AS BINARY))");
    }

    @Test
    void shouldLeaveVirtualColumnsOut() {
        String text = exact.rowText(List.of(Column.of("id", "int", false),
                new Column("v", "int", true, null, null, true)));
        assertThat(text).isEqualTo("CONCAT_WS('#', `id`)");
        assertThatThrownBy(() -> exact.rowText(List.of(new Column("v", "int", true, null, null, true))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldQuoteIdentifiersWithBackticks() {
        assertThat(exact.columnExpr(Column.of("we`ird", "int", false))).isEqualTo("`we``ird`");
    }

    @Test
    void shouldBuildTheChunkQueryWithCountXorAndOptionalSumAndLock() {
        List<Column> cols = List.of(Column.of("id", "int", false));
        String plain = exact.chunkQuery("db", "t", cols, "PRIMARY", "(`id` > 5)", false, false);
        assertThat(plain).isEqualTo("SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `id`))), 0), 0"
                + " FROM `db`.`t` FORCE INDEX (`PRIMARY`) WHERE (`id` > 5)");
        String whole = exact.chunkQuery("db", "t", cols, null, "", true, true);
        assertThat(whole).isEqualTo("SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `id`))), 0),"
                + " COALESCE(SUM(CRC32(CONCAT_WS('#', `id`))), 0) FROM `db`.`t` LOCK IN SHARE MODE");
    }

    @Test
    void shouldUseSixtyFourBitsOfMd5WhenAsked() {
        RowHashSql md5 = new RowHashSql(HashFunction.MD5, OptionalInt.empty());
        assertThat(md5.rowHash(List.of(Column.of("id", "int", false))))
                .isEqualTo("CAST(CONV(LEFT(MD5(CONCAT_WS('#', `id`)), 16), 16, 10) AS UNSIGNED)");
        assertThat(HashFunction.parse(" MD5 ")).isEqualTo(HashFunction.MD5);
        assertThatThrownBy(() -> HashFunction.parse("sha1")).hasMessageContaining("crc32 or md5");
    }
}
