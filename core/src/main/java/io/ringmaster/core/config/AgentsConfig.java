package io.ringmaster.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code agents:} section: one agent per database host, how the monitor and the CLI talk to them, and how long
 * an agent keeps the role addresses it was told to hold. Immutable and thread-safe.
 *
 * @param access  token ({@code agents.token}) and TLS ({@code tls_cert}, {@code tls_key}, {@code tls_ca}) of every
 *                agent's API; an agent without a token takes no commands
 * @param lease   how long an agent keeps the writer's addresses without a renewal from the monitor (default three
 *                check periods); counted by the agent from when it received the instruction
 * @param timeout bound on one request to an agent (default 2 s); streams (clone) are bounded by their own progress
 * @param agents  the agents, in the order of {@code hosts:}; empty when the section is absent
 */
public record AgentsConfig(ApiAccess access, Duration lease, Duration timeout, List<AgentConfig> agents) {
    public AgentsConfig {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(timeout, "timeout");
        agents = List.copyOf(agents);
    }

    /** No agents (the section is absent). */
    public static AgentsConfig none() {
        return new AgentsConfig(ApiAccess.open(), Duration.ofSeconds(3), Duration.ofSeconds(2), List.of());
    }

    /** True when at least one agent is configured. */
    public boolean enabled() {
        return !agents.isEmpty();
    }

    /** The agent of this host, if one is configured. */
    public Optional<AgentConfig> agent(String host) {
        return agents.stream().filter(a -> a.host().equals(host)).findFirst();
    }
}
