package io.ringmaster.core.config;

import io.ringmaster.core.model.HostMode;
import java.util.Objects;
import java.util.Optional;

/**
 * One managed server.
 *
 * @param name    unique host name (db1, db2, ...), never null
 * @param address IP address or DNS name the monitor connects to, never null
 * @param port    MySQL port, 1..65535
 * @param mode    master or replica
 * @param master  for a replica, the name of the master it replicates from; empty for masters
 */
public record HostConfig(String name, String address, int port, HostMode mode, Optional<String> master) {
    public HostConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(master, "master");
    }

    /** {@code address:port}, as shown by {@code show}. */
    public String endpoint() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** True when this host may hold the writer role. */
    public boolean isMaster() {
        return mode == HostMode.MASTER;
    }
}
