package io.ringmaster.tools.checksum;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a checksum run found. Immutable.
 *
 * @param runId         the run, as stored in {@code checksum_runs}
 * @param writer        the writer's name
 * @param hosts         hosts compared with the writer
 * @param tables        per table: status, chunks, rows
 * @param problems      differing, skipped and failed chunks, per host (every row not {@code same})
 * @param errors        run-level errors (a host unreachable at the start, a throttle timeout, ...)
 * @param outcomes      the exit status bits
 * @param pausedMillis  time the throttle held the run back
 * @param elapsed       wall time of the run
 */
public record ChecksumResult(long runId, String writer, List<String> hosts, List<ChecksumStore.TableSummary> tables,
                             List<ChunkRow> problems, List<String> errors, Set<ExitStatus> outcomes,
                             long pausedMillis, Duration elapsed) {
    public ChecksumResult {
        Objects.requireNonNull(writer, "writer");
        hosts = List.copyOf(hosts);
        tables = List.copyOf(tables);
        problems = List.copyOf(problems);
        errors = List.copyOf(errors);
        outcomes = outcomes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(outcomes));
    }

    /**
     * The outcome bits implied by stored results, added to those seen while running: DIFFERENCES for a differing
     * chunk, CHUNK_SKIPPED for a skipped or failed one, TABLE_SKIPPED for a skipped table.
     */
    public static Set<ExitStatus> outcomes(Set<ExitStatus> seen, List<ChecksumStore.TableSummary> tables,
                                           List<ChunkRow> problems) {
        Set<ExitStatus> out = EnumSet.noneOf(ExitStatus.class);
        out.addAll(seen);
        for (ChunkRow r : problems) {
            switch (r.status()) {
                case DIFF -> out.add(ExitStatus.DIFFERENCES);
                case SKIPPED, ERROR -> out.add(ExitStatus.CHUNK_SKIPPED);
                case SAME, WRITER -> { }
            }
        }
        if (tables.stream().anyMatch(t -> t.status().equals("skipped"))) {
            out.add(ExitStatus.TABLE_SKIPPED);
        }
        return out;
    }

    /** The process exit code. */
    public int exitCode() {
        return ExitStatus.code(outcomes);
    }

    /** Only the differing chunks. */
    public List<ChunkRow> differences() {
        return problems.stream().filter(r -> r.status() == ChunkStatus.DIFF).toList();
    }
}
