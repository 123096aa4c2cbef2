package io.ringmaster.core.analysis;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.observe.ReplicaLink;
import io.ringmaster.core.state.ClusterState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a writer the monitor cannot reach is really dead, from the hosts that replicate from it
 * (orchestrator's holistic {@code DeadMaster} versus {@code UnreachableMaster}): the writer is dead only when the
 * hosts replicating from it that the monitor can ask all see their IO thread disconnected, and at least one could
 * be asked. A host the monitor cannot reach either is no witness either way (orchestrator counts only valid
 * replicas): a monitor cut off from the writer and from every host below it learns nothing about the writer, and
 * failing over then could leave a live, unfenced writer beside the new one. A cut between the monitor and the
 * writer alone is not a failure of the writer. Pure and thread-safe.
 */
public final class WriterAnalysis {
    private WriterAnalysis() {}

    /** What the monitor concludes about an unreachable writer. Sealed: every caller handles every case. */
    public sealed interface Verdict {
        /** One line for logs and findings. */
        String summary();
    }

    /**
     * The writer is dead: neither the monitor nor any host replicating from it that answers can reach it.
     *
     * @param corroborating hosts that confirm it (IO thread not connected); empty only when no host replicates
     *                      from the writer
     * @param silent        hosts replicating from it that do not answer the monitor (no witness either way)
     */
    public record Dead(String writer, List<String> corroborating, List<String> silent) implements Verdict {
        public String summary() {
            return "writer " + writer + " is dead" + (corroborating.isEmpty() ? " (no host replicates from it to ask)"
                    : ", confirmed by " + String.join(", ", corroborating))
                    + (silent.isEmpty() ? "" : "; " + String.join(", ", silent) + " do not answer either");
        }
    }

    /**
     * The monitor cannot reach the writer, but hosts replicating from it still have a connected IO thread: the
     * writer is probably alive and the problem is between the monitor and it. No failover.
     *
     * @param stillConnected hosts whose IO thread to the writer runs
     */
    public record Unreachable(String writer, List<String> stillConnected) implements Verdict {
        public String summary() {
            return "monitor cannot reach writer " + writer + " but " + String.join(", ", stillConnected)
                    + " still replicate from it: not failing over (network problem between monitor and writer?)";
        }
    }

    /**
     * The monitor cannot reach the writer nor any host that replicates from it: nothing confirms the writer is
     * dead. No automatic failover; an operator who knows can force one ({@code move-role --force}).
     *
     * @param silent the hosts replicating from the writer, none of which answers the monitor
     */
    public record Unconfirmed(String writer, List<String> silent) implements Verdict {
        public String summary() {
            return "monitor cannot reach writer " + writer + " nor any host replicating from it ("
                    + String.join(", ", silent) + "): cannot confirm it is dead, not failing over";
        }
    }

    /**
     * Analyzes an unreachable writer.
     *
     * @param config       configuration
     * @param state        current state (its {@code sources} say who replicates from the writer)
     * @param observations the latest observation of every host
     * @param writer       the writer the monitor cannot reach
     * @return the verdict, never null
     */
    public static Verdict analyze(RingmasterConfig config, ClusterState state,
                                  Map<String, HostObservation> observations, String writer) {
        HostConfig w = config.host(writer);
        List<String> confirm = new ArrayList<>();
        List<String> connected = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        config.hosts().stream().map(HostConfig::name).forEach(host -> { // configuration order: stable messages
            if (!writer.equals(state.sources().get(host))) {
                return;
            }
            HostObservation o = observations.get(host);
            if (o == null || !o.sqlOk()) {
                silent.add(host);
                return;
            }
            ReplicaLink link = o.replication().orElse(null);
            if (link == null || !link.readsFrom(w.address(), w.port()) || !link.ioRunning()) {
                confirm.add(host + (link == null ? " (no replication)" : " (IO thread " + link.ioState() + ")"));
            } else {
                connected.add(host);
            }
        });
        if (!connected.isEmpty()) {
            return new Unreachable(writer, connected);
        }
        if (confirm.isEmpty() && !silent.isEmpty()) {
            return new Unconfirmed(writer, silent);
        }
        return new Dead(writer, confirm, silent);
    }
}
