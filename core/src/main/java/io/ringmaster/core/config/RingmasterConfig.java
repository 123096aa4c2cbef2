package io.ringmaster.core.config;

import io.ringmaster.core.model.HostMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole, validated configuration of one cluster. Built only by {@link ConfigLoader} (or tests), frozen:
 * immutable and thread-safe.
 *
 * @param cluster     cluster name, used in logs and the API
 * @param source      the file it was read from, may be null for configurations built in code
 * @param monitor     monitor settings
 * @param monitorUser account the monitor connects with (needs SUPER or READ_ONLY ADMIN, REPLICATION SLAVE ADMIN,
 *                    CONNECTION ADMIN, PROCESS, and rights on the heartbeat schema)
 * @param replicationUser account replicas connect to their master with (REPLICATION SLAVE only)
 * @param hosts       hosts in configuration order, names unique
 * @param roles       roles in configuration order, names unique
 * @param safety      false-alarm and anti-flap settings
 * @param hooks       operator hooks around writer changes
 * @param checksum    the monitor's scheduled checksum
 * @param agents      the agents on the database hosts; {@link AgentsConfig#none()} when the section is absent
 * @param backup      the backup repository, schedule and retention; {@link BackupConfig#none()} when absent
 */
public record RingmasterConfig(
        String cluster,
        Path source,
        MonitorConfig monitor,
        Credentials monitorUser,
        Credentials replicationUser,
        List<HostConfig> hosts,
        List<RoleConfig> roles,
        SafetyConfig safety,
        HooksConfig hooks,
        ChecksumSchedule checksum,
        AgentsConfig agents,
        BackupConfig backup) {

    /** A configuration without a backup section. */
    public RingmasterConfig(String cluster, Path source, MonitorConfig monitor, Credentials monitorUser,
                            Credentials replicationUser, List<HostConfig> hosts, List<RoleConfig> roles,
                            SafetyConfig safety, HooksConfig hooks, ChecksumSchedule checksum, AgentsConfig agents) {
        this(cluster, source, monitor, monitorUser, replicationUser, hosts, roles, safety, hooks, checksum, agents,
                BackupConfig.none());
    }

    /** A configuration without agents. */
    public RingmasterConfig(String cluster, Path source, MonitorConfig monitor, Credentials monitorUser,
                            Credentials replicationUser, List<HostConfig> hosts, List<RoleConfig> roles,
                            SafetyConfig safety, HooksConfig hooks, ChecksumSchedule checksum) {
        this(cluster, source, monitor, monitorUser, replicationUser, hosts, roles, safety, hooks, checksum,
                AgentsConfig.none());
    }

    /** A configuration with default safety settings and no hooks. */
    public RingmasterConfig(String cluster, Path source, MonitorConfig monitor, Credentials monitorUser,
                            Credentials replicationUser, List<HostConfig> hosts, List<RoleConfig> roles) {
        this(cluster, source, monitor, monitorUser, replicationUser, hosts, roles, SafetyConfig.defaults(),
                HooksConfig.none(), ChecksumSchedule.off());
    }

    public RingmasterConfig {
        Objects.requireNonNull(safety, "safety");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(monitorUser, "monitorUser");
        Objects.requireNonNull(replicationUser, "replicationUser");
        hosts = List.copyOf(hosts);
        roles = List.copyOf(roles);
    }

    /**
     * The host with this name.
     *
     * @throws IllegalArgumentException when no host has that name
     */
    public HostConfig host(String name) {
        return findHost(name).orElseThrow(() -> new IllegalArgumentException("unknown host '" + name + "'"));
    }

    /** The host with this name, if any. */
    public Optional<HostConfig> findHost(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /** The masters, in configuration order (which is also the replication ring order). */
    public List<HostConfig> masters() {
        return hosts.stream().filter(h -> h.mode() == HostMode.MASTER).toList();
    }

    /** The replicas hanging off the given master, in configuration order. */
    public List<HostConfig> replicasOf(String master) {
        return hosts.stream().filter(h -> h.master().filter(master::equals).isPresent()).toList();
    }

    /** Every address of every role (the only addresses an agent adds or removes), in configuration order. */
    public List<String> roleAddresses() {
        return roles.stream().flatMap(r -> r.ips().stream()).toList();
    }

    /** The role with this name, if any. */
    public Optional<RoleConfig> role(String name) {
        return roles.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The exclusive role that marks the writable master (the first exclusive role, normally {@code writer}). */
    public Optional<RoleConfig> writerRole() {
        return roles.stream().filter(RoleConfig::isExclusive).findFirst();
    }

    /**
     * The master a master replicates from in the ring: the previous master in configuration order
     * (for a pair, each one's peer). Empty when there is only one master.
     */
    public Optional<HostConfig> ringUpstreamOf(String master) {
        List<HostConfig> masters = masters();
        int i = masters.indexOf(host(master));
        if (masters.size() < 2 || i < 0) {
            return Optional.empty();
        }
        return Optional.of(masters.get((i - 1 + masters.size()) % masters.size()));
    }
}
