package io.ringmaster.agent.clone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The file that says a clone is under way on this host: {@code DATADIR.ringmaster-clone.json} beside the data
 * directory, written before each phase (atomically, by rename), removed when the clone is done or undone. An agent
 * that starts and finds one undoes the clone ({@link CloneRecovery}). Immutable.
 *
 * @param phase  {@code streaming} (the server and its data directory are untouched; only the new directory exists),
 *               {@code swapping} (the server may be stopped and the data directory may have been moved to
 *               {@code oldDir}), or {@code replicating} (the new data runs; only the old directory is left)
 * @param id     the clone's id
 * @param donor  the donor's host name
 * @param newDir where the copy is unpacked
 * @param oldDir where the old data directory is (or goes) while the new one is tried
 */
record CloneMarker(String phase, String id, String donor, Path newDir, Path oldDir) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path file(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".ringmaster-clone.json");
    }

    CloneMarker phase(String next) {
        return new CloneMarker(next, id, donor, newDir, oldDir);
    }

    void write(Path dataDir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("id", id);
        m.put("donor", donor);
        m.put("new_dir", newDir.toString());
        m.put("old_dir", oldDir.toString());
        Path f = file(dataDir);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Optional<CloneMarker> read(Path dataDir) throws IOException {
        Path f = file(dataDir);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(f.toFile());
        return Optional.of(new CloneMarker(n.path("phase").asText(), n.path("id").asText(), n.path("donor").asText(),
                Path.of(n.path("new_dir").asText()), Path.of(n.path("old_dir").asText())));
    }

    static void remove(Path dataDir) throws IOException {
        Files.deleteIfExists(file(dataDir));
    }
}
