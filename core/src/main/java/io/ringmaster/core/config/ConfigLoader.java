package io.ringmaster.core.config;

import io.ringmaster.core.model.HostMode;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.model.RoleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code ringmaster.yml} into a validated {@link RingmasterConfig}.
 *
 * <p>Strict by design: unknown keys, duplicate keys, missing fields, duplicate names, bad ports or durations and
 * references to unknown hosts are refused with a {@link ConfigException} naming the file and the field. Values
 * are never silently corrected. {@code ${VAR}} and {@code ${VAR:-default}} in any string are replaced from the
 * environment; a reference to an unset variable without a default is an error.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern IP = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private ConfigLoader() {}

    /**
     * Reads a configuration file as UTF-8 text.
     *
     * @throws ConfigException naming the file when it does not exist or cannot be read
     */
    public static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "", "cannot read: " + e.getMessage());
        }
    }

    /**
     * Loads a file, resolving {@code ${VAR}} from the process environment.
     *
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static RingmasterConfig load(Path file) {
        return load(file, System::getenv);
    }

    /**
     * Loads a file, resolving {@code ${VAR}} with the given lookup.
     *
     * @param env returns a variable's value, or null when unset
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static RingmasterConfig load(Path file, Function<String, String> env) {
        String text = readText(file);
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir, file, env);
    }

    /**
     * Parses configuration text.
     *
     * @param text    the YAML
     * @param source  name used in error messages (normally the file path)
     * @param baseDir folder that relative paths (the state file) are resolved against
     * @param file    the file it came from, may be null
     * @param env     variable lookup for {@code ${VAR}}
     * @throws ConfigException when the text is not a valid configuration
     */
    public static RingmasterConfig parse(String text, String source, Path baseDir, Path file,
                                         Function<String, String> env) {
        YamlSection top = YamlSection.parse(text, source, env);
        return new Reader(source, baseDir, file).read(top);
    }

    private record Reader(String source, Path baseDir, Path file) {

        RingmasterConfig read(YamlSection top) {
            // router: validated by the router module when a router starts (it owns those keys)
            top.allow("cluster", "monitor", "credentials", "hosts", "roles", "hooks", "checksum", "router", "agents",
                    "backup");
            String cluster = top.string("cluster", "ringmaster");
            requireName(top, "cluster", cluster);
            List<HostConfig> hosts = hosts(top.list("hosts", true));
            YamlSection monitorYamlSection = top.section("monitor", false);
            MonitorConfig monitor = monitor(monitorYamlSection);
            SafetyConfig safety = safety(monitorYamlSection);
            HooksConfig hooks = hooks(top.section("hooks", false));
            ChecksumSchedule checksum = checksum(top.section("checksum", false));
            YamlSection creds = top.section("credentials", true);
            creds.allow("monitor", "replication");
            Credentials monitorUser = credentials(creds.section("monitor", true));
            Credentials replUser = credentials(creds.section("replication", true));
            creds.finish();
            List<RoleConfig> roles = roles(top.list("roles", false), hosts);
            AgentsConfig agents = top.has("agents") ? agents(top.section("agents", true), hosts, roles, monitor)
                    : AgentsConfig.none();
            if (!agents.enabled()) {
                roles.stream().filter(r -> !r.ips().isEmpty()).findFirst().ifPresent(r -> {
                    throw new ConfigException(source, "roles[" + r.name() + "].ips", "role addresses are put on "
                            + "the hosts by their agents: add an agents: section with one agent per host of the role");
                });
            }
            BackupConfig backup = top.has("backup") ? backup(top.section("backup", true), hosts)
                    : BackupConfig.none();
            top.finish();
            return new RingmasterConfig(cluster, file, monitor, monitorUser, replUser, hosts, roles, safety, hooks,
                    checksum, agents, backup);
        }

        /**
         * The {@code agents:} section. Every host of a role with addresses needs an agent with an interface; an
         * agent that listens on an address that is not loopback needs {@code agents.token}.
         */
        private AgentsConfig agents(YamlSection s, List<HostConfig> hosts, List<RoleConfig> roles,
                                    MonitorConfig monitor) {
            s.allow("port", "token", "tls_cert", "tls_key", "tls_ca", "lease", "timeout", "hosts");
            int defaultPort = s.integer("port", AgentConfig.DEFAULT_PORT, 1, 65535);
            Duration lease = s.duration("lease", monitor.checkPeriod().multipliedBy(3), true);
            if (lease.compareTo(monitor.checkPeriod().multipliedBy(2)) < 0) {
                throw s.error("lease", Durations.format(lease) + " is shorter than two check periods ("
                        + Durations.format(monitor.checkPeriod().multipliedBy(2)) + "): the monitor renews it once "
                        + "per round, so one slow round would drop the writer's address");
            }
            Duration timeout = s.duration("timeout", "2s", true);
            List<AgentConfig> agents = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> endpoints = new HashSet<>();
            boolean open = false;
            for (YamlSection item : s.list("hosts", true)) {
                YamlSection a = byName(item, "agents.hosts", names);
                a.allow("name", "address", "port", "listen", "interface", "data_dir", "socket", "stop", "start",
                        "kill_host", "os_user");
                String name = a.requiredString("name");
                HostConfig host = hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                        .orElseThrow(() -> a.error("name", "'" + name + "' is not a host of this configuration"));
                if (!names.add(name)) {
                    throw a.error("name", "host '" + name + "' has two agents");
                }
                String address = a.string("address", host.address());
                int port = a.integer("port", defaultPort, 1, 65535);
                String listen = a.string("listen", address);
                AgentConfig agent = new AgentConfig(name, address, port, listen,
                        optional(a, "interface"), optional(a, "data_dir").map(baseDir::resolve),
                        optional(a, "socket").map(baseDir::resolve), optional(a, "stop"), optional(a, "start"),
                        optional(a, "kill_host"), optional(a, "os_user"));
                if (!endpoints.add(agent.endpoint())) {
                    throw a.error("port", "another agent already uses " + agent.endpoint());
                }
                open |= !ApiAccess.isLoopback(listen);
                a.finish();
                agents.add(agent);
            }
            ApiAccess access = access(s, "token");
            if (open && !access.hasToken()) {
                throw s.error("token", "missing (required): an agent listens on an address that is not loopback, so "
                        + "its API needs a token, or anyone who reaches it could move the writer's address; set "
                        + "token: ${RINGMASTER_AGENT_TOKEN} (a long random value, e.g. openssl rand -hex 32)");
            }
            s.finish();
            for (RoleConfig r : roles) {
                for (String h : r.ips().isEmpty() ? List.<String>of() : r.hosts()) {
                    AgentConfig agent = agents.stream().filter(x -> x.host().equals(h)).findFirst()
                            .orElseThrow(() -> new ConfigException(source, "agents.hosts", "host '" + h
                                    + "' holds role '" + r.name() + "', which has ips: it needs an agent"));
                    if (agent.networkInterface().isEmpty()) {
                        throw new ConfigException(source, "agents.hosts[" + h + "].interface", "missing (required): "
                                + "role '" + r.name() + "' has ips, so the agent needs the interface to put them on");
                    }
                }
            }
            return new AgentsConfig(access, lease, timeout, agents);
        }

        private static Optional<String> optional(YamlSection s, String key) {
            String v = s.string(key, null);
            if (v != null && v.isBlank()) {
                throw s.error(key, "must not be empty (leave the key out instead)");
            }
            return Optional.ofNullable(v);
        }

        /** The {@code backup:} section; {@code repository} is required, {@code from} must name a host. */
        private BackupConfig backup(YamlSection s, List<HostConfig> hosts) {
            s.allow("repository", "from", "archive", "schedule", "retention");
            Path repository = baseDir.resolve(s.requiredString("repository"));
            Optional<String> from = optional(s, "from");
            from.ifPresent(f -> {
                if (hosts.stream().noneMatch(h -> h.name().equals(f))) {
                    throw s.error("from", "'" + f + "' is not a host of this configuration");
                }
            });
            boolean archive = s.bool("archive", true);
            YamlSection schedule = s.section("schedule", false);
            schedule.allow("full", "incremental", "verify");
            java.time.Duration full = schedule.duration("full", "0s", false);
            java.time.Duration incremental = schedule.duration("incremental", "0s", false);
            java.time.Duration verify = schedule.duration("verify", "0s", false);
            for (String key : List.of("full", "incremental", "verify")) {
                java.time.Duration d = schedule.duration(key, "0s", false);
                if (!d.isZero() && d.compareTo(java.time.Duration.ofMinutes(1)) < 0) {
                    throw schedule.error(key, "must be at least 1m (or 0s to turn it off)");
                }
            }
            if (!incremental.isZero() && full.isZero()) {
                throw schedule.error("incremental", "incremental backups need a full one to build on: set "
                        + "backup.schedule.full as well");
            }
            schedule.finish();
            YamlSection retention = s.section("retention", false);
            retention.allow("daily", "weekly", "monthly");
            int daily = retention.integer("daily", 7, 0, 10_000);
            int weekly = retention.integer("weekly", 4, 0, 10_000);
            int monthly = retention.integer("monthly", 6, 0, 10_000);
            if (daily + weekly + monthly == 0) {
                throw retention.error("daily", "retention keeps nothing: keep at least one backup");
            }
            retention.finish();
            s.finish();
            return new BackupConfig(Optional.of(repository), from, archive, full, incremental, verify, daily, weekly,
                    monthly);
        }

        private ChecksumSchedule checksum(YamlSection s) {
            s.allow("every", "databases");
            ChecksumSchedule c = new ChecksumSchedule(s.duration("every", "0s", false), s.stringList("databases"));
            for (String db : c.databases()) {
                if (!SCHEMA.matcher(db).matches()) {
                    throw s.error("databases", "'" + db + "' is not a plain schema name");
                }
            }
            if (c.enabled() && c.every().compareTo(java.time.Duration.ofSeconds(1)) < 0) {
                throw s.error("every", "must be at least 1s (or 0s to turn the schedule off)");
            }
            return c;
        }

        private SafetyConfig safety(YamlSection s) {
            List<String> targets = s.stringList("ping_ips");
            for (String t : targets) {
                int colon = t.lastIndexOf(':');
                if (colon <= 0 || t.isBlank()) {
                    throw s.error("ping_ips", "'" + t + "' must be address:port (a TCP port that answers)");
                }
                parsePort(s, "ping_ips", t.substring(colon + 1));
            }
            Duration lease = s.duration("writer_lease", "0s", false);
            Duration block = s.duration("failover_block_period", "1h", false);
            Duration waitOther = s.duration("wait_for_other_master", "120s", false);
            String careful = s.string("careful_startup", "true").trim().toLowerCase(java.util.Locale.ROOT);
            if (!careful.matches("true|false|yes|no|on|off|1|0")) {
                throw s.error("careful_startup", "must be true or false, not '" + careful + "'");
            }
            return new SafetyConfig(targets, lease, block, waitOther, careful.matches("true|yes|on|1"));
        }

        private HooksConfig hooks(YamlSection s) {
            s.allow("pre_failover", "post_failover", "post_switchover", "timeout");
            HooksConfig h = new HooksConfig(Optional.ofNullable(s.string("pre_failover", null)),
                    Optional.ofNullable(s.string("post_failover", null)),
                    Optional.ofNullable(s.string("post_switchover", null)),
                    s.duration("timeout", "10s", true));
            s.finish();
            return h;
        }

        private MonitorConfig monitor(YamlSection s) {
            s.allow("listen", "check_period", "trap_period", "timeout", "max_backlog", "catchup_timeout",
                    "action_timeout", "auto_set_online", "flap_count", "flap_duration", "mode", "state_file",
                    "heartbeat_schema", "ping_ips", "writer_lease", "failover_block_period", "wait_for_other_master",
                    "careful_startup", "api_token", "tls_cert", "tls_key", "tls_ca", "lint_period");
            String listen = s.string("listen", "127.0.0.1:9988");
            int colon = listen.lastIndexOf(':');
            if (colon <= 0) {
                throw s.error("listen", "must be address:port, not '" + listen + "'");
            }
            String address = listen.substring(0, colon).replace("[", "").replace("]", "");
            int port = parsePort(s, "listen", listen.substring(colon + 1));
            Duration checkPeriod = s.duration("check_period", "1s", true);
            Duration trapPeriod = s.duration("trap_period", "3s", false);
            if (!trapPeriod.isZero() && trapPeriod.compareTo(checkPeriod) < 0) {
                throw s.error("trap_period", Durations.format(trapPeriod) + " is shorter than check_period ("
                        + Durations.format(checkPeriod) + "): a failure could only count at the next check anyway; "
                        + "make it at least check_period, or 0 to count the first failed check");
            }
            Duration timeout = s.duration("timeout", "1s", true);
            Duration maxBacklog = s.duration("max_backlog", "10s", true);
            Duration catchUp = s.duration("catchup_timeout", "30s", true);
            Duration action = s.duration("action_timeout", "5s", true);
            Duration autoOnline = s.duration("auto_set_online", "0s", false);
            int flapCount = s.integer("flap_count", 3, 1, 1000);
            Duration flapDuration = s.duration("flap_duration", "1h", true);
            MonitorMode mode;
            try {
                mode = MonitorMode.parse(s.string("mode", "ACTIVE"));
            } catch (IllegalArgumentException e) {
                throw s.error("mode", e.getMessage());
            }
            Path stateFile = baseDir.resolve(s.string("state_file", "ringmaster-state.json"));
            String schema = s.string("heartbeat_schema", "ringmaster");
            if (!SCHEMA.matcher(schema).matches()) {
                throw s.error("heartbeat_schema", "must be a plain schema name, not '" + schema + "'");
            }
            ApiAccess api = api(s, address, listen);
            Duration lint = s.duration("lint_period", Durations.format(MonitorConfig.DEFAULT_LINT_PERIOD), false);
            if (!lint.isZero() && lint.compareTo(Duration.ofSeconds(10)) < 0) {
                throw s.error("lint_period", "must be at least 10s (or 0s to turn the monitor's lint off)");
            }
            s.finish();
            return new MonitorConfig(address, port, checkPeriod, trapPeriod, timeout, maxBacklog, catchUp, action,
                    autoOnline, flapCount, flapDuration, mode, stateFile, schema, api, lint);
        }

        /**
         * The API's token and TLS. A listener that is not loopback without a token is refused: anyone who reaches
         * the address could move the writer.
         */
        private ApiAccess api(YamlSection s, String address, String listen) {
            ApiAccess access = access(s, "api_token");
            if (!access.hasToken() && !ApiAccess.isLoopback(address)) {
                throw s.error("api_token", "missing (required): listen " + listen + " is not a loopback address, so "
                        + "the API needs a token, or anyone who reaches it could move the writer; set api_token: "
                        + "${RINGMASTER_API_TOKEN} (a long random value, e.g. openssl rand -hex 32) or listen on "
                        + "127.0.0.1");
            }
            return access;
        }

        /** A token under {@code tokenKey} and the TLS keys {@code tls_cert}, {@code tls_key}, {@code tls_ca}. */
        private ApiAccess access(YamlSection s, String tokenKey) {
            Secret token = Secret.of(s.string(tokenKey, ""));
            if (!token.isEmpty()) {
                ApiAccess.tokenProblem(token.reveal()).ifPresent(p -> {
                    throw s.error(tokenKey, p);
                });
            }
            String cert = s.string("tls_cert", null);
            String key = s.string("tls_key", null);
            String ca = s.string("tls_ca", null);
            if (cert == null && key == null) {
                if (ca != null) {
                    throw s.error("tls_ca", "is for clients of an API with TLS: set tls_cert and tls_key too");
                }
                return new ApiAccess(token, Optional.empty());
            }
            if (cert == null || key == null) {
                String missing = cert == null ? "tls_cert" : "tls_key";
                throw s.error(missing, "missing (required): tls_cert and tls_key go together (the certificate "
                        + "chain and its PKCS#8 key, PEM)");
            }
            ApiTls tls = ApiTls.load(tlsPath(s, "tls_cert", cert), tlsPath(s, "tls_key", key),
                    ca == null ? null : tlsPath(s, "tls_ca", ca), s::error);
            return new ApiAccess(token, Optional.of(tls));
        }

        private Path tlsPath(YamlSection s, String key, String value) {
            if (value.isBlank()) {
                throw s.error(key, "must not be empty");
            }
            try {
                return baseDir.resolve(value);
            } catch (java.nio.file.InvalidPathException e) {
                throw s.error(key, "'" + value + "' is not a valid path");
            }
        }

        private Credentials credentials(YamlSection s) {
            s.allow("user", "password");
            String user = s.requiredString("user");
            if (user.isBlank()) {
                throw s.error("user", "must not be empty");
            }
            Secret password = Secret.of(s.string("password", ""));
            s.finish();
            return new Credentials(user, password);
        }

        private List<HostConfig> hosts(List<YamlSection> items) {
            if (items.isEmpty()) {
                throw new ConfigException(source, "hosts", "at least one host is needed");
            }
            List<HostConfig> hosts = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> endpoints = new HashSet<>();
            List<String> paths = new ArrayList<>();
            for (YamlSection item : items) {
                YamlSection h = byName(item, "hosts", names);
                h.allow("name", "address", "port", "mode", "master");
                String name = h.requiredString("name");
                requireName(h, "name", name);
                if (!names.add(name)) {
                    throw h.error("name", "duplicate host name '" + name + "'");
                }
                paths.add(h.path());
                String address = h.requiredString("address");
                if (address.isBlank()) {
                    throw h.error("address", "must not be empty");
                }
                int port = h.integer("port", 3306, 1, 65535);
                HostMode mode;
                try {
                    mode = HostMode.parse(h.string("mode", "master"));
                } catch (IllegalArgumentException e) {
                    throw h.error("mode", e.getMessage());
                }
                Optional<String> master = Optional.ofNullable(h.string("master", null));
                if (mode == HostMode.MASTER && master.isPresent()) {
                    throw h.error("master", "only a replica names the master it replicates from");
                }
                if (mode == HostMode.REPLICA && master.isEmpty()) {
                    throw h.error("master", "a replica must name the master it replicates from");
                }
                HostConfig host = new HostConfig(name, address, port, mode, master);
                if (!endpoints.add(host.endpoint())) {
                    throw h.error("port", "another host already uses " + host.endpoint());
                }
                h.finish();
                hosts.add(host);
            }
            for (int i = 0; i < hosts.size(); i++) {
                HostConfig h = hosts.get(i);
                if (h.master().isPresent()) {
                    String m = h.master().get();
                    boolean isMaster = hosts.stream().anyMatch(o -> o.name().equals(m) && o.isMaster());
                    if (!isMaster) {
                        throw new ConfigException(source, paths.get(i) + ".master",
                                "'" + m + "' is not a master host of this configuration");
                    }
                }
            }
            if (hosts.stream().noneMatch(HostConfig::isMaster)) {
                throw new ConfigException(source, "hosts", "at least one host must have mode master");
            }
            return hosts;
        }

        private List<RoleConfig> roles(List<YamlSection> items, List<HostConfig> hosts) {
            if (items.isEmpty()) {
                return List.of(
                        new RoleConfig("writer", RoleKind.EXCLUSIVE,
                                hosts.stream().filter(HostConfig::isMaster).map(HostConfig::name).toList(),
                                Optional.empty()),
                        new RoleConfig("reader", RoleKind.BALANCED,
                                hosts.stream().map(HostConfig::name).toList(), Optional.empty()));
            }
            List<RoleConfig> roles = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> addresses = new HashSet<>();
            for (YamlSection item : items) {
                YamlSection r = byName(item, "roles", names);
                r.allow("name", "mode", "hosts", "prefer", "ips");
                String name = r.requiredString("name");
                requireName(r, "name", name);
                if (!names.add(name)) {
                    throw r.error("name", "duplicate role name '" + name + "'");
                }
                RoleKind kind;
                try {
                    kind = RoleKind.parse(r.requiredString("mode"));
                } catch (IllegalArgumentException e) {
                    throw r.error("mode", e.getMessage());
                }
                List<String> members = r.stringList("hosts");
                if (members.isEmpty()) {
                    throw r.error("hosts", "a role needs at least one host");
                }
                Set<String> seen = new LinkedHashSet<>();
                for (String m : members) {
                    HostConfig host = hosts.stream().filter(h -> h.name().equals(m)).findFirst()
                            .orElseThrow(() -> r.error("hosts", "unknown host '" + m + "'"));
                    if (!seen.add(m)) {
                        throw r.error("hosts", "host '" + m + "' is listed twice");
                    }
                    if (kind == RoleKind.EXCLUSIVE && !host.isMaster()) {
                        throw r.error("hosts", "'" + m + "' is a replica; an exclusive role may only go to masters");
                    }
                }
                Optional<String> prefer = Optional.ofNullable(r.string("prefer", null));
                if (prefer.isPresent() && !seen.contains(prefer.get())) {
                    throw r.error("prefer", "'" + prefer.get() + "' is not one of the role's hosts");
                }
                List<String> ips = r.stringList("ips");
                if (kind == RoleKind.EXCLUSIVE && ips.size() > 1) {
                    throw r.error("ips", "an exclusive role has one address at most (it has " + ips.size() + ")");
                }
                for (String ip : ips) {
                    if (!IP.matcher(ip).matches()) {
                        throw r.error("ips", "'" + ip + "' is not an IPv4 address");
                    }
                    if (!addresses.add(ip)) {
                        throw r.error("ips", "address " + ip + " is listed twice");
                    }
                    if (hosts.stream().anyMatch(h -> h.address().equals(ip))) {
                        throw r.error("ips", "address " + ip + " is a host's own address, not a role address");
                    }
                }
                r.finish();
                roles.add(new RoleConfig(name, kind, members, prefer, ips));
            }
            if (roles.stream().filter(RoleConfig::isExclusive).count() > 1) {
                throw new ConfigException(source, "roles", "only one exclusive (writer) role is supported");
            }
            return roles;
        }

        /**
         * The item under {@code list[NAME]} once its name is valid and not yet taken, so that errors name the host
         * or role an operator knows ({@code hosts[db3].port}); under its index otherwise ({@code hosts[2].name}).
         */
        private static YamlSection byName(YamlSection item, String list, Set<String> taken) {
            String name;
            try {
                name = item.string("name", null);
            } catch (ConfigException e) {
                return item; // reported with the index when the name is read again
            }
            if (name == null || !NAME.matcher(name).matches() || taken.contains(name)) {
                return item;
            }
            return item.relabel(list + "[" + name + "]");
        }

        private void requireName(YamlSection s, String key, String value) {
            if (!NAME.matcher(value).matches()) {
                throw s.error(key, "'" + value + "' is not a valid name (letters, digits, _ . -; at most 64)");
            }
        }

        private int parsePort(YamlSection s, String key, String text) {
            try {
                int port = Integer.parseInt(text.trim());
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw s.error(key, "port must be 1..65535, not '" + text + "'");
        }
    }
}
