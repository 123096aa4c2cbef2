package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster clone --from DONOR --to HOST}: the target's agent copies the donor's data through the donor's
 * agent, and the CLI shows the progress until the job ends. The CLI talks only to agents (and, to refuse a clone
 * onto the writer, to the monitor when it runs).
 */
@Command(name = "clone", mixinStandardHelpOptions = true, description = {
        "Replace HOST's data with a hot copy of DONOR's: DONOR's agent streams mariadb-backup --backup "
                + "--stream=mbstream (with --safe-slave-backup on a replica) to HOST's agent, which unpacks and prepares it "
                + "beside the data directory, stops the server, moves the old data directory aside, puts the copy in place, "
                + "starts the server and replicates from its configured source from the copy's GTID position; the old data "
                + "directory is deleted once replication runs (after the command returns), and put back if anything fails. Without a mariadb-backup "
                + "matching DONOR's server, a logical copy (mariadb-dump) is loaded instead, and the command says so. "
                + "Refused with one line: onto the writer, versions differ in major.minor, a host busy, no room."},
        footer = {"", "Exit code: 0 done, 1 refused or failed (HOST is as it was), 3 unknown host, 4 agent unreachable."})
final class CloneCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("clone");
    static final ObjectMapper JSON = new ObjectMapper();

    @Mixin ConfigOption config;
    @Option(names = "--from", required = true, paramLabel = "DONOR", description = "The host copied from.")
    String from;
    @Option(names = "--to", required = true, paramLabel = "HOST", description = "The host whose data is replaced.")
    String to;
    @Option(names = "--max-rate", paramLabel = "MB/s", defaultValue = "0",
            description = "Throttle the stream to this many MB/s (default: unlimited).")
    double maxRate;
    @Option(names = "--logical", description = "Copy with mariadb-dump even when mariadb-backup matches.")
    boolean logical;
    @Option(names = "--timeout", defaultValue = "2h", paramLabel = "DURATION",
            description = "Give up waiting for the job after this long (default ${DEFAULT-VALUE}; the job goes on).")
    String timeout;
    @Option(names = "--json", description = "Print the final summary as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        Runner.refuseWriter(cfg, to);
        JsonNode result = new Runner(cfg, System.err).clone(from, to, maxRate, logical,
                ChecksumCommand.duration("--timeout", timeout), "ringmaster clone --from " + from + " --to " + to);
        System.out.println(json ? ApiClient.pretty(result) : Runner.summary(result));
        return 0;
    }

    /** Starts a clone on the target's agent and follows it; shared with {@code rebuild}. */
    static final class Runner {
        /** How often the job is asked for (a local GET; the CLI returns at most this long after the job ends). */
        static final Duration POLL = Duration.ofMillis(100);
        private final RingmasterConfig cfg;
        private final PrintStream progress;

        Runner(RingmasterConfig cfg, PrintStream progress) {
            this.cfg = cfg;
            this.progress = progress;
        }

        static AgentClient agent(RingmasterConfig cfg, String host, String option) {
            if (cfg.findHost(host).isEmpty()) {
                throw new CliException(CliException.UNKNOWN, option + ": '" + host + "' is not a host of "
                        + (cfg.source() == null ? "the configuration" : cfg.source()));
            }
            AgentConfig a = cfg.agents().agent(host).orElseThrow(() -> new CliException(CliException.USAGE,
                    option + ": " + host + " has no agent under agents.hosts"));
            return new AgentClient(cfg.agents(), a);
        }

        /** Refuses when the monitor (if it answers) says {@code host} holds the writer role. */
        static void refuseWriter(RingmasterConfig cfg, String host) {
            try {
                JsonNode s = new ApiClient(cfg).get("status");
                if (host.equals(s.path("writer").asText(null))) {
                    throw new CliException(CliException.FAILED, "refused: " + host + " is the writer; move the "
                            + "writer role away first (ringmaster move-role writer HOST)");
                }
            } catch (CliException e) {
                if (e.exitCode() != CliException.UNREACHABLE) {
                    throw e;
                }
                LOG.info("the monitor does not answer; {}'s agent checks read_only itself", host);
            }
        }

        /**
         * Runs the clone to its end.
         *
         * @return the job's final view
         * @throws CliException when refused (exit 1), an agent is unreachable (4) or the job failed (1)
         */
        JsonNode clone(String from, String to, double maxRate, boolean logical, Duration timeout, String reason)
                throws InterruptedException {
            agent(cfg, from, "--from");
            AgentClient target = agent(cfg, to, "--to");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("from", from);
            body.put("max_rate", maxRate);
            body.put("logical", logical);
            body.put("reason", reason);
            JsonNode started;
            try {
                started = target.post("clone/start", body, Duration.ofSeconds(60));
            } catch (AgentException e) {
                throw fail(e);
            }
            LOG.info("clone {} of {} from {}: {} ({})", started.path("id").asText(), to, from,
                    started.path("note").asText(), reason);
            String id = started.path("id").asText();
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean tty = System.console() != null;
            long lastPrint = 0;
            int unreachable = 0;
            while (true) {
                Thread.sleep(POLL.toMillis());
                JsonNode job;
                try {
                    job = target.get("clone/job");
                    unreachable = 0;
                } catch (AgentException e) {
                    if (e.unreachable() && ++unreachable < 100) {
                        continue;
                    }
                    if (tty) {
                        progress.println();
                    }
                    throw new CliException(e.unreachable() ? CliException.UNREACHABLE : CliException.FAILED,
                            "clone " + id + ": " + e.getMessage() + " (on its next start the agent of " + to
                                    + " puts its old data directory back)");
                }
                if (!id.equals(job.path("id").asText())) {
                    throw new CliException(CliException.FAILED, "clone " + id + ": the agent of " + to
                            + " no longer knows it (it restarted; on start it puts a half-done clone back)");
                }
                String state = job.path("state").asText();
                if (!"running".equals(state)) {
                    if (tty) {
                        progress.print("\r" + line(job) + "\n");
                    }
                    if ("failed".equals(state)) {
                        throw new CliException(CliException.FAILED, "clone " + id + " of " + to + " from " + from
                                + " failed: " + job.path("error").asText());
                    }
                    return job;
                }
                if (tty) {
                    progress.print("\r" + line(job) + "   ");
                    progress.flush();
                } else if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                    progress.println(line(job));
                    lastPrint = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(CliException.FAILED, "clone " + id + " still runs after " + timeout
                            + "; follow it with GET /api/v1/clone/job on the agent of " + to);
                }
            }
        }

        private static CliException fail(AgentException e) {
            int code = e.unreachable() ? CliException.UNREACHABLE
                    : e.status() == 404 ? CliException.UNKNOWN : CliException.FAILED;
            return new CliException(code, e.getMessage().replaceFirst("^agent of [^:]+: ", ""));
        }

        /** One progress line: phase, bytes, MB/s, ETA. */
        static String line(JsonNode j) {
            double mb = j.path("bytes").asLong() / 1e6;
            double total = j.path("donor_bytes").asLong() / 1e6;
            String eta = j.path("eta_s").isNumber() ? ", ETA " + j.path("eta_s").asLong() + " s" : "";
            return String.format(Locale.ROOT, "clone %s <- %s: %s, %.1f of ~%.1f MB, %.1f MB/s%s",
                    j.path("host").asText(), j.path("donor").asText(), j.path("phase").asText(), mb, total,
                    j.path("mb_per_s").asDouble(), eta);
        }

        static String summary(JsonNode j) {
            return String.format(Locale.ROOT, "clone of %s from %s done in %.1f s: %.1f MB at %.1f MB/s (%s); %s",
                    j.path("host").asText(), j.path("donor").asText(), j.path("elapsed_ms").asLong() / 1000.0,
                    j.path("bytes").asLong() / 1e6, j.path("mb_per_s").asDouble(), j.path("copy").asText(),
                    j.path("message").asText());
        }
    }
}
