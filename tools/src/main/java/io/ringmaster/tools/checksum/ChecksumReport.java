package io.ringmaster.tools.checksum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link ChecksumResult} for people (text) and scripts (JSON). Pure and thread-safe.
 *
 * <p>Text: one line per table (chunks, writer rows, differing and skipped chunks), then one line per differing
 * chunk and host with the range, both row counts and both checksums, then skipped chunks, errors and the exit code
 * with its bits spelled out.
 */
public final class ChecksumReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChecksumReport() {}

    /** The text report, lines ending with a line break. */
    public static String text(ChecksumResult r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "run %d: writer %s compared with %s in %.1f s%s%n", r.runId(), r.writer(),
                r.hosts().isEmpty() ? "no host" : String.join(", ", r.hosts()), r.elapsed().toMillis() / 1000.0,
                r.pausedMillis() > 0 ? String.format(Locale.ROOT, " (%.1f s paused by the throttle)",
                        r.pausedMillis() / 1000.0) : ""));
        b.append(String.format(Locale.ROOT, "%-40s %-8s %7s %11s %6s %8s%n", "TABLE", "STATUS", "CHUNKS", "ROWS",
                "DIFFS", "SKIPPED"));
        for (ChecksumStore.TableSummary t : r.tables()) {
            long diffs = r.problems().stream().filter(p -> p.table().equals(t.table())
                    && p.status() == ChunkStatus.DIFF).count();
            long skipped = r.problems().stream().filter(p -> p.table().equals(t.table())
                    && p.status() != ChunkStatus.DIFF).count();
            b.append(String.format(Locale.ROOT, "%-40s %-8s %7d %11d %6d %8d%n", t.table(), t.status(), t.chunks(),
                    t.rows(), diffs, skipped));
            if (t.status().equals("skipped")) {
                b.append("  skipped: ").append(t.note()).append('\n');
            }
        }
        List<ChunkRow> diffs = r.differences();
        if (!diffs.isEmpty()) {
            b.append("differences:\n");
            for (ChunkRow d : diffs) {
                b.append(String.format(Locale.ROOT, "  %s %s chunk %d %s: rows %d on %s, %d here; checksum %s on %s,"
                                + " %s here%n", d.host(), d.table(), d.chunk(), d.range(), d.writerRows(), r.writer(),
                        d.hostRows(), d.writerCrc(), r.writer(), d.hostCrc()));
            }
        }
        for (ChunkRow p : r.problems()) {
            if (p.status() != ChunkStatus.DIFF) {
                b.append(String.format(Locale.ROOT, "  %s %s chunk %d %s: %s: %s%n", p.host(), p.table(), p.chunk(),
                        p.range(), p.status().label(), p.note()));
            }
        }
        for (String e : r.errors()) {
            b.append("error: ").append(e).append('\n');
        }
        b.append("exit code ").append(r.exitCode());
        if (r.exitCode() == 0) {
            b.append(": every chunk matches on every host");
        } else {
            b.append(": ").append(String.join(", ", ExitStatus.decode(r.exitCode()).stream()
                    .map(s -> s.bit() + " " + s.meaning()).toList()));
        }
        return b.append('\n').toString();
    }

    /** The JSON report. */
    public static String json(ChecksumResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("run_id", r.runId());
        root.put("writer", r.writer());
        ArrayNode hosts = root.putArray("hosts");
        r.hosts().forEach(hosts::add);
        root.put("elapsed_ms", r.elapsed().toMillis());
        root.put("throttled_ms", r.pausedMillis());
        root.put("exit_code", r.exitCode());
        ArrayNode bits = root.putArray("exit_bits");
        ExitStatus.decode(r.exitCode()).forEach(s -> bits.add(s.name().toLowerCase(Locale.ROOT)));
        ArrayNode tables = root.putArray("tables");
        for (ChecksumStore.TableSummary t : r.tables()) {
            ObjectNode o = tables.addObject();
            o.put("table", t.table().toString());
            o.put("status", t.status());
            o.put("index", t.index());
            o.put("chunks", t.chunks());
            o.put("rows", t.rows());
            o.put("note", t.note());
        }
        ArrayNode diffs = root.putArray("differences");
        ArrayNode skipped = root.putArray("skipped_chunks");
        for (ChunkRow p : r.problems()) {
            ObjectNode o = p.status() == ChunkStatus.DIFF ? diffs.addObject() : skipped.addObject();
            o.put("host", p.host());
            o.put("table", p.table().toString());
            o.put("chunk", p.chunk());
            o.put("index", p.index());
            o.put("range", p.range());
            o.put("writer_rows", p.writerRows());
            o.put("writer_checksum", p.writerCrc());
            if (p.hostCrc() != null) {
                o.put("host_rows", p.hostRows());
                o.put("host_checksum", p.hostCrc());
            } else {
                o.putNull("host_rows");
                o.putNull("host_checksum");
            }
            o.put("status", p.status().label());
            o.put("note", p.note());
        }
        ArrayNode errors = root.putArray("errors");
        r.errors().forEach(errors::add);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
