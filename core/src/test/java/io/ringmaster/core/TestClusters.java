package io.ringmaster.core;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.MonitorConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.model.RoleKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Configurations built in code for the pure decision tests: masters db1..dbN, replicas r1..rM. */
public final class TestClusters {
    private TestClusters() {}

    /** Monitor settings with the given trap period, auto_set_online, flap count and flap duration. */
    public static MonitorConfig monitor(Duration trap, Duration autoSetOnline, int flapCount, Duration flapDuration) {
        return new MonitorConfig("127.0.0.1", 9988, Duration.ofSeconds(1), trap, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), autoSetOnline, flapCount,
                flapDuration, MonitorMode.ACTIVE, Path.of("ringmaster-state.json"), "ringmaster");
    }

    /** MMM-like defaults: trap 3 s, no auto_set_online, flapping after more than 3 falls in an hour. */
    public static MonitorConfig defaultMonitor() {
        return monitor(Duration.ofSeconds(3), Duration.ZERO, 3, Duration.ofHours(1));
    }

    /** db1, db2 (a pair), r1 replicating from db1, r2 from db2; writer on the masters, reader everywhere. */
    public static RingmasterConfig pair() {
        return cluster(defaultMonitor(), 2, List.of("db1", "db2"), Optional.empty());
    }

    /** db1, db2, db3 in a ring (db2 reads db1, db3 reads db2, db1 reads db3), r1 from db1. */
    public static RingmasterConfig ring3() {
        return cluster(defaultMonitor(), 3, List.of("db1"), Optional.empty());
    }

    /**
     * A cluster of {@code masters} masters db1..dbN and one replica per entry of {@code replicaMasters}
     * (r1 replicates from the first entry, and so on).
     */
    public static RingmasterConfig cluster(MonitorConfig monitor, int masters, List<String> replicaMasters,
                                           Optional<String> prefer) {
        List<HostConfig> hosts = new ArrayList<>();
        for (int i = 1; i <= masters; i++) {
            hosts.add(new HostConfig("db" + i, "10.0.0." + i, 3306, HostMode.MASTER, Optional.empty()));
        }
        for (int i = 1; i <= replicaMasters.size(); i++) {
            hosts.add(new HostConfig("r" + i, "10.0.1." + i, 3306, HostMode.REPLICA,
                    Optional.of(replicaMasters.get(i - 1))));
        }
        List<String> masterNames = hosts.stream().filter(HostConfig::isMaster).map(HostConfig::name).toList();
        List<RoleConfig> roles = List.of(
                new RoleConfig("writer", RoleKind.EXCLUSIVE, masterNames, prefer),
                new RoleConfig("reader", RoleKind.BALANCED, hosts.stream().map(HostConfig::name).toList(),
                        Optional.empty()));
        return new RingmasterConfig("test", null, monitor, new Credentials("monitor", Secret.of("mon-pw")),
                new Credentials("repl", Secret.of("repl-pw")), hosts, roles);
    }
}
