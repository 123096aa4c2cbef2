package io.ringmaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.tools.archive.ArchiveIndex;
import io.ringmaster.tools.archive.BinlogFind;
import io.ringmaster.tools.archive.BinlogReplay;
import io.ringmaster.tools.archive.BinlogTransaction;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster binlog find | replay}: search the binlog archive, and point-in-time recovery from it. */
@Command(name = "binlog", description = "Search the binlog archive; replay it onto a server (point-in-time recovery).",
        subcommands = {BinlogCommand.Find.class, BinlogCommand.Replay.class})
final class BinlogCommand {
    private BinlogCommand() {}

    private static ArchiveIndex archive(RingmasterConfig cfg) {
        if (!cfg.backup().enabled()) {
            throw new CliException(2, "backup.repository: not configured (the archive lives there)");
        }
        return new ArchiveIndex(cfg.backup().requireRepository());
    }

    private static Instant time(String option, String text) {
        try {
            return BinlogFind.parseTime(text, ZoneId.systemDefault());
        } catch (IllegalArgumentException e) {
            throw new CliException(2, option + ": " + e.getMessage());
        }
    }

    @Command(name = "find", description = {
            "The archived transactions that touched a table between --since and --before: GTID, commit time (UTC),",
            "what they did (row events with row counts, or the statement), and the GTID just before each one, which",
            "is the --until-gtid that restores the data as it was right before it."})
    static final class Find implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--table", required = true, paramLabel = "DB.TABLE") String table;
        @Option(names = "--before", paramLabel = "TIME", description = "End of the window (default: now); "
                + "2026-12-02T14:05:00Z or '2026-12-02 14:05' (local time).") String before;
        @Option(names = "--since", paramLabel = "TIME", description = "Start of the window (default: --before - 1h).")
        String since;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            if (!table.matches("[^.\\s]+\\.[^.\\s]+")) {
                throw new CliException(2, "--table: '" + table + "' is not DB.TABLE");
            }
            RingmasterConfig cfg = config.load();
            Instant to = before == null ? Instant.now() : time("--before", before);
            Instant from = since == null ? to.minus(Duration.ofHours(1)) : time("--since", since);
            List<BinlogFind.Hit> hits = new BinlogFind(archive(cfg)).find(table, from, to);
            if (json) {
                System.out.println(new ObjectMapper().findAndRegisterModules()
                        .enable(SerializationFeature.INDENT_OUTPUT).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .writeValueAsString(hits.stream().map(h -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("gtid", h.gtid().toString());
                            m.put("time", h.time().toString());
                            m.put("changes", h.changes());
                            m.put("before", h.before());
                            m.put("file", h.file());
                            return m;
                        }).toList()));
            } else {
                System.out.printf("%-16s %-20s %-16s %s%n", "GTID", "COMMITTED (UTC)", "UNTIL-GTID BEFORE", "CHANGES");
                for (BinlogFind.Hit h : hits) {
                    System.out.printf("%-16s %-20s %-16s %s%n", h.gtid(), h.time(), h.before(),
                            h.changes().stream().map(BinlogCommand::describe).collect(Collectors.joining("; ")));
                }
                System.out.println(hits.size() + " transaction(s) touched " + table + " between " + from + " and " + to);
            }
            return 0;
        }
    }

    static String describe(BinlogTransaction.Change c) {
        return c.rows() >= 0 ? c.kind() + " " + c.rows() + " row(s)" : c.kind() + ": " + c.statement();
    }

    @Command(name = "replay", description = {
            "Apply the archive to HOST, which must be standalone at a known GTID position (a restored backup, a",
            "detached replica), up to exactly --until-gtid (that transaction included) or the last transaction",
            "committed at or before --until-time. Runs mariadb-binlog on the archived files here and pipes them into",
            "the mariadb client connected to HOST as --user (default: the monitor account; it needs the privileges of",
            "every replayed statement, BINLOG REPLAY, and READ ONLY ADMIN on a read_only host). A target the archive",
            "does not cover is refused with the covered range (exit 1), before anything is applied."})
    static final class Replay implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--to", required = true, paramLabel = "HOST", description = "A configured host, or "
                + "ADDRESS:PORT of a scratch server outside the topology.") String to;
        @Option(names = "--from-gtid", paramLabel = "POS",
                description = "HOST's position now (default: its gtid_binlog_pos).") String fromGtid;
        @Option(names = "--until-gtid", paramLabel = "GTID") String untilGtid;
        @Option(names = "--until-time", paramLabel = "TIME") String untilTime;
        @Option(names = "--user", paramLabel = "USER") String user;
        @Option(names = "--password-env", paramLabel = "VAR") String passwordEnv;
        @Option(names = "--dry-run", description = "Only say where it would stop.") boolean dryRun;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600") long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            RingmasterConfig cfg = config.load();
            if ((untilGtid == null) == (untilTime == null)) {
                throw new CliException(2, "give exactly one of --until-gtid and --until-time");
            }
            HostConfig host = target(cfg, to);
            Credentials account = user == null ? cfg.monitorUser() : new Credentials(user, passwordEnv == null
                    ? Secret.empty() : Secret.of(System.getenv().getOrDefault(passwordEnv, "")));
            BinlogReplay.Until until;
            try {
                until = untilGtid != null ? BinlogReplay.Until.gtid(single(untilGtid))
                        : BinlogReplay.Until.time(time("--until-time", untilTime));
            } catch (IllegalArgumentException e) {
                throw new CliException(2, "--until-gtid: " + e.getMessage());
            }
            BinlogReplay replay = new BinlogReplay(archive(cfg), Duration.ofSeconds(timeoutSeconds));
            try {
                GtidPosition from = fromGtid != null ? GtidPosition.parse(fromGtid)
                        : BinlogReplay.position(host, account);
                if (dryRun) {
                    var p = replay.resolve(from, until);
                    System.out.println("would replay onto " + to + " from " + from + " to " + p.state() + " (last "
                            + p.gtid() + " committed " + p.time() + ")");
                    return 0;
                }
                BinlogReplay.Result r = replay.replay(host, account, from, until, System.out::println);
                System.out.println("replayed " + r.transactions() + " transaction(s) from " + r.files()
                        + " file(s) onto " + to + " in " + r.elapsed().toMillis() + " ms; " + to + " is at "
                        + r.reached() + " (last " + r.last().gtid() + ", committed " + r.last().time() + ")");
                return 0;
            } catch (BinlogReplay.ReplayException e) {
                throw new CliException(1, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException(2, "--from-gtid: " + e.getMessage());
            }
        }

        private static HostConfig target(RingmasterConfig cfg, String to) {
            var named = cfg.hosts().stream().filter(h -> h.name().equals(to)).findFirst();
            if (named.isPresent()) {
                return named.get();
            }
            int colon = to.lastIndexOf(':');
            if (colon > 0 && to.substring(colon + 1).matches("\\d{1,5}")) {
                return new HostConfig(to, to.substring(0, colon), Integer.parseInt(to.substring(colon + 1)),
                        io.ringmaster.core.model.HostMode.REPLICA, java.util.Optional.empty());
            }
            throw new CliException(2, "--to: '" + to + "' is neither a configured host nor ADDRESS:PORT");
        }

        private static GtidPosition.Gtid single(String text) {
            List<GtidPosition.Gtid> g = GtidPosition.parse(text).gtids();
            if (g.size() != 1) {
                throw new IllegalArgumentException("'" + text + "' is not one GTID (domain-server-seq)");
            }
            return g.get(0);
        }
    }
}
