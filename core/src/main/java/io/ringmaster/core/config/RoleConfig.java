package io.ringmaster.core.config;

import io.ringmaster.core.model.RoleKind;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A role applications connect to.
 *
 * @param name   unique role name (writer, reader, ...)
 * @param kind   exclusive (one holder) or balanced (every eligible ONLINE host)
 * @param hosts  hosts allowed to hold the role, in configuration order; never empty
 * @param prefer for an exclusive role, the host it returns to when that host is ONLINE (MMM's prefer); may be empty
 * @param ips    the role's addresses (MMM's {@code ips}): virtual IPs the agents put on the holders' interfaces; an
 *               exclusive role has at most one, a balanced role's are spread over its holders; may be empty
 */
public record RoleConfig(String name, RoleKind kind, List<String> hosts, Optional<String> prefer, List<String> ips) {
    public RoleConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(prefer, "prefer");
        ips = List.copyOf(ips);
    }

    /** A role without addresses. */
    public RoleConfig(String name, RoleKind kind, List<String> hosts, Optional<String> prefer) {
        this(name, kind, hosts, prefer, List.of());
    }

    /** True for the writer-style role held by exactly one host. */
    public boolean isExclusive() {
        return kind == RoleKind.EXCLUSIVE;
    }
}
