package io.ringmaster.tools.archive;

import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.gtid.GtidPosition.Gtid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the transactions of a local binary log file with {@code mariadb-binlog} (the field's decoder, run with
 * {@code TZ=UTC --base64-output=decode-rows}, so timestamps are UTC and row events print their row counts), from
 * a byte offset: GTIDs, their byte range, commit time, and optionally which tables they touched. Parses the
 * tool's event header lines ({@code #261202  3:13:40 server id 7  end_log_pos 419 CRC32 0x.. GTID 3-7-4 trans}),
 * {@code Gtid list [..]}, {@code Table_map}, {@code *_rows}, {@code Xid}, {@code Query} and {@code Rotate}.
 * Stateless and thread-safe; each call runs one process bounded by a timeout.
 */
public final class BinlogScanner {
    private static final Pattern HEADER = Pattern.compile(
            "^#(\\d{6})\\s+(\\d{1,2}:\\d\\d:\\d\\d) server id (\\d+)\\s+end_log_pos (\\d+)\\s+(?:CRC32 0x[0-9a-f]+\\s+)?(.*)$");
    private static final Pattern GTID = Pattern.compile("^GTID (\\d+)-(\\d+)-(\\d+)( trans)?.*");
    private static final Pattern TABLE_MAP = Pattern.compile("^Table_map: `([^`]*)`\\.`([^`]*)` mapped to number (\\d+)");
    private static final Pattern ROWS = Pattern.compile("^(Write|Update|Delete)_rows(?:_v1|_compressed(?:_v1)?)?: table id (\\d+).*");
    private static final Pattern ROW_COUNT = Pattern.compile("^# Number of rows: (\\d+)");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyMMdd H:mm:ss");
    private final String tool;
    private final long timeoutMs;

    /** What a scan read. */
    public record Result(GtidPosition startState, List<BinlogTransaction> transactions, boolean rotated,
                         long lastEventEnd) {}

    /**
     * @param tool      the {@code mariadb-binlog} command (a path, or a name on PATH)
     * @param timeoutMs how long one scan may run, ms
     */
    public BinlogScanner(String tool, long timeoutMs) {
        this.tool = tool;
        this.timeoutMs = timeoutMs;
    }

    /** The default: {@code mariadb-binlog} from PATH, 10 minutes per scan. */
    public static BinlogScanner defaults() {
        return new BinlogScanner("mariadb-binlog", 600_000);
    }

