package io.ringmaster.tools.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups half of the repository ({@code backup.repository}):
 * <pre>
 * REPO/backups/ID/manifest.json          the manifest ({@link Manifest})
 * REPO/backups/ID/backup.mbstream.zst    a physical backup: mariadb-backup's mbstream, zstd-compressed
 * REPO/backups/ID/dump.sql.zst           a logical backup: mariadb-dump's SQL, zstd-compressed
 * REPO/backups/.partial-ID/              a backup being written; renamed to ID once its manifest is in it
 * REPO/binlog/                           the binlog archive (not this class's)
 * </pre>
 * A folder without a readable manifest is not a backup: a failed backup leaves none listed (its partial folder is
 * removed, or, after a crash, skipped and removed by the next backup). Thread-safe as far as the file system is;
 * one writer per backup id.
 */
public final class Repository {
    private static final Logger log = LoggerFactory.getLogger(Repository.class);
    public static final String BACKUPS = "backups";
    static final String PARTIAL = ".partial-";
    private final Path root;

    /** @param root the repository's directory ({@code backup.repository}) */
    public Repository(Path root) {
        this.root = root;
    }

    /** The repository's directory. */
    public Path root() {
        return root;
    }

    /** {@code REPO/backups}. */
    public Path backups() {
        return root.resolve(BACKUPS);
    }

    /** The folder of backup {@code id} (it may not exist). */
    public Path dir(String id) {
        return backups().resolve(id);
    }

    /**
     * Creates {@code REPO/backups} if needed and checks that it is writable.
     *
     * @throws IOException naming the directory when it cannot be created or written
     */
    public void checkWritable() throws IOException {
        try {
            Files.createDirectories(backups());
            Path probe = Files.createTempFile(backups(), ".probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("backup.repository: " + backups() + " is not writable: " + e.getMessage(), e);
        }
    }

    /** Every backup with a readable manifest, oldest first (by start time, then id). */
    public List<Manifest> list() throws IOException {
        List<Manifest> out = new ArrayList<>();
        if (!Files.isDirectory(backups())) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(backups())) {
            for (Path d : s) {
                if (d.getFileName().toString().startsWith(".") || !Files.isRegularFile(d.resolve(Manifest.FILE))) {
                    continue;
                }
                try {
                    out.add(Manifest.read(d.resolve(Manifest.FILE)));
                } catch (IOException e) {
                    log.warn("skipping {}: {}", d, e.getMessage());
                }
            }
        }
        out.sort(Comparator.comparing(Manifest::started, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Manifest::id));
        return out;
    }

    /** The backup with this id, if its folder has a readable manifest. */
    public Optional<Manifest> find(String id) throws IOException {
        if (!id.matches("[A-Za-z0-9._-]{1,120}") || id.startsWith(".")) {
            return Optional.empty();
        }
        Path f = dir(id).resolve(Manifest.FILE);
        return Files.isRegularFile(f) ? Optional.of(Manifest.read(f)) : Optional.empty();
    }

    /** A new partial folder for backup {@code id}; partial folders older runs left behind are removed first. */
    Path createPartial(String id) throws IOException {
        checkWritable();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(backups(), PARTIAL + "*")) {
            for (Path d : s) {
                log.info("removing {}: a backup that did not finish", d);
                deleteTree(d);
            }
        }
        return Files.createDirectory(backups().resolve(PARTIAL + id));
    }

    /** Makes a partial folder (with its manifest written) a listed backup, by one rename. */
    void commit(Path partial, String id) throws IOException {
        Files.move(partial, dir(id), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Updates a backup's manifest (atomically). */
    public void update(Manifest m) throws IOException {
        m.write(dir(m.id()));
    }

    /**
     * Deletes a backup: its manifest first (by renaming the folder to a partial one, so that it is no longer listed),
     * then its files.
     */
    public void delete(String id) throws IOException {
        Path gone = backups().resolve(PARTIAL + "deleted-" + id);
        Files.move(dir(id), gone, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(gone);
    }

    /**
     * Recomputes the size and SHA-256 of every stored file of a backup.
     *
     * @return the first mismatch as one line, or empty when every file matches
     */
    public Optional<String> checkFiles(Manifest m) throws IOException {
        for (Manifest.StoredFile f : m.files()) {
            Path p = dir(m.id()).resolve(f.name());
            if (!Files.isRegularFile(p)) {
                return Optional.of("backup " + m.id() + ": " + f.name() + " is missing");
            }
            long size = Files.size(p);
            if (size != f.bytes()) {
                return Optional.of("backup " + m.id() + ": " + f.name() + " has " + size + " bytes, the manifest says "
                        + f.bytes());
            }
            String sha = sha256(p);
            if (!sha.equals(f.sha256())) {
                return Optional.of("backup " + m.id() + ": " + f.name() + " has SHA-256 " + sha
                        + ", the manifest says " + f.sha256() + " (the file changed since the backup)");
            }
        }
        return Optional.empty();
    }

    /** Lower-case hex SHA-256 of a file. */
    static String sha256(Path p) throws IOException {
        MessageDigest md = newDigest();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The chain a restore of {@code m} needs, base first: the full backup and every incremental up to {@code m}.
     *
     * @throws IOException when a parent is missing (the message names it)
     */
    public List<Manifest> chain(Manifest m) throws IOException {
        List<Manifest> chain = new ArrayList<>();
        Manifest at = m;
        chain.add(0, at);
        while (at.isIncremental()) {
            String parentId = at.parent();
            at = find(parentId).orElseThrow(() -> new IOException("backup " + m.id() + " needs " + parentId
                    + ", which is not in the repository"));
            chain.add(0, at);
            if (chain.size() > 10_000) {
                throw new IOException("backup " + m.id() + ": its chain of parents loops");
            }
        }
        return chain;
    }
}
