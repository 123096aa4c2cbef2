package io.ringmaster.tools.archive;

import io.ringmaster.core.gtid.GtidPosition.Gtid;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ringmaster binlog find}: the archived transactions that touched a table in a time window, in streaming
 * order, each with its commit time, what it did (row events with their row counts, or the statement), and the
 * GTID streamed just before it: the {@code --until-gtid} of a recovery that stops right before it (the recipe for
 * "someone ran DELETE without WHERE at 14:03"). Reads the archive's files with {@link BinlogScanner}. Stateless.
 */
public final class BinlogFind {
    private final ArchiveIndex archive;
    private final BinlogScanner scanner;

    /**
     * One transaction that touched the table.
     *
     * @param gtid    its GTID
     * @param time    its commit time (UTC, seconds)
     * @param file    the archived file it is in
     * @param changes what it did to the table (other tables' changes left out)
     * @param before  the GTID streamed just before it ("" when it is the archive's first): restore up to this one to
     *                get the data as it was right before
     */
    public record Hit(Gtid gtid, Instant time, String file, List<BinlogTransaction.Change> changes, String before) {}

    public BinlogFind(ArchiveIndex archive) {
        this(archive, BinlogScanner.defaults());
    }

    BinlogFind(ArchiveIndex archive, BinlogScanner scanner) {
        this.archive = archive;
        this.scanner = scanner;
    }

    /**
     * The transactions that touched {@code table} with a commit time in {@code [since, before]}.
     *
     * @param table {@code db.table}; a statement naming the table without its schema matches too
     */
    public List<Hit> find(String table, Instant since, Instant before) throws IOException {
        String t = table.toLowerCase(Locale.ROOT);
        String bare = t.substring(t.indexOf('.') + 1);
        List<Hit> hits = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String previous = "";
        for (ArchivedFile f : archive.load()) {
            if (f.firstTime().isEmpty() || Instant.parse(f.firstTime()).isAfter(before)
                    || Instant.parse(f.lastTime()).isBefore(since)) {
                previous = f.last().isEmpty() ? previous : f.last();
                continue;
            }
            for (BinlogTransaction x : scanner.scan(archive.dir().resolve(f.file()), 4, true).transactions()) {
                if (!x.complete()) {
                    break;
                }
                List<BinlogTransaction.Change> mine = x.changes().stream().filter(c -> {
                    String ct = c.table().toLowerCase(Locale.ROOT);
                    return ct.equals(t) || ct.equals(bare);
                }).toList();
                boolean inWindow = !x.committed().isBefore(since) && !x.committed().isAfter(before);
                if (!mine.isEmpty() && inWindow && seen.add(x.gtid().toString())) {
                    hits.add(new Hit(x.gtid(), x.committed(), f.file(), mine, previous));
                }
                previous = x.gtid().toString();
            }
        }
        return hits;
    }

    /**
     * Parses a time given on the command line: an ISO-8601 instant ({@code 2026-12-02T14:03:00Z}), or a local date
     * and time ({@code 2026-12-02 14:03} or {@code 2026-12-02T14:03:05}) in {@code zone}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Instant parseTime(String text, ZoneId zone) {
        String s = text.trim();
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            // a local time then
        }
        for (String p : List.of("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm")) {
            try {
                return LocalDateTime.parse(s, DateTimeFormatter.ofPattern(p)).atZone(zone).toInstant();
            } catch (DateTimeException e) {
                // next form
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a time: give 2026-12-02T14:03:00Z or "
                + "'2026-12-02 14:03[:00]' (local time, zone " + zone + ")");
    }
}
