package io.ringmaster.router;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.Durations;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
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
 *   monitor: http://127.0.0.1:9988   # standalone: the API to follow (default: monitor.listen)
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
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

    private RouterConfigReader() {}

    /**
     * Reads the {@code router:} section of a file, resolving {@code ${VAR}} from the process environment.
     *
     * @param cluster the cluster's validated configuration (roles, hosts, the monitor's address)
     * @return the router settings, or empty when the file has no {@code router:} section
     * @throws ConfigException when the file cannot be read or the section is invalid
     */
    public static Optional<RouterConfig> read(Path file, RingmasterConfig cluster) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "", "cannot read: " + e.getMessage());
        }
        return parse(text, file.toString(), cluster, System::getenv);
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
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
            var loc = e.getLocation();
            throw new ConfigException(source, "", "invalid YAML" + (loc == null ? "" : " at line " + loc.getLineNr())
                    + ": " + msg);
        }
        if (root == null || !root.isObject() || root.get("router") == null || root.get("router").isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Reader(source, cluster, env).router(root.get("router")));
    }

    private record Reader(String source, RingmasterConfig cluster, Function<String, String> env) {

        RouterConfig router(JsonNode node) {
            Section s = new Section(this, "router", node);
            s.allow("enabled", "monitor", "writer_lease", "hold_timeout", "drain_time", "connect_timeout",
                    "io_threads", "max_held", "listeners");
            boolean enabled = s.bool("enabled", true);
            Optional<URI> monitor = Optional.ofNullable(s.string("monitor", null)).map(u -> url(s, u));
            Duration lease = writerLease(s);
            Duration hold = s.duration("hold_timeout", RouterConfig.DEFAULT_HOLD_TIMEOUT, false);
            Duration drain = s.duration("drain_time", RouterConfig.DEFAULT_DRAIN_TIME, false);
            Duration connect = s.duration("connect_timeout", RouterConfig.DEFAULT_CONNECT_TIMEOUT, true);
            int threads = s.integer("io_threads", RouterConfig.defaultIoThreads(), 1, 64);
            int maxHeld = s.integer("max_held", RouterConfig.DEFAULT_MAX_HELD, 0, 100_000);
            List<RouterConfig.Listener> listeners = listeners(s);
            try {
                return new RouterConfig(enabled, monitor, lease, hold, drain, connect, threads, maxHeld, listeners);
            } catch (IllegalArgumentException e) {
                throw s.error("listeners", e.getMessage());
            }
        }

        /**
         * The router's lease must not outlast the monitor's {@code monitor.writer_lease}, which the monitor waits out
         * before promoting when it cannot fence the old writer; by default it is the shorter of the two.
         */
        private Duration writerLease(Section s) {
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

        private URI url(Section s, String text) {
            try {
                URI u = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
                if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535
                        || !(u.getPath() == null || u.getPath().isEmpty()) || u.getQuery() != null) {
                    throw s.error("monitor", "must be http://host:port (the monitor's API), not '" + text + "'");
                }
                return u;
            } catch (URISyntaxException e) {
                throw s.error("monitor", "must be http://host:port (the monitor's API), not '" + text + "'");
            }
        }

        private List<RouterConfig.Listener> listeners(Section s) {
            List<Section> items = s.list("listeners");
            if (items == null) {
                return defaultListeners(s);
            }
            if (items.isEmpty()) {
                throw s.error("listeners", "at least one listener is needed");
            }
            List<RouterConfig.Listener> out = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            Set<String> endpoints = new LinkedHashSet<>();
            for (Section l : items) {
                l.allow("name", "role", "listen", "hosts");
                String roleName = l.required("role");
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
                String[] hp = listen(l, l.required("listen"));
                RouterConfig.Listener listener = new RouterConfig.Listener(name, roleName, hp[0],
                        Integer.parseInt(hp[1]), hosts(l, role));
                if (!endpoints.add(listener.endpoint())) {
                    throw l.error("listen", "another listener already uses " + listener.endpoint());
                }
                out.add(listener);
            }
            return out;
        }

        private List<String> hosts(Section l, RoleConfig role) {
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
        private List<RouterConfig.Listener> defaultListeners(Section s) {
            List<RouterConfig.Listener> out = new ArrayList<>();
            cluster.writerRole().ifPresent(r -> out.add(new RouterConfig.Listener(r.name(), r.name(), "127.0.0.1",
                    6446, List.of())));
            cluster.roles().stream().filter(r -> !r.isExclusive()).findFirst().ifPresent(r -> out.add(
                    new RouterConfig.Listener(r.name(), r.name(), "127.0.0.1", 6447, List.of())));
            if (out.isEmpty()) {
                throw s.error("listeners", "the cluster has no roles to listen for");
            }
            return out;
        }

        private String[] listen(Section l, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw l.error("listen", "must be address:port, not '" + text + "'");
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
            throw l.error("listen", "must be address:port with a port 1..65535, not '" + text + "'");
        }
    }

    /** One mapping of the YAML with its path, the keys it accepts, and typed getters that report the field. */
    private static final class Section {
        private final Reader reader;
        private final String path;
        private final JsonNode node;

        Section(Reader reader, String path, JsonNode node) {
            this.reader = reader;
            this.path = path;
            this.node = node;
            if (!node.isObject()) {
                throw new ConfigException(reader.source(), path, "must be a mapping of keys to values");
            }
        }

        void allow(String... keys) {
            Set<String> allowed = Set.of(keys);
            node.fieldNames().forEachRemaining(k -> {
                if (!allowed.contains(k)) {
                    throw new ConfigException(reader.source(), path + "." + k, "unknown key (expected one of "
                            + String.join(", ", keys) + ")");
                }
            });
        }

        ConfigException error(String key, String problem) {
            return new ConfigException(reader.source(), path + "." + key, problem);
        }

        boolean has(String key) {
            return node.get(key) != null && !node.get(key).isNull();
        }

        String string(String key, String dflt) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isValueNode()) {
                throw error(key, "must be a single value");
            }
            return substitute(key, v.asText());
        }

        String required(String key) {
            String v = string(key, null);
            if (v == null || v.isBlank()) {
                throw error(key, "missing (required)");
            }
            return v;
        }

        boolean bool(String key, boolean dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw error(key, "must be true or false, not '" + v + "'");
            };
        }

        int integer(String key, int dflt, int min, int max) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw error(key, "must be a whole number from " + min + " to " + max + ", not '" + v + "'");
        }

        Duration duration(String key, Duration dflt, boolean positive) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            Duration d;
            try {
                d = Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
            if (positive && d.isZero()) {
                throw error(key, "must be greater than zero");
            }
            return d;
        }

        /** The list under a key, or null when the key is absent. */
        List<Section> list(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isArray()) {
                throw error(key, "must be a list");
            }
            List<Section> items = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                items.add(new Section(reader, path + "." + key + "[" + i + "]", v.get(i)));
            }
            return items;
        }

        List<String> stringList(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (v.isTextual()) {
                String text = substitute(key, v.asText()).trim();
                return text.isEmpty() ? List.of() : List.of(text.split("\\s*,\\s*"));
            }
            if (!v.isArray()) {
                throw error(key, "must be a list of host names");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : v) {
                if (!item.isValueNode() || item.isNull()) {
                    throw error(key, "must be a list of host names");
                }
                out.add(substitute(key, item.asText()));
            }
            return out;
        }

        private String substitute(String key, String value) {
            Matcher m = REF.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String resolved = reader.env().apply(m.group(1));
                if (resolved == null) {
                    if (m.group(2) == null) {
                        throw error(key, "environment variable " + m.group(1) + " is not set");
                    }
                    resolved = m.group(2);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(resolved));
            }
            m.appendTail(out);
            return out.toString();
        }
    }
}
