package io.ringmaster.cli;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.lint.Lint;
import io.ringmaster.tools.lint.LintReportFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster lint}: the gotchas of a running topology, per host, each with the exact fix. */
@Command(name = "lint", mixinStandardHelpOptions = true, description = "Check the live servers for what breaks "
        + "multi-master replication later: log_slave_updates, server_id, gtid_domain_id, auto_increment collisions, "
        + "read_only off on a passive master or replica, binlog format and row image, gtid_strict_mode, semi-sync (off, "
        + "or falling back to async), slave_net_timeout and the heartbeat against the detection time, replication "
        + "filters, non-InnoDB tables, tables without a primary key, differing server versions, clocks more than 1 s "
        + "apart. Each finding names the host and the exact fix. Only reads (as the monitor account). The monitor runs "
        + "the same checks every monitor.lint_period and shows them as LintViolation findings.",
        footer = {"", "Exit code: a bit mask (0: clean):",
                "  1 a host could not be read, 2 bad usage or configuration (alone),",
                "  4 unsafe replication settings, 8 auto-increment collisions possible,",
                "  16 binary log or semi-sync unsuitable, 32 failure detection too slow,",
                "  64 unsafe tables, 128 hosts differ (versions, clocks)."})
final class LintCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--writer", paramLabel = "HOST",
            description = "The writer (default: the one master with read_only=OFF, the preferred one among several).")
    String writer;
    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "Bound on reading each host (default ${DEFAULT-VALUE}).")
    String timeout;
    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        if (writer != null && cfg.findHost(writer).isEmpty()) {
            throw new CliException(2, "--writer: '" + writer + "' is not a host of the configuration");
        }
        Lint.Report r = Lint.run(cfg, Optional.ofNullable(writer), ChecksumCommand.duration("--timeout", timeout));
        System.out.print(json ? LintReportFormat.json(r) : LintReportFormat.text(r));
        System.out.flush();
        return r.exitCode();
    }
}
