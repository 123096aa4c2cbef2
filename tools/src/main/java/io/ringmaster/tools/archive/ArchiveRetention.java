package io.ringmaster.tools.archive;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.ArrayList;
import java.util.List;

/**
 * Which archived binlog files no backup needs any more: the archive follows the backups' retention, as
 * pgBackRest's expire removes the WAL older than the oldest backup it keeps. A restore from a backup at position P
 * replays the transactions after P, so a file whose every transaction is at or before the position of every backup
 * in the repository serves no restore. Only a prefix of the streaming order goes (the archive stays continuous),
 * only complete files, and nothing while the repository holds no backup. Pure, stateless, thread-safe.
 */
public final class ArchiveRetention {
    private ArchiveRetention() {}

    /**
     * The files to remove, oldest first.
     *
     * @param files     the archive's files in streaming order ({@link ArchiveIndex#load()})
     * @param positions the GTID position of every backup in the repository; a backup without one (empty position)
     *                  keeps every file that holds a transaction
     * @return a prefix of {@code files}, empty when no backup exists or the oldest file is still needed
     */
    public static List<ArchivedFile> prunable(List<ArchivedFile> files, List<GtidPosition> positions) {
        List<ArchivedFile> out = new ArrayList<>();
        if (positions.isEmpty()) {
            return out;
        }
        for (ArchivedFile f : files) {
            GtidPosition end = f.usableEnd();
            if (!f.complete() || positions.stream().anyMatch(p -> !p.contains(end))) {
                break;
            }
            out.add(f);
        }
        return out;
    }
}
