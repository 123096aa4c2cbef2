package io.ringmaster.tools.lint;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What lint read from one host. Immutable.
 *
 * @param host              the host's name
 * @param error             why it could not be read; empty when it was
 * @param variables         global variables by lower-case name ({@code log_slave_updates}, {@code read_only}...;
 *                          MySQL 8.4's {@code log_replica_updates} spellings are stored under the MariaDB names)
 * @param heartbeatSeconds  the replication heartbeat period of its default connection, s; empty without replication
 * @param replicating       it has a replication connection
 * @param nonInnoDb         user tables in another engine, as {@code schema.table (ENGINE)}
 * @param withoutPrimaryKey user base tables without a primary key, as {@code schema.table}
 * @param clockOffsetMs     its clock minus lint's own, ms (measured at the middle of the query's round trip)
 */
public record HostFacts(String host, Optional<String> error, Map<String, String> variables,
                        OptionalDouble heartbeatSeconds, boolean replicating, List<String> nonInnoDb,
                        List<String> withoutPrimaryKey, OptionalDouble clockOffsetMs) {
    public HostFacts {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(error, "error");
        variables = Map.copyOf(variables);
        Objects.requireNonNull(heartbeatSeconds, "heartbeatSeconds");
        nonInnoDb = List.copyOf(nonInnoDb);
        withoutPrimaryKey = List.copyOf(withoutPrimaryKey);
        Objects.requireNonNull(clockOffsetMs, "clockOffsetMs");
    }

    /** A host that could not be read. */
    public static HostFacts unreadable(String host, String why) {
        return new HostFacts(host, Optional.of(why), Map.of(), OptionalDouble.empty(), false, List.of(), List.of(),
                OptionalDouble.empty());
    }

    /** A variable's value, "" when the server has no such variable. */
    public String var(String name) {
        return variables.getOrDefault(name, "");
    }

    /** True for ON, 1, YES, TRUE (any case). */
    public boolean on(String name) {
        String v = var(name).trim().toUpperCase(java.util.Locale.ROOT);
        return v.equals("ON") || v.equals("1") || v.equals("YES") || v.equals("TRUE");
    }

    /** A whole-number variable, or {@code absent} when missing or not a number. */
    public long number(String name, long absent) {
        try {
            return (long) Double.parseDouble(var(name).trim());
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
