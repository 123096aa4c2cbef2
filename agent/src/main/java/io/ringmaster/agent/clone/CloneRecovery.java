package io.ringmaster.agent.clone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes a clone that did not finish: after a failure inside the job, and when an agent starts and finds a
 * {@link CloneMarker} (it was killed mid-clone). Stateless.
 */
final class CloneRecovery {
    private static final Logger log = LoggerFactory.getLogger(CloneRecovery.class);

    private CloneRecovery() {}

    /** Where a restore unpacks the incremental backups of its base ({@link RestoreSide}). */
    static Path incrementals(CloneMarker m) {
        return m.newDir().resolveSibling(m.newDir().getFileName() + ".inc");
    }

    /**
     * Puts the old data directory back and starts the server, as the marker's phase requires:
     * {@code streaming}: only the unfinished new directory is removed (the server was not touched; it is started
     * if it does not answer); {@code swapping}: the server is stopped, the new data (if in place) removed, the old
     * directory renamed back and the server started; {@code replicating}: the clone worked, only the old directory
     * is left to delete.
     *
     * @throws IOException when a step fails (the message names it; the marker stays for the next try)
     */
    static void restore(TargetServer server, Path dataDir, CloneMarker m, String reason)
            throws IOException, InterruptedException {
        switch (m.phase()) {
            case "replicating" -> {
                log.info("{}: clone {} had finished; deleting the old data directory {} ({})", server.name(),
                        m.id(), m.oldDir(), reason);
                DonorSide.deleteTree(m.oldDir());
            }
            case "swapping" -> {
                if (Files.isDirectory(m.oldDir())) {
                    // always: a stop or start command of the killed agent may still be running
                    server.stop("undoing clone " + m.id() + ": " + reason);
                    if (Files.exists(dataDir)) {
                        Path failed = dataDir.resolveSibling(dataDir.getFileName() + ".ringmaster-failed-"
                                + TargetServer.stamp());
                        server.move(dataDir, failed, "undoing clone " + m.id() + ": the copy is set aside");
                        DonorSide.deleteTree(failed);
                    }
                    server.move(m.oldDir(), dataDir, "undoing clone " + m.id() + ": the old data directory back");
                }
                DonorSide.deleteTree(m.newDir());
                DonorSide.deleteTree(incrementals(m));
                if (!server.answers()) {
                    server.start("undoing clone " + m.id() + ": the server on its old data");
                }
            }
            default -> {
                DonorSide.deleteTree(m.newDir());
                DonorSide.deleteTree(incrementals(m));
                Files.deleteIfExists(m.newDir().resolveSibling(m.newDir().getFileName() + ".mbstream.log"));
                if (!server.answers()) {
                    server.start("undoing clone " + m.id() + ": the server was not touched; starting it");
                }
            }
        }
        CloneMarker.remove(dataDir);
        log.info("{}: clone {} undone ({}): the server runs on its old data", server.name(), m.id(), reason);
    }
}
