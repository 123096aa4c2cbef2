package io.ringmaster.tools.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MbstreamScannerTest {
    @TempDir
    Path dir;

    /** A stream made by the real mbstream -c, fed in odd-sized pieces. */
    @Test
    void shouldKeepTheMetadataFilesOfARealStreamFedInPieces() throws Exception {
        Files.writeString(dir.resolve("xtrabackup_checkpoints"),
                "backup_type = full-backuped\nfrom_lsn = 0\nto_lsn = 123456\nlast_lsn = 123470\n");
        Files.writeString(dir.resolve("xtrabackup_binlog_info"), "db3-bin.000002\t1234\t1-1-10,2-2-5\n");
        byte[] big = new byte[300_000];
        new Random(1).nextBytes(big);
        Files.write(dir.resolve("big.ibd"), big);
        Process p;
        try {
            p = new ProcessBuilder("mbstream", "-c", "xtrabackup_checkpoints", "big.ibd", "xtrabackup_binlog_info")
                    .directory(dir.toFile()).redirectOutput(dir.resolve("s").toFile()).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "mbstream is not installed");
            return;
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        byte[] stream = Files.readAllBytes(dir.resolve("s"));
        MbstreamScanner s = new MbstreamScanner(Set.of("xtrabackup_checkpoints", "xtrabackup_binlog_info"));
        Random r = new Random(2);
        for (int i = 0; i < stream.length; ) {
            int n = Math.min(stream.length - i, 1 + r.nextInt(5000));
            s.feed(stream, i, n);
            i += n;
        }
        assertThat(s.error()).isEmpty();
        assertThat(MbstreamScanner.checkpoint(s.file("xtrabackup_checkpoints").orElseThrow(), "to_lsn"))
                .isEqualTo(123456);
        assertThat(s.file("xtrabackup_binlog_info")).contains("db3-bin.000002\t1234\t1-1-10,2-2-5\n");
        assertThat(s.file("big.ibd")).isEmpty();
    }

    @Test
    void shouldReportAStreamThatIsNotAnMbstream() {
        MbstreamScanner s = new MbstreamScanner(Set.of());
        byte[] junk = "-- MariaDB dump 10.19\nCREATE TABLE t (id INT);\n".getBytes();
        s.feed(junk, 0, junk.length);
        assertThat(s.error()).get().asString().contains("not an mbstream");
    }
}
