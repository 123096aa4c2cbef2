package io.ringmaster.router;

import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.Durations;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.config.YamlSection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the {@code router:} section of a YAML file into a {@link RouterConfig}, checked against the cluster's
 * configuration (roles and hosts must exist). Other top-level keys of the file are left to
 * {@link io.ringmaster.core.config.ConfigLoader}, so the same file can hold both.
 *
 * <p>Strict, like the main loader: unknown or duplicate keys, bad ports, durations or references are refused with
 * a {@link ConfigException} whose one-line message names the file and the field ({@code router.listeners[1].listen}).
 * {@code ${VAR}} and {@code ${VAR:-default}} are replaced from the environment.
 *
 * <pre>
 * router:
 *   enabled: true                    # run inside the monitor (default true)
 *   monitor: http://127.0.0.1:9988   # standalone: the API to follow (default: monitor.listen; https with TLS)
 *   writer_lease: 2s                 # standalone: no answer from the monitor this long: stop routing writes
 *                                    # (at most monitor.writer_lease when that is set; the shorter by default)
 *   hold_timeout: 10s                # hold new connections this long while a role has no holder
 *   drain_time: 30s                  # open connections to a host that left a balanced role close after this
 *   connect_timeout: 1s
 *   io_threads: 2
 *   max_held: 1000                   # per listener
 *   listeners:                       # default: the exclusive role on 6446, the first balanced role on 6447
 *     - {role: writer, listen: 127.0.0.1:6446}
 *     - {role: reader, listen: 127.0.0.1:6447}
 *     - {name: reporting, role: reader, listen: 127.0.0.1:6450, hosts: [db3, db4]}
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class RouterConfigReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private RouterConfigReader() {}

    /**
     * Reads the {@code router:} section of a file, resolving {@code ${VAR}} from the process environment.
     *
     * @param cluster the cluster's validated configuration (roles, hosts, the monitor's address)
     * @return the router settings, or empty when the file has no {@code router:} section
     * @throws ConfigException when the file cannot be read or the section is invalid
     */
    public static Optional<RouterConfig> read(Path file, RingmasterConfig cluster) {
        return parse(ConfigLoader.readText(file), file.toString(), cluster, System::getenv);
    }

    /**
     * Like {@link #read} but the section must be there.
     *
     * @throws ConfigException when the file has no {@code router:} section or it is invalid
     */
    public static RouterConfig require(Path file, RingmasterConfig cluster) {
        return read(file, cluster).orElseThrow(() -> new ConfigException(file.toString(), "router",
                "missing (required): the file has no router section"));
    }

    /**
     * Parses YAML text.
     *
     * @param source  name used in error messages (normally the file path)
     * @param cluster the cluster's configuration the listeners are checked against
     * @param env     variable lookup for {@code ${VAR}}, returns null when unset
     * @return the router settings, or empty when the text has no {@code router:} section
     * @throws ConfigException when the section is invalid
     */
    public static Optional<RouterConfig> parse(String text, String source, RingmasterConfig cluster,
                                               Function<String, String> env) {
        YamlSection top = YamlSection.parse(text, source, env);
        if (!top.has("router")) {
            return Optional.empty();
        }
        return Optional.of(new Reader(cluster).router(top.section("router", true)));
    }

    private record Reader(RingmasterConfig cluster) {

        RouterConfig router(YamlSection s) {
            s.allow("enabled", "monitor", "writer_lease", "hold_timeout", "drain_time", "connect_timeout",
                    "io_threads", "max_held", "listeners", "metrics");
            boolean enabled = s.bool("enabled", true);
            Optional<URI> monitor = Optional.ofNullable(s.string("monitor", null)).map(u -> url(s, u));
            Duration lease = writerLease(s);
            Duration hold = s.duration("hold_timeout", RouterConfig.DEFAULT_HOLD_TIMEOUT, false);
            Duration drain = s.duration("drain_time", RouterConfig.DEFAULT_DRAIN_TIME, false);
            Duration connect = s.duration("connect_timeout", RouterConfig.DEFAULT_CONNECT_TIMEOUT, true);
            int threads = s.integer("io_threads", RouterConfig.defaultIoThreads(), 1, 64);
            int maxHeld = s.integer("max_held", RouterConfig.DEFAULT_MAX_HELD, 0, 100_000);
            List<RouterConfig.Listener> listeners = listeners(s);
            Optional<RouterConfig.MetricsEndpoint> metrics = Optional.ofNullable(s.string("metrics", null))
                    .map(text -> {
                        String[] hp = listen(s, "metrics", text);
                        return new RouterConfig.MetricsEndpoint(hp[0], Integer.parseInt(hp[1]));
                    });
            try {
                return new RouterConfig(enabled, monitor, lease, hold, drain, connect, threads, maxHeld, listeners,
                        metrics);
            } catch (IllegalArgumentException e) {
                throw s.error("listeners", e.getMessage());
            }
        }

        /**
         * The router's lease must not outlast the monitor's {@code monitor.writer_lease}, which the monitor waits out
         * before promoting when it cannot fence the old writer; by default it is the shorter of the two.
         */
        private Duration writerLease(YamlSection s) {
            Duration monitorLease = cluster.safety().writerLease();
            Duration dflt = !monitorLease.isZero() && monitorLease.compareTo(RouterConfig.DEFAULT_WRITER_LEASE) < 0
                    ? monitorLease : RouterConfig.DEFAULT_WRITER_LEASE;
            Duration lease = s.duration("writer_lease", dflt, true);
            if (!monitorLease.isZero() && lease.compareTo(monitorLease) > 0) {
                throw s.error("writer_lease", Durations.format(lease) + " is longer than monitor.writer_lease ("
                        + Durations.format(monitorLease) + "): the monitor could promote a new writer while this "
                        + "router still sends writes to the old one");
            }
            return lease;
        }

        private URI url(YamlSection s, String text) {
            try {
                URI u = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535
                        || !(u.getPath() == null || u.getPath().isEmpty()) || u.getQuery() != null) {
                    throw s.error("monitor", "must be http(s)://host:port (the monitor's API), not '" + text + "'");
                }
                return u;
            } catch (URISyntaxException e) {
                throw s.error("monitor", "must be http(s)://host:port (the monitor's API), not '" + text + "'");
            }
        }

        private List<RouterConfig.Listener> listeners(YamlSection s) {
            if (!s.has("listeners")) {
                return defaultListeners(s);
            }
            List<YamlSection> items = s.list("listeners", true);
            if (items.isEmpty()) {
                throw s.error("listeners", "at least one listener is needed");
            }
            List<RouterConfig.Listener> out = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            Set<String> endpoints = new LinkedHashSet<>();
            for (YamlSection l : items) {
                l.allow("name", "role", "listen", "hosts");
                String roleName = required(l, "role");
                RoleConfig role = cluster.role(roleName).orElseThrow(() -> l.error("role", "unknown role '" + roleName
                        + "' (roles: " + String.join(", ", cluster.roles().stream().map(RoleConfig::name).toList())
                        + ")"));
                String name = l.string("name", roleName);
                if (!NAME.matcher(name).matches()) {
                    throw l.error("name", "'" + name + "' is not a valid name (letters, digits, _ . -; at most 64)");
                }
                if (!names.add(name)) {
                    throw l.error("name", "duplicate listener name '" + name + "' (name the second pool)");
                }
                String[] hp = listen(l, required(l, "listen"));
                RouterConfig.Listener listener = new RouterConfig.Listener(name, roleName, hp[0],
                        Integer.parseInt(hp[1]), hosts(l, role));
                if (!endpoints.add(listener.endpoint())) {
                    throw l.error("listen", "another listener already uses " + listener.endpoint());
                }
                clashWithTheApi(listener).ifPresent(p -> {
                    throw l.error("listen", p);
                });
                out.add(listener);
            }
            return out;
        }

        private List<String> hosts(YamlSection l, RoleConfig role) {
            List<String> hosts = l.stringList("hosts");
            if (hosts.isEmpty()) {
                if (l.has("hosts")) {
                    throw l.error("hosts", "must name at least one host (leave it out to use every holder)");
                }
                return hosts;
            }
            if (role.isExclusive()) {
                throw l.error("hosts", "role '" + role.name() + "' is exclusive (one holder): a pool of chosen hosts "
                        + "is only for balanced roles");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String h : hosts) {
                if (!role.hosts().contains(h)) {
                    throw l.error("hosts", "host '" + h + "' may not hold role '" + role.name() + "' (its hosts: "
                            + String.join(", ", role.hosts()) + ")");
                }
                if (!seen.add(h)) {
                    throw l.error("hosts", "host '" + h + "' is listed twice");
                }
            }
            return hosts;
        }

        /** The exclusive role on 6446 and the first balanced role on 6447, as MySQL Router does. */
        private List<RouterConfig.Listener> defaultListeners(YamlSection s) {
            List<RouterConfig.Listener> out = new ArrayList<>();
            cluster.writerRole().ifPresent(r -> out.add(new RouterConfig.Listener(r.name(), r.name(), "127.0.0.1",
                    6446, List.of())));
            cluster.roles().stream().filter(r -> !r.isExclusive()).findFirst().ifPresent(r -> out.add(
                    new RouterConfig.Listener(r.name(), r.name(), "127.0.0.1", 6447, List.of())));
            if (out.isEmpty()) {
                throw s.error("listeners", "the cluster has no roles to listen for");
            }
            for (RouterConfig.Listener l : out) {
                clashWithTheApi(l).ifPresent(p -> {
                    throw s.error("listeners", "the default " + l.name() + " listener: " + p);
                });
            }
            return out;
        }

        /**
         * Why a listener cannot share the monitor's API port, or empty: same port on the same address, or on a
         * wildcard on either side (the router runs inside the monitor, or beside it).
         */
        private Optional<String> clashWithTheApi(RouterConfig.Listener l) {
            var m = cluster.monitor();
            if (l.port() != m.listenPort() || !sameInterface(l.address(), m.listenAddress())) {
                return Optional.empty();
            }
            String api = (m.listenAddress().contains(":") ? "[" + m.listenAddress() + "]" : m.listenAddress()) + ":"
                    + m.listenPort();
            return Optional.of(l.endpoint() + " clashes with the monitor's API (monitor.listen " + api + "): "
                    + "choose another port");
        }

        private static boolean sameInterface(String a, String b) {
            String x = a.equalsIgnoreCase("localhost") ? "127.0.0.1" : a;
            String y = b.equalsIgnoreCase("localhost") ? "127.0.0.1" : b;
            return x.equals(y) || wildcard(x) || wildcard(y);
        }

        private static boolean wildcard(String address) {
            return address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
        }

        private static String required(YamlSection l, String key) {
            String v = l.requiredString(key);
            if (v.isBlank()) {
                throw l.error(key, "missing (required)");
            }
            return v;
        }

        private String[] listen(YamlSection l, String text) {
            return listen(l, "listen", text);
        }

        private String[] listen(YamlSection l, String key, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw l.error(key, "must be address:port, not '" + text + "'");
            }
            String address = text.substring(0, colon).replace("[", "").replace("]", "").trim();
            String port = text.substring(colon + 1).trim();
            try {
                int p = Integer.parseInt(port);
                if (p >= 1 && p <= 65535 && !address.isEmpty()) {
                    return new String[] {address, Integer.toString(p)};
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw l.error(key, "must be address:port with a port 1..65535, not '" + text + "'");
        }
    }
}
