package io.ringmaster.tools.archive;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The binlog archive's directory, {@code REPO/binlog}: the archived files, {@code index.json} (every file in
 * streaming order, see {@link ArchivedFile}) and {@code status.json} (the archiver's last report, see
 * {@link ArchiveStatus}). Only the archiver writes them, each by writing a temporary file and renaming it, so a
 * reader never sees half a file. Methods are stateless and thread-safe.
 */
public final class ArchiveIndex {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path dir;

    /** The index's on-disk shape. */
    public record Files_(List<ArchivedFile> files) {}

    /** @param repository the backup repository ({@code backup.repository}); the archive is its {@code binlog/} */
    public ArchiveIndex(Path repository) {
        this.dir = repository.resolve("binlog");
    }

    /** {@code REPO/binlog}. */
    public Path dir() {
        return dir;
    }

    /** The archived files in streaming order; empty when nothing was archived yet. */
    public List<ArchivedFile> load() throws IOException {
        Path f = dir.resolve("index.json");
        if (!Files.exists(f)) {
            return List.of();
        }
        return JSON.readValue(f.toFile(), Files_.class).files();
    }

    /** The archive as a chain (see {@link ArchiveChain}). */
    public ArchiveChain chain() throws IOException {
        return new ArchiveChain(load());
    }

    /** Replaces the index (atomically). */
    public void save(List<ArchivedFile> files) throws IOException {
        write("index.json", JSON.writeValueAsBytes(new Files_(files)));
    }

    /**
     * Removes {@code drop} from the archive: the index without them is saved first, then their files are deleted,
     * so a crash in between leaves unlisted files behind, never a listed file that is gone. Call it from the
     * archiver's thread only (it alone writes the index).
     *
     * @param drop files of the index, as {@link ArchiveRetention#prunable} returns them
     * @return bytes freed
     * @throws IOException when the index cannot be saved (nothing is deleted then)
     */
    public long prune(List<ArchivedFile> drop) throws IOException {
        if (drop.isEmpty()) {
            return 0;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        drop.forEach(f -> names.add(f.file()));
        save(load().stream().filter(f -> !names.contains(f.file())).toList());
        long freed = 0;
        for (String name : names) {
            Path f = dir.resolve(name);
            long size = Files.exists(f) ? Files.size(f) : 0;
            if (Files.deleteIfExists(f)) {
                freed += size;
            }
        }
        return freed;
    }

    /** The archiver's last status report, if any. */
    public Optional<ArchiveStatus> status() throws IOException {
        Path f = dir.resolve("status.json");
        return Files.exists(f) ? Optional.of(JSON.readValue(f.toFile(), ArchiveStatus.class)) : Optional.empty();
    }

    /** Replaces the status report (atomically). */
    public void saveStatus(ArchiveStatus status) throws IOException {
        write("status.json", JSON.writeValueAsBytes(status));
    }

    private void write(String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
