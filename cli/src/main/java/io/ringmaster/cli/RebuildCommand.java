package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.clone.DonorChoice;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.tools.checksum.Checksum;
import io.ringmaster.tools.checksum.ChecksumException;
import io.ringmaster.tools.checksum.ChecksumOptions;
import io.ringmaster.tools.checksum.ChecksumReport;
import io.ringmaster.tools.checksum.ChecksumResult;
import io.ringmaster.tools.checksum.HashFunction;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ringmaster rebuild HOST [--from DONOR]}: the fix for a diverged host or one with errant GTIDs. Takes HOST out
 * of every role (set-offline), clones it from a donor it picks itself ({@link DonorChoice}: an ONLINE up-to-date
 * replica, else the passive master, never the writer unless {@code --from} names it), waits until it caught up
 * with the writer, checksums it against the writer, and sets it ONLINE only when the checksum is clean.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true, description = {
        "Rebuild a diverged host (or one with errant GTIDs): set it offline, clone it from a donor (an ONLINE "
                + "up-to-date replica, else the passive master; the writer only when named with --from), wait until it "
                + "caught up with the writer, checksum it against the writer, and set it ONLINE only when every chunk "
                + "matches; otherwise it stays out of every role and the command says why (exit 1). Needs the monitor."},
        footer = {"", "Exit code: 0 rebuilt and ONLINE, 1 refused or not clean (HOST stays offline), 3 unknown host, "
                + "4 monitor or agent unreachable."})
