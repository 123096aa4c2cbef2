package io.ringmaster.tools.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The {@code manifest.json} of one backup in the repository ({@code REPO/backups/ID/manifest.json}), as JSON with
 * snake_case names. Immutable; {@link #withVerification} gives a changed copy.
 *
 * <p>{@code files} lists every file stored in the backup's folder besides the manifest, with its size and the
 * SHA-256 of its bytes as stored (the zstd-compressed stream): a restore or a verify recomputes them before it
 * changes anything. The zstd frames carry their own content checksum too, so a stream damaged after the hash was
 * taken is caught again while it is decompressed.
 *
 * @param id             the backup's id: {@code YYYYMMDDTHHMMSSZ-HOST-full|incr|logical}, also its folder name
 * @param kind           {@code full}, {@code incremental} or {@code logical}
 * @param parent         for an incremental, the id of the backup it builds on (full or incremental); else null
 * @param host           the host it was taken from
 * @param serverId       that server's {@code server_id}
 * @param serverVersion  that server's {@code VERSION()}
 * @param tool           the program that took it, with its version ({@code mariadb-backup 10.11.19})
 * @param started        when the stream started
 * @param finished       when the last byte was stored
 * @param gtidPosition   the GTID position at which the backup is consistent ({@code xtrabackup_binlog_info} /
 *                       {@code mariadb_backup_binlog_info}, or the dump's {@code gtid_slave_pos}); may be empty when
 *                       the server had written no GTID
 * @param binlogFile     the source's binary log file at that point (physical backups), may be empty
 * @param fromLsn        physical backups: the InnoDB LSN the copy starts from (0 for a full one)
 * @param toLsn          physical backups: the checkpoint LSN it reaches ({@code xtrabackup_checkpoints} to_lsn),
 *                       the {@code --incremental-lsn} of an incremental built on it
 * @param streamBytes    bytes of the stream before compression
 * @param storedBytes    bytes stored (sum of {@code files})
 * @param compression    {@code zstd}
 * @param files          the stored files, never empty
 * @param verification   the last verification, never null ({@link Verification#never()})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Manifest(String id, String kind, String parent, String host, long serverId, String serverVersion,
                       String tool, Instant started, Instant finished, String gtidPosition, String binlogFile,
                       long fromLsn, long toLsn, long streamBytes, long storedBytes, String compression,
                       List<StoredFile> files, Verification verification) {
    public static final String FILE = "manifest.json";
    public static final String FULL = "full";
    public static final String INCREMENTAL = "incremental";
    public static final String LOGICAL = "logical";
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Manifest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        files = List.copyOf(files);
        verification = verification == null ? Verification.never() : verification;
        gtidPosition = gtidPosition == null ? "" : gtidPosition;
        binlogFile = binlogFile == null ? "" : binlogFile;
    }

    /**
     * One stored file.
     *
     * @param name   its name inside the backup's folder
     * @param bytes  its size
     * @param sha256 lower-case hex SHA-256 of its bytes
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StoredFile(String name, long bytes, String sha256) {}

    /**
     * The last verification of a backup.
     *
     * @param status  {@code never}, {@code ok} or {@code failed}
     * @param at      when it ended; null when never verified
     * @param message what was compared (or what failed), one line; empty when never verified
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Verification(String status, Instant at, String message) {
        public static Verification never() {
            return new Verification("never", null, "");
        }

        public boolean ok() {
            return "ok".equals(status);
        }
    }

    /** True for a physical full backup (the base of a chain). */
    public boolean isFull() {
        return FULL.equals(kind);
    }

    /** True for an incremental backup. */
    public boolean isIncremental() {
        return INCREMENTAL.equals(kind);
    }

    /** True for a logical (mariadb-dump) backup. */
    public boolean isLogical() {
        return LOGICAL.equals(kind);
    }

    /** This manifest with another verification. */
    public Manifest withVerification(Verification v) {
        return new Manifest(id, kind, parent, host, serverId, serverVersion, tool, started, finished, gtidPosition,
                binlogFile, fromLsn, toLsn, streamBytes, storedBytes, compression, files, v);
    }

    /**
     * Reads a manifest.
     *
     * @throws IOException when the file cannot be read or is not a manifest (the message names the file)
     */
    public static Manifest read(Path file) throws IOException {
        try {
            return JSON.readValue(file.toFile(), Manifest.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable manifest: " + e.getMessage().lines().findFirst()
                    .orElse(""), e);
        }
    }

    /** Writes the manifest into {@code dir} atomically (a temporary file renamed over the old one). */
    public void write(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The manifest as JSON text. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
