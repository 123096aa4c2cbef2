package io.ringmaster.sandbox;

import io.ringmaster.core.model.HostMode;
import java.util.Objects;
import java.util.Optional;

/**
 * One server of a sandbox topology, as planned by {@link SandboxSpec#hosts()}. Immutable.
 *
 * @param name        db1, db2, ...: the masters first, then the replicas (master 1's first)
 * @param index       1-based position in that order; also the server's {@code server_id} and {@code gtid_domain_id}
 * @param port        TCP port on 127.0.0.1
 * @param mode        master or replica
 * @param master      for a replica, the master it replicates from; empty for a master
 * @param masterIndex for a master, its 1-based position among the masters (its {@code auto_increment_offset});
 *                    0 for a replica
 */
public record SandboxHost(String name, int index, int port, HostMode mode, Optional<String> master, int masterIndex) {
    public SandboxHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(master, "master");
    }

    /** True for a master. */
    public boolean isMaster() {
        return mode == HostMode.MASTER;
    }
}
