package io.ringmaster.tools.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.gtid.GtidPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveRetentionTest {
    private static ArchivedFile file(String name, String start, String end, boolean complete) {
        return new ArchivedFile(name, "h", 1, name, "s", start, end, "", "", "", "", "", 0, 0, complete);
    }

    private static List<GtidPosition> at(String... positions) {
        return java.util.Arrays.stream(positions).map(GtidPosition::parse).toList();
    }

    // db1 wrote domain 1 up to 100; after the failover db2's first file holds domain 1 again and then domain 2
    private final List<ArchivedFile> files = List.of(file("a", "", "1-1-60", true), file("b", "1-1-60", "1-1-100", true),
            file("c", "1-1-40", "1-1-100,2-2-30", true), file("live", "1-1-100,2-2-30", "1-1-100,2-2-45", false));

    @Test
    void shouldDropTheFilesEveryBackupIsPast() throws Exception {
        assertThat(ArchiveRetention.prunable(files, at("1-1-100,2-2-10", "1-1-120,2-2-40")))
                .extracting(ArchivedFile::file).containsExactly("a", "b");
        // what is left still takes the oldest backup to the end
        List<ArchivedFile> left = files.subList(2, 4);
        assertThat(new ArchiveChain(left).plan(GtidPosition.parse("1-1-100,2-2-10"),
                GtidPosition.parse("1-1-100,2-2-45"))).extracting(s -> s.file().file()).containsExactly("c", "live");
        assertThat(new ArchiveChain(left).gaps()).isEmpty();
    }

    @Test
    void shouldKeepEverythingTheOldestBackupNeedsOrWhenThereIsNoBackup() {
        assertThat(ArchiveRetention.prunable(files, at("1-1-50", "1-1-120,2-2-40"))).isEmpty();
        assertThat(ArchiveRetention.prunable(files, List.of())).isEmpty();
        // a backup without a position (no GTID) keeps the whole archive
        assertThat(ArchiveRetention.prunable(files, at("", "1-1-120,2-2-40"))).isEmpty();
        // a domain the backup lacks keeps the file that has it
        assertThat(ArchiveRetention.prunable(files, at("2-2-99"))).isEmpty();
    }

    @Test
    void shouldNeverDropAFileStillBeingWrittenNorPastAKeptOne() {
        assertThat(ArchiveRetention.prunable(files, at("1-1-200,2-2-200"))).extracting(ArchivedFile::file)
                .containsExactly("a", "b", "c");
        List<ArchivedFile> holey = List.of(files.get(0), file("x", "1-1-60", "1-1-300", true), files.get(1));
        assertThat(ArchiveRetention.prunable(holey, at("1-1-100"))).extracting(ArchivedFile::file)
                .containsExactly("a");
    }

    @Test
    void shouldSaveTheIndexBeforeDeletingTheFiles(@TempDir Path repo) throws Exception {
        ArchiveIndex index = new ArchiveIndex(repo);
        Files.createDirectories(index.dir());
        for (ArchivedFile f : files) {
            Files.write(index.dir().resolve(f.file()), new byte[100]);
        }
        index.save(files);
        long freed = index.prune(ArchiveRetention.prunable(index.load(), at("1-1-100,2-2-10")));
        assertThat(freed).isEqualTo(200);
        assertThat(index.load()).extracting(ArchivedFile::file).containsExactly("c", "live");
        assertThat(index.dir().resolve("a")).doesNotExist();
        assertThat(index.dir().resolve("c")).exists();
        assertThat(index.prune(List.of())).isZero();
    }
}
