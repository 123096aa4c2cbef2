package io.ringmaster.tools.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.gtid.GtidPosition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The parser over text as mariadb-binlog 10.11 prints it (TZ=UTC, --base64-output=decode-rows). */
class BinlogScannerTest {
    private static final String TEXT = """
            # at 256
            #261202  3:13:40 server id 7  end_log_pos 299 CRC32 0x467b6de0 \tGtid list [3-7-3]
            # at 377
            #261202  3:13:40 server id 7  end_log_pos 419 CRC32 0x97892e41 \tGTID 3-7-4 trans
            START TRANSACTION
            # at 419
            # at 469
            #261202  3:13:40 server id 7  end_log_pos 469 CRC32 0x2c1badc6 \tAnnotate_rows:
            #Q> delete from t.a
            #261202  3:13:40 server id 7  end_log_pos 511 CRC32 0x6c5e8999 \tTable_map: `t`.`a` mapped to number 18
            # at 511
            #261202  3:13:41 server id 7  end_log_pos 553 CRC32 0x875b81bc \tDelete_rows: table id 18 flags: STMT_END_F
            # Number of rows: 3
            # at 553
            #261202  3:13:41 server id 7  end_log_pos 584 CRC32 0x0ed90c76 \tXid = 6
            COMMIT/*!*/;
            # at 584
            #261202  3:18:48 server id 7  end_log_pos 1039 CRC32 0xaeb59004 \tGTID 3-7-5 ddl
            /*M!100001 SET @@session.gtid_seq_no=5*//*!*/;
            # at 1039
            #261202  3:18:48 server id 7  end_log_pos 1134 CRC32 0x1074ae31 \tQuery\tthread_id=7\texec_time=0\terror_code=0\txid=19
            SET TIMESTAMP=1796181528/*!*/;
            SET STATEMENT max_statement_time=5 FOR TRUNCATE TABLE `t`.`b`
            /*!*/;
            # at 1134
            #261202  3:18:49 server id 7  end_log_pos 1176 CRC32 0x1074ae32 \tGTID 3-7-6 trans
            START TRANSACTION
            # at 1176
            #261202  3:18:49 server id 7  end_log_pos 1200 CRC32 0x1074ae33 \tTable_map: `t`.`a` mapped to number 18
            """;

    @Test
    void shouldReadGtidsTimesRowCountsStatementsAndATornTail() {
        BinlogScanner.Parser p = new BinlogScanner.Parser(true);
        TEXT.lines().forEach(p::line);
        BinlogScanner.Result r = p.result();
        assertThat(r.startState()).isEqualTo(GtidPosition.parse("3-7-3"));
        assertThat(r.transactions()).hasSize(3);
        BinlogTransaction delete = r.transactions().get(0);
        assertThat(delete.gtid()).hasToString("3-7-4");
        assertThat(delete.startOffset()).isEqualTo(377);
        assertThat(delete.endOffset()).isEqualTo(584);
        assertThat(delete.committed()).isEqualTo(Instant.parse("2026-12-02T03:13:41Z"));
        assertThat(delete.complete()).isTrue();
        assertThat(delete.changes()).containsExactly(new BinlogTransaction.Change("t.a", "DELETE", 3, ""));
        BinlogTransaction ddl = r.transactions().get(1);
        assertThat(ddl.complete()).isTrue();
        assertThat(ddl.changes()).singleElement().satisfies(c -> {
            assertThat(c.table()).isEqualTo("t.b");
            assertThat(c.kind()).isEqualTo("TRUNCATE");
        });
        assertThat(r.transactions().get(2).complete()).as("torn tail").isFalse();
        assertThat(r.rotated()).isFalse();
    }

    @Test
    void shouldNameTheTableOfStatements() {
        assertThat(StatementTables.first("DELETE FROM `shop`.`orders`")).isEqualTo("shop.orders");
        assertThat(StatementTables.first("update orders set a=1")).isEqualTo("orders");
        assertThat(StatementTables.first("INSERT IGNORE INTO s.t VALUES (1)")).isEqualTo("s.t");
        assertThat(StatementTables.first("SELECT 1")).isEmpty();
    }
}
