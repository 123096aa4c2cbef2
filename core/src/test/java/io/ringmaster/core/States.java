package io.ringmaster.core;

import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cluster states written down directly, for the role and planning tests. */
public final class States {
    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final RingmasterConfig config;
    private final Map<String, HostRecord> hosts = new LinkedHashMap<>();
    private final Map<String, List<String>> roles = new LinkedHashMap<>();
    private MonitorMode mode = MonitorMode.ACTIVE;

    private States(RingmasterConfig config) {
        this.config = config;
    }

    /** Every host of the configuration ONLINE, no roles, configured replication sources. */
    public static States allOnline(RingmasterConfig config) {
        States s = new States(config);
        config.hosts().forEach(h -> s.host(h.name(), HostState.ONLINE));
        return s;
    }

    public States host(String name, HostState state) {
        hosts.put(name, new HostRecord(state, T0, state == HostState.ONLINE ? "" : "test", Map.of(), 1000,
                List.of(), false, ""));
        return this;
    }

    public States unknown(String name) {
        hosts.remove(name);
        return this;
    }

    public States role(String role, String... holders) {
        roles.put(role, List.of(holders));
        return this;
    }

    public States mode(MonitorMode m) {
        this.mode = m;
        return this;
    }

    public ClusterState build() {
        return new ClusterState(mode, T0, hosts, roles, Planner.initialSources(config), 7, T0);
    }
}
