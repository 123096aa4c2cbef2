package io.ringmaster.core.decide;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The first round's look at the replication links against the state, for a writer adopted or kept at start-up
 * (a monitor that died mid-failover may have left the new writer replicating from the dead old one, and replicas
 * under it): the writer must replicate from no host that is not ONLINE ({@link Action.Detach}), and every replica
 * must follow the source the state names ({@link Action.Repoint} when that source is ONLINE and answers, else a
 * {@link Finding.TopologyMismatch}). Pure and thread-safe.
 */
final class StartupTopology {
    private StartupTopology() {}

    static void check(RingmasterConfig config, ClusterState state, Map<String, HostObservation> obs,
                      Optional<String> writer, List<Action> actions, List<Finding> findings) {
        writer.map(obs::get).filter(HostObservation::sqlOk).ifPresent(o -> {
            Optional<String> source = sourceOf(config, o);
            source.filter(s -> !s.equals(o.host())).ifPresent(s -> {
                HostRecord rec = state.host(s);
                if (rec == null || rec.state() != HostState.ONLINE) {
                    actions.add(new Action.Detach(o.host(), s, "start-up: writer " + o.host() + " replicates from "
                            + s + ", which is " + (rec == null ? "not checked" : rec.state().name())
                            + ": its binary log must not flow into the writer"));
                }
            });
        });
        for (HostConfig h : config.hosts()) {
            HostObservation o = obs.get(h.name());
            String expected = state.sources().get(h.name());
            if (h.isMaster() || o == null || !o.sqlOk() || expected == null) {
                continue;
            }
            String observed = sourceOf(config, o).orElse("");
            if (observed.equals(expected)) {
                continue;
            }
            HostRecord rec = state.host(expected);
            HostObservation src = obs.get(expected);
            if (rec != null && rec.state() == HostState.ONLINE && src != null && src.sqlOk()) {
                actions.add(new Action.Repoint(h.name(), expected, "start-up: " + h.name() + " replicates from "
                        + (observed.isEmpty() ? "nobody known" : observed) + ", the state says " + expected));
            } else {
                findings.add(new Finding.TopologyMismatch(h.name(), observed, expected, expected + " is "
                        + (rec == null ? "not checked" : rec.state().name())
                        + (src != null && src.sqlOk() ? "" : " and does not answer")));
            }
        }
    }

    /** The configured host {@code o}'s replication link reads from, if it has one to a known host. */
    private static Optional<String> sourceOf(RingmasterConfig config, HostObservation o) {
        return o.replication().flatMap(l -> config.hosts().stream()
                .filter(h -> l.readsFrom(h.address(), h.port())).map(HostConfig::name).findFirst());
    }
}
