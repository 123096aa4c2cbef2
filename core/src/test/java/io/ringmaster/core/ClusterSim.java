package io.ringmaster.core;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.core.state.StateMachine;
import io.ringmaster.core.state.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Drives a {@link StateMachine} with a hand-advanced clock. Every round observes every host as healthy (running
 * since its boot instant, replicating from its source in the state) unless the round overrides it.
 */
public final class ClusterSim {
    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final RingmasterConfig config;
    private final StateMachine machine;
    private final Map<String, Instant> bootedAt = new HashMap<>();
    private final Map<String, String> positions = new HashMap<>();
    private Instant now = T0;
    private ClusterState state;
    private List<Transition> transitions = List.of();

    public ClusterSim(RingmasterConfig config) {
        this.config = config;
        this.machine = new StateMachine(config);
        this.state = new ClusterState(MonitorMode.ACTIVE, T0, Map.of(), Map.of(), Planner.initialSources(config), 0,
                T0);
        config.hosts().forEach(h -> bootedAt.put(h.name(), T0.minusSeconds(1000)));
    }

    public RingmasterConfig config() {
        return config;
    }

    public StateMachine machine() {
        return machine;
    }

    public Instant now() {
        return now;
    }

    public ClusterState state() {
        return state;
    }

    public void state(ClusterState newState) {
        this.state = newState;
    }

    /** Gives the writer role to a host (as the role assigner would have). */
    public ClusterSim writer(String host) {
        state = state.withRoles(Map.of("writer", List.of(host)));
        return this;
    }

    /** Moves the clock. */
    public ClusterSim advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    /** Marks a host restarted now: its Uptime starts again from zero. */
    public ClusterSim restart(String host) {
        bootedAt.put(host, now);
        return this;
    }

    /** Sets the gtid_current_pos every later healthy observation of the host reports. */
    public ClusterSim position(String host, String gtidPos) {
        positions.put(host, gtidPos);
        return this;
    }

    /** A healthy observation of a host at the current instant. */
    public Obs healthy(String host) {
        Obs o = Obs.of(host).at(now).uptime(Duration.between(bootedAt.get(host), now).toSeconds())
                .pos(positions.getOrDefault(host, ""));
        String source = state.sources().get(host);
        return source == null ? o : o.replicatingFrom(config.host(source));
    }

    /** One round: every host healthy except those the overrides change. */
    @SafeVarargs
    public final ClusterSim round(Map.Entry<String, UnaryOperator<Obs>>... overrides) {
        Map<String, UnaryOperator<Obs>> byHost = new HashMap<>();
        for (var e : overrides) {
            byHost.put(e.getKey(), e.getValue());
        }
        Map<String, HostObservation> obs = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            obs.put(h.name(), byHost.getOrDefault(h.name(), UnaryOperator.identity()).apply(healthy(h.name())).build());
        }
        return round(obs);
    }

    /** One round with exactly these observations. */
    public ClusterSim round(Map<String, HostObservation> obs) {
        StateMachine.Step step = machine.step(state, obs, now);
        state = step.state();
        transitions = step.transitions();
        return this;
    }

    /** Advances the clock by {@code seconds} one-second rounds with the same overrides. */
    @SafeVarargs
    public final ClusterSim rounds(int seconds, Map.Entry<String, UnaryOperator<Obs>>... overrides) {
        for (int i = 0; i < seconds; i++) {
            advance(Duration.ofSeconds(1)).round(overrides);
        }
        return this;
    }

    public static Map.Entry<String, UnaryOperator<Obs>> with(String host, UnaryOperator<Obs> change) {
        return Map.entry(host, change);
    }

    public HostState stateOf(String host) {
        return record(host).state();
    }

    public HostRecord record(String host) {
        return state.host(host);
    }

    /** The transitions of the latest round. */
    public List<Transition> transitions() {
        return transitions;
    }

    public ClusterSim setOnline(String host) {
        state = machine.setOnline(state, host, now);
        return this;
    }

    /** set-online with an observation taken at the command (the monitor's probe of the host), healthy or changed. */
    public ClusterSim setOnlineSeen(String host, UnaryOperator<Obs> change) {
        state = machine.setOnline(state, host, now, change.apply(healthy(host)).build());
        return this;
    }

    public ClusterSim setOffline(String host) {
        state = machine.setOffline(state, host, now);
        return this;
    }
}
