package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.roles.AddressSpread;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which role addresses (virtual IPs) each host holds, as a pure function of the role holders: an exclusive role's
 * addresses go to its holder, a balanced role's are spread over its holders with {@link AddressSpread} (an address
 * stays where it was while its host holds the role). Immutable and thread-safe.
 *
 * @param hosts  every configured host, in configuration order, with what it holds (possibly nothing)
 * @param hostOf balanced-role address to the host holding it, the memory the next assignment starts from
 */
record RoleAddresses(Map<String, Held> hosts, Map<String, String> hostOf) {

    /**
     * What one host holds.
     *
     * @param writer true when it holds the writer role (its agent is told so even without writer addresses)
     * @param byRole role name to the addresses of that role it holds, roles in configuration order; only roles
     *               with addresses held appear
     */
    record Held(boolean writer, Map<String, List<String>> byRole) {
        static final Held NONE = new Held(false, Map.of());

        /** The writer role's addresses it holds; may be empty. */
        List<String> writerIps(String writerRole) {
            return byRole.getOrDefault(writerRole, List.of());
        }

        /** Every other role address it holds (the agent's {@code reader_ips}); may be empty. */
        List<String> otherIps(String writerRole) {
            List<String> out = new ArrayList<>();
            byRole.forEach((role, ips) -> {
                if (!role.equals(writerRole)) {
                    out.addAll(ips);
                }
            });
            return out;
        }
    }

    RoleAddresses {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        hostOf = Map.copyOf(hostOf);
    }

    /** What {@code host} holds; {@link Held#NONE} for an unknown host. */
    Held of(String host) {
        return hosts.getOrDefault(host, Held.NONE);
    }

    /**
     * The assignment for the given holders.
     *
     * @param config     roles with their addresses, hosts
     * @param writerRole the writer role's name ("" when there is none)
     * @param holders    role to its holders (as in {@link io.ringmaster.core.state.ClusterState#roles()}); a
     *                   role absent or with no holder assigns none of its addresses
     * @param previous   balanced-role address to host as assigned before (e.g. learned from the agents); never null
     */
    static RoleAddresses assign(RingmasterConfig config, String writerRole, Map<String, List<String>> holders,
                                Map<String, String> previous) {
        Objects.requireNonNull(previous, "previous");
        Map<String, Map<String, List<String>>> byHost = new LinkedHashMap<>();
        config.hosts().stream().map(HostConfig::name).forEach(h -> byHost.put(h, new LinkedHashMap<>()));
        Map<String, String> memory = new LinkedHashMap<>();
        for (RoleConfig role : config.roles()) {
            List<String> who = holders.getOrDefault(role.name(), List.of()).stream()
                    .filter(byHost::containsKey).toList();
            if (role.ips().isEmpty() || who.isEmpty()) {
                continue;
            }
            if (role.isExclusive()) {
                byHost.get(who.get(0)).put(role.name(), role.ips());
                continue;
            }
            Map<String, String> spread = AddressSpread.spread(role.ips(), who, previous);
            spread.forEach((ip, host) -> {
                byHost.get(host).computeIfAbsent(role.name(), r -> new ArrayList<>()).add(ip);
                memory.put(ip, host);
            });
        }
        String writer = holders.getOrDefault(writerRole, List.of()).stream().findFirst().orElse(null);
        Map<String, Held> out = new LinkedHashMap<>();
        byHost.forEach((h, roles) -> {
            Map<String, List<String>> frozen = new LinkedHashMap<>();
            roles.forEach((r, ips) -> frozen.put(r, List.copyOf(ips)));
            out.put(h, new Held(h.equals(writer), java.util.Collections.unmodifiableMap(frozen)));
        });
        return new RoleAddresses(out, memory);
    }
}
