package io.ringmaster.agent.clone;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.Agent;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.agent.AgentServer;
import io.ringmaster.agent.AgentServer.Refused;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.privilege.ServerVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's half of a clone: checks, then a job on its own thread, polled for progress.
 *
 * <pre>
 * POST /api/v1/clone/start  {"from": DONOR, "max_rate": MB/s (0: unlimited), "logical": bool, "reason": "..."}
 *                           200 {"ok": true, "id", "copy": "physical"|"logical", "note"} once the checks passed, or
 *                           409 {"ok": false, "error": one line} (onto the writer, versions differ, busy, no room)
 * GET  /api/v1/clone/job    the running or last job: {"id", "donor", "state": running|done|failed, "phase",
 *                           "bytes", "donor_bytes", "mb_per_s", "eta_s", "elapsed_ms", "gtid", "message", "error"}
 * </pre>
 * Thread-safe.
 */
final class TargetSide {
    private static final Logger log = LoggerFactory.getLogger(TargetSide.class);
    private final Agent agent;
    private final Busy busy;
    private final DonorSide donorSide;
    private final TargetServer server;
    private final AtomicReference<CloneJob> job = new AtomicReference<>();
    /** Bound on the donor's {@code clone/source} answer. */
    static final Duration SOURCE_TIMEOUT = Duration.ofSeconds(20);

    TargetSide(Agent agent, Busy busy, DonorSide donorSide) {
        this.agent = agent;
        this.busy = busy;
        this.donorSide = donorSide;
        this.server = new TargetServer(agent);
    }

    void install(AgentServer api) {
        api.route("POST", "clone/start", this::start);
        api.route("GET", "clone/job", r -> {
            CloneJob j = job.get();
            if (j == null) {
                throw new Refused(404, "no clone has run on " + agent.host().name() + " since its agent started");
            }
            return j.view();
        });
    }

    /** The status section {@code clone}. */
    Object statusView() {
        CloneJob j = job.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("busy", busy.current().orElse(""));
        out.put("job", j == null ? null : j.view());
        return out;
    }

    private Object start(AgentServer.Request r) throws Exception {
        JsonNode body = r.json();
        String from = body.path("from").asText("");
        if (from.isEmpty()) {
            throw new Refused(400, "from: missing (the donor host)");
        }
        HostConfig donorHost = agent.config().findHost(from)
                .orElseThrow(() -> new Refused(404, "from: '" + from + "' is not a host of the configuration"));
        AgentConfig donorAgent = agent.config().agents().agent(from)
                .orElseThrow(() -> new Refused(409, "from: " + from + " has no agent under agents.hosts"));
        Path dataDir = agent.agentConfig().dataDir().orElseThrow(() -> new Refused(409, "agents.hosts["
                + agent.host().name() + "].data_dir is not configured: no clone onto this host"));
        if (agent.agentConfig().stopCommand().isEmpty() || agent.agentConfig().startCommand().isEmpty()) {
            throw new Refused(409, "agents.hosts[" + agent.host().name() + "].stop and .start must be configured: "
                    + "a clone stops and starts the server");
        }
        double maxRate = body.path("max_rate").asDouble(0);
        String reason = body.path("reason").asText("clone requested through the agent API");
        AgentClient donor = new AgentClient(agent.config().agents(), donorAgent);
        JsonNode src;
        try {
            // the donor runs mariadb-backup --version, two queries and a walk of its data directory: more than the
            // lease-sized agents.timeout on a loaded host (2 s ran out in a benchmark at a load of 12-20 on 2 cores)
            src = donor.get("clone/source", SOURCE_TIMEOUT);
        } catch (AgentException e) {
            throw new Refused(e.unreachable() ? 502 : 409, "donor " + from + ": " + e.getMessage());
        }
        ServerVersion donorVersion = ServerVersion.parse(src.path("version").asText());
        boolean logical = body.path("logical").asBoolean(false) || !src.path("physical").asBoolean(false);
        String op = "clone from " + from;
        Optional<String> busyWith = busy.current();
        if (busyWith.isEmpty() && !src.path("busy").asText("").isEmpty()) {
            busyWith = Optional.of("its donor " + from + " is " + src.path("busy").asText());
        }
        long free = Files.getFileStore(Files.isDirectory(dataDir) ? dataDir : dataDir.getParent()).getUsableSpace();
        boolean mountPoint = Files.isDirectory(dataDir)
                && !Files.getFileStore(dataDir).equals(Files.getFileStore(dataDir.getParent()));
        CloneChecks.Facts facts = new CloneChecks.Facts(agent.host().name(), from, server.writable(),
                server.versionOrNull(), donorVersion, busyWith, free, src.path("data_bytes").asLong(), mountPoint);
        Optional<String> refusal = CloneChecks.refusal(facts);
        if (refusal.isPresent()) {
            log.warn("{}: clone from {} refused: {}", agent.host().name(), from, refusal.get());
            throw new Refused(409, refusal.get());
        }
        if (!busy.claim(op)) {
            throw new Refused(409, "refused: the agent of " + agent.host().name() + " is busy ("
                    + busy.current().orElse("?") + "); wait until it is done");
        }
        String id = agent.host().name() + "-" + TargetServer.stamp() + "-" + UUID.randomUUID().toString()
                .substring(0, 8);
        String note = logical ? (body.path("logical").asBoolean(false) ? "logical copy (--logical)"
                : "logical copy (mariadb-dump): " + src.path("tool").asText() + " does not match " + from
                + "'s server " + donorVersion) : "physical copy (mariadb-backup --backup --stream=mbstream)";
        CloneJob j = new CloneJob(id, agent, server, donor, donorHost, dataDir, maxRate, logical,
                src.path("data_bytes").asLong(), reason, note);
        job.set(j);
        log.info("{}: clone {} from {} starts: {} ({})", agent.host().name(), id, from, note, reason);
        Thread.ofPlatform().name("ringmaster-clone-" + id).daemon(true).start(() -> {
            try {
                Optional<Path> old = j.run();
                // reported done; the host stays busy while its old data directory is deleted
                String deleting = "deleting the old data directory of clone " + id;
                if (old.isPresent() && busy.relabel(op, deleting)) {
                    try {
                        j.deleteOldData(old.get());
                    } finally {
                        busy.release(deleting);
                    }
                }
            } finally {
                busy.release(op);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("id", id);
        out.put("copy", logical ? "logical" : "physical");
        out.put("note", note);
        return out;
    }

    /** The job in progress, for tests and for closing. */
    Optional<CloneJob> current() {
        return Optional.ofNullable(job.get());
    }

}