    /**
     * Scans {@code file} from byte {@code from} (4: the beginning).
     *
     * @param changes also record which tables each transaction touched (statement text, row counts)
     * @throws IOException when the tool cannot run or runs out of time; a torn tail is not an error (the last
     *                     transaction then reads as incomplete)
     */
    public Result scan(Path file, long from, boolean changes) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tool, "--base64-output=decode-rows", "--skip-gtid-strict-mode"));
        if (from > 4) {
            cmd.add("--start-position=" + from);
        }
        cmd.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        Parser parser = new Parser(changes);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                parser.line(line);
            }
        } finally {
            try {
                if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(tool + " " + file + ": no answer within " + timeoutMs + " ms");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + file);
            }
        }
        return parser.result();
    }

    /** Parses {@code mariadb-binlog} text, one line at a time. Not thread-safe. */
    static final class Parser {
        private final boolean changes;
        private final List<BinlogTransaction> done = new ArrayList<>();
        private final Map<Long, String> tables = new HashMap<>();
        private GtidPosition startState;
        private Gtid gtid;
        private boolean trans;
        private long start;
        private long end;
        private Instant time;
        private boolean complete;
        private List<BinlogTransaction.Change> touched = new ArrayList<>();
        private long at;
        private boolean rotated;
        private long lastEnd;
        private boolean inQuery;
        private StringBuilder query;
        private int pendingRows = -1;

        Parser(boolean changes) {
            this.changes = changes;
        }

        void line(String line) {
            if (line.startsWith("# at ")) {
                endQuery();
                at = Long.parseLong(line.substring(5).trim());
                return;
            }
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                endQuery();
                header(h);
                return;
            }
            Matcher rc = ROW_COUNT.matcher(line);
            if (rc.matches() && pendingRows >= 0 && !touched.isEmpty()) {
                BinlogTransaction.Change c = touched.remove(touched.size() - 1);
                touched.add(new BinlogTransaction.Change(c.table(), c.kind(), Long.parseLong(rc.group(1)), ""));
                pendingRows = -1;
                return;
            }
            if (inQuery) {
                if (line.equals("/*!*/;")) {
                    endQuery();
                } else if (!line.endsWith("/*!*/;")) { // session settings and `use` end so; a statement does not
                    query.append(query.isEmpty() ? "" : " ").append(line);
                }
            }
        }

        private void header(Matcher h) {
            Instant t = LocalDateTime.parse(h.group(1) + " " + h.group(2), TIME).toInstant(ZoneOffset.UTC);
            long endPos = Long.parseLong(h.group(4));
            String rest = h.group(5);
            lastEnd = Math.max(lastEnd, endPos);
            Matcher g = GTID.matcher(rest);
            if (g.matches()) {
                complete |= gtid != null; // a transaction followed by another one is whole
                close();
                gtid = new Gtid(Long.parseLong(g.group(1)), Long.parseLong(g.group(2)), Long.parseLong(g.group(3)));
                trans = g.group(4) != null;
                start = at;
                end = endPos;
                time = t;
                complete = false;
                touched = new ArrayList<>();
                return;
            }
            if (rest.startsWith("Gtid list [")) {
                if (startState == null) {
                    startState = GtidPosition.parse(rest.substring(11, rest.indexOf(']')));
                }
                return;
            }
            if (rest.startsWith("Rotate to ")) {
                rotated = true;
                return;
            }
            if (gtid == null || complete) {
                return;
            }
            end = endPos;
            time = t;
            if (rest.startsWith("Xid = ")) {
                complete = true;
            } else if (rest.startsWith("Query")) {
                inQuery = true;
                query = new StringBuilder();
            } else if (changes) {
                Matcher m = TABLE_MAP.matcher(rest);
                if (m.matches()) {
                    tables.put(Long.parseLong(m.group(3)), m.group(1) + "." + m.group(2));
                    return;
                }
                Matcher r = ROWS.matcher(rest);
                if (r.matches()) {
                    String kind = switch (r.group(1)) {
                        case "Write" -> "INSERT";
                        case "Update" -> "UPDATE";
                        default -> "DELETE";
                    };
                    touched.add(new BinlogTransaction.Change(tables.getOrDefault(Long.parseLong(r.group(2)), ""),
                            kind, 0, ""));
                    pendingRows = 0;
                }
            }
        }

        private void endQuery() {
            if (!inQuery) {
                return;
            }
            inQuery = false;
            String text = query.toString().trim().replaceFirst("(?is)^SET\\s+STATEMENT\\s+.+?\\s+FOR\\s+", "");
            if (text.isEmpty()) {
                return;
            }
            if (!trans || text.equalsIgnoreCase("COMMIT")) {
                complete = true; // a DDL or non-transactional statement: its one Query event ends the group
            }
            if (changes && !text.equalsIgnoreCase("BEGIN") && !text.equalsIgnoreCase("COMMIT")) {
                String kind = text.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
                touched.add(new BinlogTransaction.Change(StatementTables.first(text), kind, -1,
                        text.length() > 200 ? text.substring(0, 200) : text));
            }
        }

        private void close() {
            if (gtid != null) {
                done.add(new BinlogTransaction(gtid, start, end, time, complete, touched));
                gtid = null;
            }
        }

        Result result() {
            endQuery();
            close();
            return new Result(startState == null ? GtidPosition.empty() : startState, done, rotated, lastEnd);
        }
    }
}
