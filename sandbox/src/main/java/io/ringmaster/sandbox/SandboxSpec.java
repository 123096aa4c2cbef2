package io.ringmaster.sandbox;

import io.ringmaster.core.model.HostMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Sandbox#up(SandboxSpec)} builds: {@code masters} masters in a replication ring (a pair by default),
 * each with {@code replicasPerMaster} replicas, on 127.0.0.1 ports {@code basePort + 1}, {@code basePort + 2}, ...
 * Ports {@code basePort + 46} and {@code + 47} are reserved for the router (writer, reader) and
 * {@code basePort + 88} is the monitor's HTTP port. Immutable; validated on construction.
 *
 * @param dir               folder that will hold the sandbox; must be missing or empty
 * @param masters           number of masters, 1 to 9
 * @param replicasPerMaster replicas under each master, 0 to 9; at most 45 hosts in all
 * @param basePort          first port of the block, 1024 to 65435
 * @param extraConfig       lines appended to every server's {@code [mariadbd]} section (e.g. {@code max_connections=50}),
 *                          never null, may be empty
 */
public record SandboxSpec(Path dir, int masters, int replicasPerMaster, int basePort, List<String> extraConfig) {
    /** Default number of masters. */
    public static final int DEFAULT_MASTERS = 2;
    /** Default number of replicas under each master. */
    public static final int DEFAULT_REPLICAS_PER_MASTER = 1;
    /** Default base port: the servers listen on 23301, 23302, ... */
    public static final int DEFAULT_BASE_PORT = 23300;
    /** Offset of the router's writer port from the base port. */
    public static final int ROUTER_WRITER_OFFSET = 46;
    /** Offset of the router's reader port from the base port. */
    public static final int ROUTER_READER_OFFSET = 47;
    /** Offset of the monitor's HTTP port from the base port. */
    public static final int MONITOR_OFFSET = 88;
    private static final int MAX_HOSTS = ROUTER_WRITER_OFFSET - 1;

    /**
     * @throws IllegalArgumentException when a number is out of range or an extra line spans several lines
     */
    public SandboxSpec {
        Objects.requireNonNull(dir, "dir");
        extraConfig = List.copyOf(extraConfig);
        require(masters >= 1 && masters <= 9, "--masters must be 1 to 9, not " + masters);
        require(replicasPerMaster >= 0 && replicasPerMaster <= 9,
                "--replicas-per-master must be 0 to 9, not " + replicasPerMaster);
        require(masters * (1 + replicasPerMaster) <= MAX_HOSTS,
                "at most " + MAX_HOSTS + " hosts, not " + masters * (1 + replicasPerMaster));
        require(basePort >= 1024 && basePort + MONITOR_OFFSET <= 65535,
                "--base-port must be 1024 to " + (65535 - MONITOR_OFFSET) + ", not " + basePort);
        for (String line : extraConfig) {
            require(!line.contains("\n") && !line.contains("\r"), "an extra my.cnf line must be one line");
        }
    }

    /** The default topology (2 masters, 1 replica each, base port 23300) in {@code dir}. */
    public static SandboxSpec of(Path dir) {
        return new SandboxSpec(dir, DEFAULT_MASTERS, DEFAULT_REPLICAS_PER_MASTER, DEFAULT_BASE_PORT, List.of());
    }

    /** A copy with another topology shape. */
    public SandboxSpec withTopology(int masters, int replicasPerMaster) {
        return new SandboxSpec(dir, masters, replicasPerMaster, basePort, extraConfig);
    }

    /** A copy with another base port. */
    public SandboxSpec withBasePort(int basePort) {
        return new SandboxSpec(dir, masters, replicasPerMaster, basePort, extraConfig);
    }

    /** A copy with these extra my.cnf lines. */
    public SandboxSpec withExtraConfig(List<String> lines) {
        return new SandboxSpec(dir, masters, replicasPerMaster, basePort, lines);
    }

    /** Number of servers: masters plus their replicas. */
    public int hostCount() {
        return masters * (1 + replicasPerMaster);
    }

    /** The monitor's HTTP port. */
    public int monitorPort() {
        return basePort + MONITOR_OFFSET;
    }

    /** The router's writer port (reserved). */
    public int routerWriterPort() {
        return basePort + ROUTER_WRITER_OFFSET;
    }

    /** The router's reader port (reserved). */
    public int routerReaderPort() {
        return basePort + ROUTER_READER_OFFSET;
    }

    /**
     * The servers, in order: db1..dbN the masters, then the replicas, master 1's first (for the default shape:
     * db1, db2 masters; db3 under db1; db4 under db2). Never empty.
     */
    public List<SandboxHost> hosts() {
        List<SandboxHost> hosts = new ArrayList<>();
        for (int m = 1; m <= masters; m++) {
            hosts.add(new SandboxHost("db" + m, m, basePort + m, HostMode.MASTER, Optional.empty(), m));
        }
        int index = masters;
        for (int m = 1; m <= masters; m++) {
            for (int r = 0; r < replicasPerMaster; r++) {
                index++;
                hosts.add(new SandboxHost("db" + index, index, basePort + index, HostMode.REPLICA,
                        Optional.of("db" + m), 0));
            }
        }
        return List.copyOf(hosts);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
