package io.ringmaster.tools.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
    static Manifest backup(String id, String kind, String parent, String at, String verified) {
        return new Manifest(id, kind, parent, "db3", 3, "10.11.19-MariaDB", "mariadb-backup", Instant.parse(at),
                Instant.parse(at).plusSeconds(60), "1-1-1", "", 0, 1, 10, 10, "zstd",
                List.of(new Manifest.StoredFile("backup.mbstream.zst", 10, "0".repeat(64))),
                new Manifest.Verification(verified, verified.equals("never") ? null : Instant.parse(at), ""));
    }

    static List<String> ids(List<Manifest> l) {
        return l.stream().map(Manifest::id).toList();
    }

    @Test
    void shouldKeepTheNewestFullOfEachOfTheLastDaysAndTheIncrementalsOnThem() {
        List<Manifest> all = new ArrayList<>();
        all.add(backup("f1", "full", null, "2026-11-28T01:00:00Z", "never"));
        all.add(backup("f2", "full", null, "2026-11-29T01:00:00Z", "never"));
        all.add(backup("f2b", "full", null, "2026-11-29T13:00:00Z", "never"));
        all.add(backup("i2b", "incremental", "f2b", "2026-11-29T14:00:00Z", "never"));
        all.add(backup("f3", "full", null, "2026-11-30T01:00:00Z", "never"));
        all.add(backup("i3", "incremental", "f3", "2026-11-30T02:00:00Z", "never"));
        all.add(backup("i3b", "incremental", "i3", "2026-11-30T03:00:00Z", "never"));
        List<Manifest> gone = Retention.toDelete(all, 2, 0, 0);
        assertThat(ids(gone)).containsExactly("f2", "f1");
    }

    @Test
    void shouldNeverDeleteTheLastVerifiedFullBackup() {
        List<Manifest> all = List.of(
                backup("f1", "full", null, "2026-11-01T01:00:00Z", "ok"),
                backup("f2", "full", null, "2026-11-20T01:00:00Z", "failed"),
                backup("f3", "full", null, "2026-11-30T01:00:00Z", "never"));
        assertThat(ids(Retention.toDelete(all, 1, 0, 0))).containsExactly("f2");
        assertThat(Retention.deletionRefusal(all, all.get(0))).get().asString()
                .contains("last verified full backup");
        assertThat(Retention.deletionRefusal(all, all.get(1))).isEmpty();
    }

    @Test
    void shouldRefuseToDeleteAParentStillNeeded() {
        List<Manifest> all = List.of(
                backup("f1", "full", null, "2026-11-01T01:00:00Z", "never"),
                backup("i1", "incremental", "f1", "2026-11-01T02:00:00Z", "never"));
        assertThat(Retention.deletionRefusal(all, all.get(0))).get().asString().contains("parent of i1");
        assertThat(Retention.deletionRefusal(all, all.get(1))).isEmpty();
    }

    @Test
    void shouldKeepWeeklyAndMonthlyBuckets() {
        List<Manifest> all = List.of(
                backup("oct", "full", null, "2026-10-15T01:00:00Z", "never"),
                backup("nov1", "full", null, "2026-11-02T01:00:00Z", "never"),
                backup("nov2", "full", null, "2026-11-03T01:00:00Z", "never"),
                backup("nov9", "full", null, "2026-11-09T01:00:00Z", "never"),
                backup("nov30", "full", null, "2026-11-30T01:00:00Z", "never"));
        // 1 daily: nov30; 2 weekly: nov30 (W49), nov9 (W46); 2 monthly: nov30, oct
        assertThat(ids(Retention.toDelete(all, 1, 2, 2))).containsExactly("nov2", "nov1");
    }
}
