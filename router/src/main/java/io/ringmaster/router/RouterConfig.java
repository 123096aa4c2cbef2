package io.ringmaster.router;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The router's settings, the {@code router:} section of the configuration (read by {@link RouterConfigReader}).
 * Immutable and thread-safe once built; validated on construction.
 *
 * @param enabled        whether the monitor runs the router in its own process (default true when the section is
 *                       there)
 * @param monitorUrl     base URL of the monitor's API a standalone router follows ({@code http://host:port}); empty
 *                       means the {@code monitor.listen} address of the same configuration
 * @param writerLease    a standalone router stops routing writes (holds new writer connections, cuts open ones) when
 *                       it has had no answer from the monitor for this long; positive
 * @param holdTimeout    how long a new connection is held when its role has no holder (for example during a
 *                       failover) before it is refused with a MySQL error; zero refuses at once
 * @param drainTime      how long open connections to a host that left a balanced role stay open; zero closes them at
 *                       once (writer connections to a demoted writer are always cut at once)
 * @param connectTimeout bound on connecting to a backend; positive
 * @param ioThreads      Netty event-loop threads shared by every listener, 1 to 64
 * @param maxHeld        most connections one listener holds at a time; beyond it new ones are refused at once
 * @param listeners      the TCP listeners, at least one, names and addresses unique
 * @param metrics        where a standalone router serves {@code GET /metrics} (Prometheus); empty: nowhere
 */
public record RouterConfig(
        boolean enabled,
        Optional<URI> monitorUrl,
        Duration writerLease,
        Duration holdTimeout,
        Duration drainTime,
        Duration connectTimeout,
        int ioThreads,
        int maxHeld,
        List<Listener> listeners,
        Optional<MetricsEndpoint> metrics) {

    /** Default writer address (MySQL Router's read-write port). */
    public static final String DEFAULT_WRITER_LISTEN = "127.0.0.1:6446";
    /** Default reader address (MySQL Router's read-only port). */
    public static final String DEFAULT_READER_LISTEN = "127.0.0.1:6447";
    /** Default {@link #writerLease}. */
    public static final Duration DEFAULT_WRITER_LEASE = Duration.ofSeconds(2);
    /** Default {@link #holdTimeout}. */
    public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #drainTime}. */
    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(30);
    /** Default {@link #connectTimeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Default {@link #maxHeld}. */
    public static final int DEFAULT_MAX_HELD = 1000;

    /**
     * The address of a standalone router's {@code /metrics} listener ({@code router.metrics}).
     *
     * @param address address to bind
     * @param port    port to bind, 0..65535 (0: any free port)
     */
    public record MetricsEndpoint(String address, int port) {
        public MetricsEndpoint {
            Objects.requireNonNull(address, "address");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("metrics: port must be 1..65535, not " + port);
            }
        }
    }

    /** Without a metrics listener. */
    public RouterConfig(boolean enabled, Optional<URI> monitorUrl, Duration writerLease, Duration holdTimeout,
                        Duration drainTime, Duration connectTimeout, int ioThreads, int maxHeld,
                        List<Listener> listeners) {
        this(enabled, monitorUrl, writerLease, holdTimeout, drainTime, connectTimeout, ioThreads, maxHeld, listeners,
                Optional.empty());
    }

    /**
     * One TCP listener.
     *
     * @param name    unique listener name, shown in the counters (defaults to the role name)
     * @param role    the role whose holders receive the connections
     * @param address address to bind (an IP address or name)
     * @param port    port to bind, 1..65535
     * @param hosts   for a balanced role, the only hosts this pool uses (a reporting pool on two replicas); empty
     *                means every holder of the role
     */
    public record Listener(String name, String role, String address, int port, List<String> hosts) {
        public Listener {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(address, "address");
            hosts = List.copyOf(hosts);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("listener '" + name + "': port must be 1..65535, not " + port);
            }
        }

        /** {@code address:port}, as shown in the counters. */
        public String endpoint() {
            return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        }
    }

    /**
     * @throws IllegalArgumentException when a value is out of range or two listeners share a name or an address
     */
    public RouterConfig {
        Objects.requireNonNull(monitorUrl, "monitorUrl");
        Objects.requireNonNull(writerLease, "writerLease");
        Objects.requireNonNull(holdTimeout, "holdTimeout");
        Objects.requireNonNull(drainTime, "drainTime");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(metrics, "metrics");
        listeners = List.copyOf(listeners);
        require(!writerLease.isNegative() && !writerLease.isZero(), "writer_lease must be greater than zero");
        require(!holdTimeout.isNegative(), "hold_timeout must not be negative");
        require(!drainTime.isNegative(), "drain_time must not be negative");
        require(!connectTimeout.isNegative() && !connectTimeout.isZero(), "connect_timeout must be greater than zero");
        require(ioThreads >= 1 && ioThreads <= 64, "io_threads must be 1..64, not " + ioThreads);
        require(maxHeld >= 0 && maxHeld <= 100_000, "max_held must be 0..100000, not " + maxHeld);
        require(!listeners.isEmpty(), "at least one listener is needed");
        Set<String> names = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        for (Listener l : listeners) {
            require(names.add(l.name()), "two listeners are named '" + l.name() + "'");
            require(endpoints.add(l.endpoint()), "two listeners use " + l.endpoint());
        }
    }

    /**
     * The defaults: writer on {@value #DEFAULT_WRITER_LISTEN}, reader on {@value #DEFAULT_READER_LISTEN}, leases and
     * timeouts as documented, {@link #defaultIoThreads()} threads.
     */
    public static RouterConfig defaults() {
        return new RouterConfig(true, Optional.empty(), DEFAULT_WRITER_LEASE, DEFAULT_HOLD_TIMEOUT,
                DEFAULT_DRAIN_TIME, DEFAULT_CONNECT_TIMEOUT, defaultIoThreads(), DEFAULT_MAX_HELD, List.of(
                        new Listener("writer", "writer", "127.0.0.1", 6446, List.of()),
                        new Listener("reader", "reader", "127.0.0.1", 6447, List.of())));
    }

    /** A copy with other listeners. */
    public RouterConfig withListeners(List<Listener> l) {
        return new RouterConfig(enabled, monitorUrl, writerLease, holdTimeout, drainTime, connectTimeout, ioThreads,
                maxHeld, l, metrics);
    }

    /** A copy with another hold timeout. */
    public RouterConfig withHoldTimeout(Duration d) {
        return new RouterConfig(enabled, monitorUrl, writerLease, d, drainTime, connectTimeout, ioThreads, maxHeld,
                listeners, metrics);
    }

    /** A copy with another drain time. */
    public RouterConfig withDrainTime(Duration d) {
        return new RouterConfig(enabled, monitorUrl, writerLease, holdTimeout, d, connectTimeout, ioThreads, maxHeld,
                listeners, metrics);
    }

    /** A copy with a metrics listener. */
    public RouterConfig withMetrics(Optional<MetricsEndpoint> m) {
        return new RouterConfig(enabled, monitorUrl, writerLease, holdTimeout, drainTime, connectTimeout, ioThreads,
                maxHeld, listeners, m);
    }

    /** A copy with another writer lease and monitor URL (for a standalone router). */
    public RouterConfig withMonitor(Optional<URI> url, Duration lease) {
        return new RouterConfig(enabled, url, lease, holdTimeout, drainTime, connectTimeout, ioThreads, maxHeld,
                listeners, metrics);
    }

    /**
     * Event-loop threads by default: one per core, at most 2. The router shares the machine with the servers and
     * the clients; two loops already forward far more than a 2-core host's servers answer.
     */
    public static int defaultIoThreads() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
