package io.ringmaster.agent.clone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The GTID position at which a physical backup is consistent, as mariadb-backup writes it into the backup:
 * {@code xtrabackup_binlog_info} up to 10.11 and {@code mariadb_backup_binlog_info} from 11.1 on (MDEV-18931), one
 * line {@code FILE<TAB>POSITION<TAB>GTID_LIST}, e.g. {@code db3-bin.000002	1234	1-1-10,2-2-5}. Immutable.
 *
 * @param binlogFile the donor's binary log file at the backup's point, never null (may be empty)
 * @param gtid       the donor's GTID position at that point ({@code D-S-N,...}); empty when the donor had written
 *                   no GTID yet
 * @param source     the file it was read from, never null
 */
public record BackupPosition(String binlogFile, String gtid, String source) {
    /** The file names, newest first. */
    public static final List<String> FILE_NAMES = List.of("mariadb_backup_binlog_info", "xtrabackup_binlog_info");

    /**
     * Parses the text of a binlog info file.
     *
     * @param fileName the file's name, for messages
     * @throws IllegalArgumentException when the text has no line with at least a file and a position
     */
    public static BackupPosition parse(String fileName, String text) {
        String line = text == null ? "" : text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .orElse("");
        String[] f = line.split("\\s+");
        if (f.length < 2 || !f[1].matches("\\d+")) {
            throw new IllegalArgumentException(fileName + ": expected 'FILE POSITION GTID', found '" + line + "'");
        }
        String gtid = f.length >= 3 ? String.join("", java.util.Arrays.copyOfRange(f, 2, f.length)) : "";
        if (!gtid.isEmpty() && !gtid.matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*")) {
            throw new IllegalArgumentException(fileName + ": '" + gtid + "' is not a GTID position");
        }
        return new BackupPosition(f[0], gtid, fileName);
    }

    /**
     * Reads the position from a backup directory: the 11.1+ file name first, then the 10.11 one.
     *
     * @return the position, or empty when neither file exists (a backup taken with {@code --no-lock}, or no binlog)
     * @throws IOException when a file exists but cannot be read
     * @throws IllegalArgumentException when a file exists but does not parse
     */
    public static Optional<BackupPosition> read(Path backupDir) throws IOException {
        for (String name : FILE_NAMES) {
            Path f = backupDir.resolve(name);
            if (Files.isRegularFile(f)) {
                return Optional.of(parse(name, Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        return Optional.empty();
    }
}
