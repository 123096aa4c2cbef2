package io.ringmaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.sandbox.BackupVerifier;
import io.ringmaster.tools.backup.BackupException;
import io.ringmaster.tools.backup.BackupTaker;
import io.ringmaster.tools.backup.Manifest;
import io.ringmaster.tools.backup.Repository;
import io.ringmaster.tools.backup.Restorer;
import io.ringmaster.tools.backup.Retention;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup}, {@code backup delete}, {@code backup verify}, {@code backups}, {@code restore}. */
final class BackupCommands {
    private static final Logger LOG = LoggerFactory.getLogger("backup");
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private BackupCommands() {}

    static CliException fail(BackupException e) {
        return new CliException(e.exitCode(), e.getMessage());
    }

    static Repository repository(RingmasterConfig cfg) {
        try {
            return new Repository(cfg.backup().requireRepository());
        } catch (IllegalStateException e) {
            throw new CliException(CliException.USAGE, e.getMessage());
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, subcommandsRepeatable = false,
            subcommands = {Delete.class, Verify.class},
            description = {"Take a backup into backup.repository: mariadb-backup streamed by the host's agent "
                    + "(--parallel), compressed with zstd here, SHA-256 of what is stored, GTID position and LSNs in "
                    + "its manifest; from backup.from, else a replica, else the passive master (never the writer "
                    + "unless --host names it). --incremental builds on the newest backup of that host "
                    + "(--incremental-lsn = its to_lsn); --logical (or a server no mariadb-backup matches) uses "
                    + "mariadb-dump --single-transaction --gtid. A failed backup leaves nothing listed."},
            footer = {"", "Exit code: 0 done, 1 refused or failed, 2 bad argument, 3 unknown host, 4 agent "
                    + "unreachable."})
    static final class Take implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--host", paramLabel = "HOST", description = "Take it from HOST (even the writer).")
        String host;
        @Option(names = "--incremental", description = "Only the pages changed since the newest backup of the host.")
        boolean incremental;
        @Option(names = "--logical", description = "mariadb-dump instead of mariadb-backup.")
        boolean logical;
        @Option(names = "--parallel", defaultValue = "2", paramLabel = "N",
                description = "mariadb-backup --parallel (default ${DEFAULT-VALUE}).")
        int parallel;
        @Option(names = "--json", description = "Print the manifest as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            RingmasterConfig cfg = config.load();
            repository(cfg);
            try {
                Manifest m = new BackupTaker(cfg, System.err::println, Clock.systemUTC()).take(
                        new BackupTaker.Options(Optional.ofNullable(host), incremental, logical, parallel));
                System.out.println(json ? m.toJson() : m.id());
                return 0;
            } catch (BackupException e) {
                throw fail(e);
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = {"Delete backup ID from the "
            + "repository; refused while an incremental backup builds on it, or when it is the last verified full "
            + "backup."})
    static final class Delete implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            Repository repo = repository(config.load());
            List<Manifest> all = repo.list();
            Manifest m = all.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new CliException(
                    CliException.UNKNOWN, "backup '" + id + "' does not exist in " + repo.backups()));
            Optional<String> refusal = Retention.deletionRefusal(all, m);
            if (refusal.isPresent()) {
                throw new CliException(CliException.FAILED, refusal.get());
            }
            LOG.info("deleting backup {} from {} (ringmaster backup delete)", id, repo.backups());
            repo.delete(id);
            System.out.println("backup " + id + " deleted");
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = {"Prove backup ID by restoring it: "
            + "the stored files against their SHA-256, then unpacked, prepared and started as a throwaway local "
            + "mariadbd that replicates from the backup's source host from the backup's GTID position, and "
            + "compared with the writer table by table, chunk by chunk, at common GTID positions (ringmaster "
            + "checksum). The verdict and its time go into the manifest; the throwaway server is removed."},
            footer = {"", "Exit code: 0 verified, 1 failed (the verdict says why), 3 unknown id."})
    static final class Verify implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
                description = "The throwaway server's port on 127.0.0.1 (default: a free one).")
        int port;
        @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the throwaway server lives.")
        java.nio.file.Path work;
        @Option(names = "--json", description = "Print the manifest as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            RingmasterConfig cfg = config.load();
            repository(cfg);
            try {
                Manifest m = new BackupVerifier(cfg, System.err::println, Clock.systemUTC()).verify(id, port, work);
                System.out.println(json ? m.toJson() : "verify " + id + ": " + m.verification().status() + ": "
                        + m.verification().message());
                return m.verification().ok() ? 0 : CliException.FAILED;
            } catch (BackupException e) {
                throw fail(e);
            }
        }
    }

    @Command(name = "backups", mixinStandardHelpOptions = true, description = {"List the backups of "
            + "backup.repository: id, kind, host, time, size, GTID position, verified (yes, no, failed) and when."})
    static final class ListBackups implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--json", description = "Print the manifests as a JSON array.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Repository repo = repository(config.load());
            List<Manifest> all = repo.list();
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                all.forEach(m -> a.add(JSON.valueToTree(m)));
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
                return 0;
            }
            System.out.printf(Locale.ROOT, "%-36s %-11s %-8s %-20s %10s  %-24s %s%n", "ID", "KIND", "HOST",
                    "STARTED", "STORED", "GTID", "VERIFIED");
            for (Manifest m : all) {
                Manifest.Verification v = m.verification();
                String verified = switch (v.status()) {
                    case "ok" -> "yes " + v.at();
                    case "failed" -> "failed " + v.at() + ": " + v.message();
                    default -> "no";
                };
                System.out.printf(Locale.ROOT, "%-36s %-11s %-8s %-20s %8.1f MB  %-24s %s%n", m.id(), m.kind(),
                        m.host(), m.started().toString().replaceFirst("\\.\\d+Z$", "Z"), m.storedBytes() / 1e6,
                        m.gtidPosition().isEmpty() ? "-" : m.gtidPosition(), verified);
            }
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = {"Restore backup ID (its full base "
            + "and every incremental up to it) onto HOST through HOST's agent, as clone does: the stored files are "
            + "checked against their SHA-256 first; the backup is unpacked and prepared beside the data directory, "
            + "the server stopped, its old data directory moved aside (kept, never deleted), the restored one put "
            + "in place and started, standalone and read_only at the backup's GTID position (out of every role: "
            + "the monitor, when it answers, sets HOST offline first). --rejoin then replicates from HOST's "
            + "configured source. Refused with one line: onto the writer, an unknown id, a checksum mismatch."},
            footer = {"", "Exit code: 0 done, 1 refused or failed, 3 unknown host or id, 4 agent unreachable."})
    static final class Restore implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--to", required = true, paramLabel = "HOST", description = "The host whose data is replaced.")
        String to;
        @Option(names = "--rejoin", description = "Replicate from HOST's configured source afterwards.")
        boolean rejoin;
        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;
        @Option(names = "--until-gtid", paramLabel = "GTID", description = "Then apply the binlog archive up to "
                + "exactly GTID (its transaction included).")
        String untilGtid;
        @Option(names = "--until-time", paramLabel = "TIME", description = "Then apply the binlog archive up to the "
                + "last transaction committed at or before TIME (2026-12-02T14:03:00Z or '2026-12-02 14:03' local).")
        String untilTime;

        @Override
        public Integer call() throws Exception {
            RingmasterConfig cfg = config.load();
            repository(cfg);
            CloneCommand.Runner.refuseWriter(cfg, to);
            Restorer restorer = new Restorer(cfg, System.err::println);
            Restorer.BinlogReplay pitr = PitrReplay.of(cfg, untilGtid, untilTime);
            try {
                var parts = restorer.check(id, to);
                if (pitr instanceof PitrReplay p) {
                    p.check(parts.get(parts.size() - 1)); // refused before anything changes
                }
                setOffline(cfg, to);
                Restorer.Result r = restorer.restore(new Restorer.Options(id, to, rejoin, "ringmaster restore " + id
                        + " --to " + to + (rejoin ? " --rejoin" : "")), pitr);
                if (json) {
                    ObjectNode n = JSON.valueToTree(r);
                    n.put("elapsed_ms", r.elapsed().toMillis());
                    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
                } else {
                    System.out.printf(Locale.ROOT, "restore of %s onto %s done in %.1f s: GTID %s, %s; old data "
                                    + "directory kept at %s%n", id, to, r.elapsed().toMillis() / 1000.0, r.gtid(),
                            r.rejoined() ? "replicating from its source" : "standalone and read_only", r.oldDir());
                }
                return 0;
            } catch (BackupException e) {
                throw fail(e);
            }
        }

        /** Takes HOST out of every role through the monitor, when one answers. */
        private static void setOffline(RingmasterConfig cfg, String host) {
            try {
                String msg = new ApiClient(cfg).post("hosts/" + java.net.URLEncoder.encode(host,
                        java.nio.charset.StandardCharsets.UTF_8) + "/set-offline").path("message").asText();
                LOG.info("restore: {} set offline through the monitor ({})", host, msg);
            } catch (CliException e) {
                if (e.exitCode() != CliException.UNREACHABLE) {
                    throw e;
                }
                LOG.info("restore: the monitor does not answer; {} is not in its roles while it is restored", host);
            }
        }
    }
}
