package io.ringmaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.checksum.ChecksumException;
import io.ringmaster.tools.checksum.TableName;
import io.ringmaster.tools.sync.SyncMode;
import io.ringmaster.tools.sync.SyncOptions;
import io.ringmaster.tools.sync.SyncResult;
import io.ringmaster.tools.sync.TableSync;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster sync}: repairs the chunks the last checksum found different on one host. */
@Command(name = "sync", mixinStandardHelpOptions = true, description = {
        "Make HOST's copy of TABLE match the writer, in the chunks the last `ringmaster checksum` found different:",
        "compare their rows, then DELETE extra rows and REPLACE missing or changed ones. By default the statements",
        "run on the writer with binlog_format=STATEMENT (no-ops there) and replicate to every host; --direct runs",
        "them on HOST only with sql_log_bin=0. Refuses tables without a unique key and tables referenced by",
        "cascading foreign keys unless told otherwise. --print (dry run) is the default."},
        footer = {"", "Exit code: 0 nothing to change, or executed and verified; 16 statements printed, not executed;",
                "  1 refused, failed, or still different after executing; 2 bad usage or configuration."})
final class SyncCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("sync");

    @Mixin ConfigOption config;
    @Option(names = {"-t", "--table"}, required = true, paramLabel = "DB.TABLE", description = "The table.")
    String table;
    @Option(names = "--to", required = true, paramLabel = "HOST", description = "The host to repair.")
    String to;
    @ArgGroup(exclusive = true)
    Action action = new Action();
    @Option(names = "--direct", description = "Run on HOST with sql_log_bin=0 instead of through the writer.")
    boolean direct;
    @Option(names = "--allow-no-unique-key",
            description = "Repair a table without a unique key (with --direct; rows matched on every column).")
    boolean allowNoUniqueKey;
    @Option(names = "--allow-cascades",
            description = "Repair a table that other tables reference with cascading foreign keys.")
    boolean allowCascades;
    @Option(names = "--writer", paramLabel = "HOST", description = "The writer (default: the master with read_only=OFF).")
    String writer;
    @Option(names = "--wait-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "Bound on HOST reaching the writer's position (default ${DEFAULT-VALUE}).")
    String waitTimeout;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    static final class Action {
        @Option(names = "--print", description = "Print the statements only (the default).") boolean print;
        @Option(names = "--execute", description = "Run the statements, then check the chunks again.") boolean execute;
    }

    @Override
    public Integer call() throws Exception {
        RingmasterConfig cfg = config.load();
        TableName name;
        try {
            name = TableName.parse(table);
        } catch (IllegalArgumentException e) {
            throw new CliException(2, "--table: " + e.getMessage());
        }
        SyncOptions options = new SyncOptions(name, to, action.execute, direct ? SyncMode.DIRECT : SyncMode.VIA_WRITER,
                allowNoUniqueKey, allowCascades, Optional.ofNullable(writer), cfg.monitor().heartbeatSchema(),
                ChecksumCommand.duration("--wait-timeout", waitTimeout), cfg.monitor().actionTimeout().multipliedBy(12));
        SyncResult r;
        try {
            r = new TableSync(cfg, options, LOG::info).run();
        } catch (ChecksumException e) {
            throw new CliException(e.exitCode(), e.getMessage());
        }
        System.out.print(json ? json(r) : text(r));
        return r.exitCode();
    }

    static String text(SyncResult r) {
        StringBuilder b = new StringBuilder();
        b.append("-- ringmaster sync: ").append(r.table()).append(" on ").append(r.host()).append(", ")
                .append(r.chunks()).append(" differing chunk(s): ").append(r.missing()).append(" missing, ")
                .append(r.changed()).append(" changed, ").append(r.extra()).append(" extra row(s)\n");
        if (!r.statements().isEmpty()) {
            b.append(r.mode() == SyncMode.VIA_WRITER
                    ? "-- on the writer " + r.writer() + ", replicating to every host:\n"
                    + "SET SESSION time_zone = '+00:00';\nSET SESSION binlog_format = 'STATEMENT';\n"
                    : "-- on " + r.host() + " only:\nSET SESSION time_zone = '+00:00';\nSET SESSION sql_log_bin = 0;\n");
            r.statements().forEach(s -> b.append(s).append(";\n"));
        }
        b.append(r.executed() ? "-- executed" + (r.stillDiffer().isEmpty() ? "; every chunk now matches" : "")
                : r.statements().isEmpty() ? "-- nothing to change" : "-- dry run: nothing executed (--execute runs it)")
                .append('\n');
        r.notes().forEach(n -> b.append("-- note: ").append(n).append('\n'));
        return b.toString();
    }

    static String json(SyncResult r) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = m.createObjectNode();
        o.put("table", r.table());
        o.put("host", r.host());
        o.put("writer", r.writer());
        o.put("mode", r.mode() == SyncMode.VIA_WRITER ? "via-writer" : "direct");
        o.put("chunks", r.chunks());
        o.put("missing", r.missing());
        o.put("changed", r.changed());
        o.put("extra", r.extra());
        r.statements().forEach(o.putArray("statements")::add);
        o.put("executed", r.executed());
        r.stillDiffer().forEach(o.putArray("still_differ")::add);
        r.notes().forEach(o.putArray("notes")::add);
        o.put("exit_code", r.exitCode());
        return m.writeValueAsString(o) + "\n";
    }
}