final class RebuildCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("rebuild");

    @Mixin ConfigOption config;
    @Parameters(paramLabel = "HOST", description = "The host to rebuild.")
    String host;
    @Option(names = "--from", paramLabel = "DONOR", description = "Copy from this host (may be the writer).")
    String from;
    @Option(names = "--max-rate", paramLabel = "MB/s", defaultValue = "0",
            description = "Throttle the stream to this many MB/s (default: unlimited).")
    double maxRate;
    @Option(names = "--max-lag", defaultValue = "5", paramLabel = "SECONDS",
            description = "Largest lag of a replica chosen as donor (default ${DEFAULT-VALUE}).")
    double maxLag;
    @Option(names = "--catch-up-timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "Bound on HOST catching up with the writer after the clone (default ${DEFAULT-VALUE}).")
    String catchUpTimeout;
    @Option(names = "--json", description = "Print the final summary as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        HostConfig target = cfg.findHost(host).orElseThrow(() -> new CliException(CliException.UNKNOWN,
                "HOST: '" + host + "' is not a host of " + (cfg.source() == null ? "the configuration" : cfg.source())));
        ApiClient api = new ApiClient(cfg);
        JsonNode status = api.get("status");
        String writer = status.path("writer").isTextual() ? status.path("writer").asText() : null;
        if (host.equals(writer)) {
            throw new CliException(CliException.FAILED, "refused: " + host + " is the writer; move the writer role "
                    + "away first (ringmaster move-role writer HOST), then rebuild it");
        }
        if (writer == null) {
            throw new CliException(CliException.FAILED, "refused: the cluster has no writer to catch up with and "
                    + "checksum against");
        }
        DonorChoice.Choice choice = DonorChoice.choose(candidates(status), host, writer, from, maxLag);
        // a monitor that just started (or just saw a new writer) has not measured lag yet: its heartbeat needs two
        // rounds to be written and read back. Wait for that rather than fall back to the passive master or refuse.
        Duration checkPeriod = cfg.monitor().checkPeriod();
        long lagDeadline = System.nanoTime() + Math.max(5_000, checkPeriod.multipliedBy(5).toMillis()) * 1_000_000L;
        while (from == null && awaitsLag(choice, status, host) && System.nanoTime() < lagDeadline) {
            LOG.info("rebuild {}: the monitor has not measured the lag of an ONLINE replica yet; asking again in {} ms",
                    host, checkPeriod.toMillis());
            Thread.sleep(checkPeriod.toMillis());
            status = api.get("status");
            choice = DonorChoice.choose(candidates(status), host, writer, from, maxLag);
        }
        if (choice.donor().isEmpty()) {
            throw new CliException(CliException.FAILED, "no donor for " + host + ": " + choice.reason());
        }
        String donor = choice.donor().get();
        LOG.info("rebuild {}: donor {}", host, choice.reason());
        LOG.info("rebuild {}: set-offline ({} is replaced; it stays out of every role until a clean checksum)",
                host, host);
        try {
            LOG.info("rebuild {}: {}", host, api.post("hosts/" + host + "/set-offline").path("message").asText());
        } catch (CliException e) {
            LOG.warn("rebuild {}: set-offline answered: {}", host, e.getMessage());
        }
        JsonNode job = new CloneCommand.Runner(cfg, System.err).clone(donor, host, maxRate, false,
                Duration.ofHours(2), "ringmaster rebuild " + host + " (donor " + choice.reason() + ")");
        LOG.info("rebuild {}: {}", host, CloneCommand.Runner.summary(job));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host);
        out.put("donor", donor);
        out.put("donor_reason", choice.reason());
        out.put("clone", job);
        String verdict = verify(cfg, target, cfg.host(writer), out);
        out.put("ok", verdict.isEmpty());
        if (!verdict.isEmpty()) {
            out.put("error", verdict);
            if (json) {
                System.out.println(ApiClient.pretty(CloneCommand.JSON.valueToTree(out)));
            }
            throw new CliException(CliException.FAILED, "rebuild of " + host + ": " + verdict + "; " + host
                    + " stays offline (out of every role)");
        }
        out.put("rejoined", rejoinDependents(cfg, target));
        LOG.info("rebuild {}: checksum clean against {}; set-online", host, writer);
        String online = setOnline(api, host, cfg.monitor().checkPeriod());
        out.put("online", online);
        System.out.println(json ? ApiClient.pretty(CloneCommand.JSON.valueToTree(out))
                : "rebuild of " + host + " from " + donor + " done: caught up with " + writer
                + ", checksum clean, " + online);
        return 0;
    }

    /**
     * {@code set-online HOST} once the clone's restart of its server can no longer undo it. The monitor probes the
     * host at the command and takes that as its baseline, so the clone's restart is not counted; still, set-online
     * is asked again every 0.25 s while refused because the server does not answer yet ("fails its ... check"), and
     * again if the host drops to AWAITING_RECOVERY (a monitor without that probe, or a restart it saw late: both were
     * seen in RebuildIT once the clone got faster). The host must stay ONLINE for 3 check periods (at least 3 s);
     * everything is bounded by 10 check periods + 10 s; any other refusal fails at once.
     */
    static String setOnline(ApiClient api, String host, Duration checkPeriod) throws InterruptedException {
        Duration settle = checkPeriod.multipliedBy(3).compareTo(Duration.ofSeconds(3)) < 0 ? Duration.ofSeconds(3)
                : checkPeriod.multipliedBy(3);
        long deadline = System.nanoTime() + checkPeriod.multipliedBy(10).plusSeconds(10).toNanos();
        String message = null;
        long settled = 0;
        while (true) {
            if (message == null) {
                try {
                    message = api.post("hosts/" + host + "/set-online").path("message").asText();
                    settled = System.nanoTime() + settle.toNanos();
                } catch (CliException e) {
                    if (!e.getMessage().contains("fails its") || System.nanoTime() > deadline) {
                        throw e;
                    }
                    LOG.debug("rebuild {}: set-online refused for now ({}); asking again", host, e.getMessage());
                }
            } else {
                String state = "";
                for (JsonNode h : api.get("status").path("hosts")) {
                    if (host.equals(h.path("name").asText())) {
                        state = h.path("state").asText();
                    }
                }
                if ("AWAITING_RECOVERY".equals(state) && System.nanoTime() < deadline) {
                    LOG.info("rebuild {}: the monitor saw the clone's restart of the server only now "
                            + "(AWAITING_RECOVERY); set-online again", host);
                    message = null;
                    continue;
                }
                if (System.nanoTime() > settled) {
                    return message;
                }
            }
            Thread.sleep(250);
        }
    }

    /** Catch-up, then the checksum; "" when clean, else why not. */
    private String verify(RingmasterConfig cfg, HostConfig target, HostConfig writer, Map<String, Object> out)
            throws InterruptedException {
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, cfg.monitorUser(), cfg.replicationUser(),
                cfg.monitor().actionTimeout());
        Duration wait = ChecksumCommand.duration("--catch-up-timeout", catchUpTimeout);
        try {
            GtidPosition pos = sql.binlogPosition(writer);
            LOG.info("rebuild {}: waiting up to {} s for {}'s position {}", target.name(), wait.toSeconds(),
                    writer.name(), pos);
            if (!sql.waitForGtid(target, pos, wait, "rebuild: catch up with the writer before the checksum")) {
                return "did not catch up with " + writer.name() + "'s " + pos + " within " + wait.toSeconds() + " s";
            }
        } catch (SQLException e) {
            return "catch-up with " + writer.name() + " failed: " + e.getMessage();
        }
        ChecksumOptions options = new ChecksumOptions(Set.of(), Set.of(), Set.of(), Set.of(), List.of(target.name()),
                Optional.of(writer.name()), Duration.ofMillis(500), 1000, 1_000_000, 10_000,
                HashFunction.parse("crc32"), OptionalInt.empty(), 2, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(5), 25, Duration.ofMinutes(10), false, cfg.monitor().heartbeatSchema());
        try {
            ChecksumResult r = new Checksum(cfg, options, m -> LOG.info("checksum: {}", m), (c, rows) -> { },
                    Clock.systemUTC()).run();
            out.put("checksum_exit", r.exitCode());
            out.put("differences", r.differences().size());
            if (r.exitCode() != 0) {
                System.err.print(ChecksumReport.text(r));
                return "checksum against " + writer.name() + " is not clean (exit code " + r.exitCode() + ", "
                        + r.differences().size() + " differing chunk(s))";
            }
            return "";
        } catch (ChecksumException e) {
            return "checksum against " + writer.name() + " failed: " + e.getMessage();
        }
    }

    /**
     * The hosts that replicate from the rebuilt host (its replicas; for a master, the master after it in the ring)
     * and do not run: its binary log now starts at the copy's position, so each one that already has everything
     * it holds is pointed at it from there (gtid_slave_pos = its gtid_binlog_pos); one that lacks part of it is
     * left as it is, with a line saying so (rebuild it too).
     *
     * @return what was done per host
     */
    private Map<String, String> rejoinDependents(RingmasterConfig cfg, HostConfig target) {
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, cfg.monitorUser(), cfg.replicationUser(),
                cfg.monitor().actionTimeout());
        Map<String, String> done = new LinkedHashMap<>();
        for (HostConfig h : cfg.hosts()) {
            boolean dependent = !h.name().equals(target.name()) && (h.isMaster()
                    ? cfg.ringUpstreamOf(h.name()).filter(u -> u.name().equals(target.name())).isPresent()
                    : h.master().filter(target.name()::equals).isPresent());
            if (!dependent) {
                continue;
            }
            try {
                var link = sql.replicaLink(h);
                if (link.isPresent() && link.get().threadsRunning()) {
                    done.put(h.name(), "replicating");
                    continue;
                }
                GtidPosition has = sql.currentPosition(h);
                GtidPosition serves = sql.binlogPosition(target);
                if (!has.contains(serves)) {
                    String why = h.name() + " lacks part of " + target.name() + "'s " + serves + " (it has " + has
                            + "): left as it is; rebuild it too (ringmaster rebuild " + h.name() + ")";
                    LOG.warn("rebuild {}: {}", target.name(), why);
                    done.put(h.name(), why);
                    continue;
                }
                String reason = "rebuild " + target.name() + ": its binary log starts again at " + serves + ", which "
                        + h.name() + " has applied";
                LOG.info("{}: STOP SLAVE; SET GLOBAL gtid_slave_pos = '{}' ({})", h.name(), serves, reason);
                sql.exec(h, sql.dialect().stopReplica(), "SET GLOBAL gtid_slave_pos = '" + serves + "'");
                sql.replicateFrom(h, target, reason);
                done.put(h.name(), "replicates from " + target.name() + " from " + serves);
            } catch (SQLException e) {
                LOG.warn("rebuild {}: {} not rejoined: {}", target.name(), h.name(), e.getMessage());
                done.put(h.name(), "not rejoined: " + e.getMessage());
            }
        }
        return done;
    }

    /**
     * True when the choice is not a replica (a passive master, or none) while some ONLINE replica that could be the
     * donor for {@code target} (not the target, not replicating from it) has no measured lag in the monitor's
     * status view: the choice may change once the monitor has measured it.
     */
    static boolean awaitsLag(DonorChoice.Choice choice, JsonNode status, String target) {
        List<DonorChoice.Candidate> all = candidates(status);
        boolean replicaChosen = choice.donor().map(d -> all.stream().anyMatch(c -> c.name().equals(d) && c.replica()))
                .orElse(false);
        return !replicaChosen && all.stream().anyMatch(c -> c.replica() && !c.name().equals(target)
                && !target.equals(c.source()) && "ONLINE".equals(c.state()) && c.lagSeconds() == null);
    }

    static List<DonorChoice.Candidate> candidates(JsonNode status) {
        List<DonorChoice.Candidate> out = new ArrayList<>();
        for (JsonNode h : status.path("hosts")) {
            out.add(new DonorChoice.Candidate(h.path("name").asText(), "replica".equals(h.path("mode").asText()),
                    h.path("state").asText("UNKNOWN"), h.path("source").isTextual() ? h.path("source").asText() : null,
                    h.path("lagSeconds").isNumber() ? h.path("lagSeconds").asDouble() : null));
        }
        return out;
    }
}
