package io.ringmaster.agent.clone;

import io.ringmaster.agent.Agent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clone and rebuild on the agent: the donor's stream ({@link DonorSide}), the target's job ({@link TargetSide}),
 * status section {@code clone}, and at start the undoing of a clone an earlier agent left half done. One operation
 * at a time per host (as donor or as target). Thread-safe.
 */
public final class ClonePart {
    private static final Logger log = LoggerFactory.getLogger(ClonePart.class);

    private ClonePart() {}

    /**
     * Registers the clone routes on an agent that has not started, after undoing a half-done clone of an earlier
     * agent (its marker file beside the data directory).
     *
     * @throws IOException when a half-done clone is found and cannot be undone (the message names the step)
     */
    public static void install(Agent agent) throws IOException {
        Busy busy = new Busy();
        DonorSide donor = new DonorSide(agent, busy);
        TargetSide target = new TargetSide(agent, busy, donor);
        recover(agent);
        donor.install(agent.server());
        target.install(agent.server());
        new RestoreSide(agent, busy).install(agent.server());
        agent.addPart("clone", target::statusView, null);
    }

    private static void recover(Agent agent) throws IOException {
        Optional<Path> dataDir = agent.agentConfig().dataDir();
        if (dataDir.isEmpty()) {
            return;
        }
        Optional<CloneMarker> m = CloneMarker.read(dataDir.get());
        if (m.isEmpty()) {
            return;
        }
        log.warn("{}: found the marker of clone {} (phase {}) left by an earlier agent; undoing it",
                agent.host().name(), m.get().id(), m.get().phase());
        try {
            CloneRecovery.restore(new TargetServer(agent), dataDir.get(), m.get(),
                    "the agent restarted during the clone");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while undoing clone " + m.get().id());
        }
    }
}
