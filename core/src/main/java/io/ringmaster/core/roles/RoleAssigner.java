package io.ringmaster.core.roles;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who should hold each role, given host states and the monitor mode. Pure and thread-safe.
 *
 * <ul>
 *   <li>Balanced roles go to every ONLINE host allowed to hold them (readers include the writer, as in MMM),
 *       except a master out of the ring (set ONLINE, but not yet back at its place: it may lack writes).</li>
 *   <li>An exclusive role stays with its holder while the holder is ONLINE: it never moves back to a
 *       preferred host by itself, since every move of the writer is a risk (MMM did move it; we do not).</li>
 *   <li>When the holder is not ONLINE, ACTIVE mode strips it and reports that a new writer is needed; MANUAL
 *       and WAIT keep it (MMM's manual mode never strips failed hosts); PASSIVE changes nothing.</li>
 * </ul>
 */
public final class RoleAssigner {
    private RoleAssigner() {}

    /**
     * The roles wanted now.
     *
     * @param roles        role name to holders after this round; exclusive roles have zero or one holder
     * @param writerNeeded the writer role has no (ONLINE) holder and ACTIVE mode should choose one
     */
    public record Assignment(Map<String, List<String>> roles, boolean writerNeeded) {}

    /**
     * Computes the wanted roles.
     *
     * @param config the configuration
     * @param state  current host states and role holders
     * @return the assignment, never null
     */
    public static Assignment assign(RingmasterConfig config, ClusterState state) {
        MonitorMode mode = state.mode();
        if (mode == MonitorMode.PASSIVE) {
            return new Assignment(state.roles(), false);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean writerNeeded = false;
        for (RoleConfig role : config.roles()) {
            if (role.isExclusive()) {
                Optional<String> holder = state.holder(role.name());
                boolean holderOnline = holder.map(h -> online(state, h)).orElse(false);
                if (holderOnline || (holder.isPresent() && mode != MonitorMode.ACTIVE)) {
                    out.put(role.name(), List.of(holder.get()));
                } else {
                    out.put(role.name(), List.of());
                    writerNeeded = mode == MonitorMode.ACTIVE;
                }
            } else {
                // a master the ring was closed around receives nothing until it rejoins (issue 9)
                out.put(role.name(), role.hosts().stream().filter(h -> online(state, h) && !state.ring().isOut(h))
                        .toList());
            }
        }
        return new Assignment(out, writerNeeded);
    }

    private static boolean online(ClusterState state, String host) {
        HostRecord r = state.host(host);
        return r != null && r.state() == HostState.ONLINE;
    }
}
