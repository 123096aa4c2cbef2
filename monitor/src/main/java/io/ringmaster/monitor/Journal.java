package io.ringmaster.monitor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The monitor's recovery journal, beside the state file: the anti-flap block (the last automatic failover and
 * whether an operator acknowledged it) and an append-only audit log of every writer change, one JSON object per
 * line. Both survive a monitor restart.
 *
 * <p>Not thread-safe: the monitor calls it under its lock.
 */
final class Journal {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The anti-flap block: last automatic failover, and whether an operator has acknowledged it since. */
    record Block(Instant lastAutomaticFailover, String lastId, boolean acknowledged) {}

    private final Path blockFile;
    private final Path auditFile;
    private Block block;

    Journal(Path stateFile) throws IOException {
        this.blockFile = stateFile.resolveSibling(stateFile.getFileName() + ".block.json");
        this.auditFile = stateFile.resolveSibling(stateFile.getFileName() + ".audit.jsonl");
        Block b;
        try {
            b = JSON.readValue(Files.readAllBytes(blockFile), Block.class);
        } catch (NoSuchFileException e) {
            b = new Block(null, "", true);
        } catch (IOException e) {
            throw new IOException("journal " + blockFile + " is unreadable: " + e.getMessage(), e);
        }
        this.block = b;
    }

    /**
     * Why an automatic failover is blocked now, or empty when it may go ahead.
     *
     * @param blockPeriod at most one automatic failover within this period unless acknowledged; zero disables
     */
    Optional<String> blockedBecause(Instant now, Duration blockPeriod) {
        if (blockPeriod.isZero() || block.acknowledged() || block.lastAutomaticFailover() == null) {
            return Optional.empty();
        }
        Instant until = block.lastAutomaticFailover().plus(blockPeriod);
        if (!now.isBefore(until)) {
            return Optional.empty();
        }
        return Optional.of("anti-flap: automatic failover " + block.lastId() + " ran at " + block.lastAutomaticFailover()
                + "; another is blocked until " + until + " unless an operator runs `ringmaster acknowledge`");
    }

    /** Records an automatic failover (starts a block period). */
    void automaticFailover(String id, Instant at) throws IOException {
        block = new Block(at, id, false);
        save();
    }

    /** An operator acknowledged the last failover: the next automatic one may run. Returns what was acknowledged. */
    String acknowledge() throws IOException {
        String what = block.lastId().isEmpty() ? "nothing to acknowledge" : "acknowledged " + block.lastId();
        block = new Block(block.lastAutomaticFailover(), block.lastId(), true);
        save();
        return what;
    }

    /** The current block. */
    Block block() {
        return block;
    }

    /** Appends a finished writer change to the audit log. */
    void audit(Map<String, Object> record) throws IOException {
        Files.createDirectories(auditFile.toAbsolutePath().getParent());
        Files.write(auditFile, (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    /** The last {@code n} audit records, oldest first; unreadable lines are skipped. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> history(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(auditFile, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.max(0, lines.size() - n), lines.size())) {
                try {
                    out.add(JSON.readValue(line, Map.class));
                } catch (IOException ignored) {
                    // a torn last line after a crash: skip it
                }
            }
        } catch (IOException e) {
            // no audit log yet
        }
        return out;
    }

    private void save() throws IOException {
        Files.createDirectories(blockFile.toAbsolutePath().getParent());
        Path tmp = blockFile.resolveSibling(blockFile.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(block));
        Files.move(tmp, blockFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
