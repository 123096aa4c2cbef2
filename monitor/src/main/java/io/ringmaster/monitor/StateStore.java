package io.ringmaster.monitor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.plan.ChangeRecord;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the monitor's {@link ClusterState} in a JSON file, written atomically (temporary file, fsync, rename),
 * so a monitor killed at any instant finds either the old or the new state, never a torn one; and beside it the
 * registered change ({@link ChangeRecord}: a failover, switchover or other topology change with its plan and the
 * steps done), written the same way after every step, so the next monitor can finish it.
 *
 * <p>Not thread-safe: the monitor calls it under its own lock.
 */
public final class StateStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;

    /** @param file the state file; its folder is created when missing */
    public StateStore(Path file) {
        this.file = file;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /**
     * Reads the saved state.
     *
     * @return the state, or empty when there is no file yet
     * @throws IOException when the file exists but cannot be read or parsed (the monitor refuses to start
     *                     rather than forget roles)
     */
    public Optional<ClusterState> load() throws IOException {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), ClusterState.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException("state file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the state atomically and durably.
     *
     * @throws IOException when the file cannot be written
     */
    public void save(ClusterState state) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(state));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---------------------------------------------------------------- the registered change

    /** The file holding the registered, unfinished change, beside the state file. */
    public Path changeFile() {
        return file.resolveSibling(file.getFileName() + ".change.json");
    }

    /**
     * Reads the change a monitor registered and did not finish.
     *
     * @return the change, or empty when none is registered
     * @throws IOException when the file exists but cannot be read or parsed (the monitor refuses to start rather
     *                     than forget a half-done failover)
     */
    public Optional<ChangeRecord> loadChange() throws IOException {
        Path f = changeFile();
        try {
            return Optional.of(StepJson.fromDto(JSON.readValue(Files.readAllBytes(f), StepJson.ChangeDto.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException("registered change " + f + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Registers a change, or records its progress: written atomically and durably (temporary file, fsync, rename),
     * so a monitor killed at any instant leaves the previous version or this one.
     *
     * @throws IOException when it cannot be written
     */
    public void saveChange(ChangeRecord change) throws IOException {
        writeAtomically(changeFile(), JSON.writeValueAsBytes(StepJson.toDto(change)));
    }

    /**
     * Forgets the registered change (it finished, was rolled back or was abandoned).
     *
     * @throws IOException when the file cannot be removed
     */
    public void clearChange() throws IOException {
        Files.deleteIfExists(changeFile());
        fsyncDir(changeFile().toAbsolutePath().getParent());
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDir(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes a rename or delete in {@code dir} durable; best effort where directories cannot be opened. */
    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems do not let a directory be opened: the rename is still atomic
        }
    }

    /** The saved state without the hosts, roles and sources the configuration no longer has. */
    static ClusterState withCurrentHosts(RingmasterConfig config, ClusterState saved) {
        Map<String, HostRecord> hosts = new LinkedHashMap<>();
        config.hosts().forEach(h -> {
            if (saved.host(h.name()) != null) {
                hosts.put(h.name(), saved.host(h.name()));
            }
        });
        Map<String, List<String>> roles = new LinkedHashMap<>();
        config.roles().forEach(r -> roles.put(r.name(), saved.holders(r.name()).stream()
                .filter(h -> config.findHost(h).isPresent()).toList()));
        Map<String, String> sources = new LinkedHashMap<>();
        saved.sources().forEach((h, s) -> {
            if (config.findHost(h).isPresent() && config.findHost(s).isPresent()) {
                sources.put(h, s);
            }
        });
        List<String> masters = config.masters().stream().map(io.ringmaster.core.config.HostConfig::name).toList();
        List<String> order = saved.ring().order().stream().filter(masters::contains).toList();
        // a ring recorded for other masters than the configuration's: the configuration's order is used
        io.ringmaster.core.state.Ring ring = new io.ringmaster.core.state.Ring(
                order.size() == masters.size() ? order : List.of(),
                saved.ring().outOfRing().stream().filter(masters::contains).toList());
        return new ClusterState(saved.mode(), saved.modeSince(), hosts, roles, sources, saved.epoch(),
                saved.updated(), ring);
    }
}
