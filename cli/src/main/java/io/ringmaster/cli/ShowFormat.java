package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Text forms of the monitor's show view ({@code GET /api/v1/status}): MMM's exact {@code mmm_control show} lines for
 * scripts that parse them, and a replication tree (source, lag, read_only of every host) in the manner of
 * orchestrator's topology view. Pure functions of the JSON and the configuration; thread-safe.
 */
final class ShowFormat {
    private ShowFormat() {}

    /**
     * MMM 2.2's {@code mmm_control show}: the PASSIVE header, then one line per host sorted by name,
     * {@code "  db1(192.168.0.31) master/ONLINE. Roles: reader(192.168.0.51), writer(192.168.0.50)"}, with MMM's
     * {@code master}/{@code slave} and the host's configured address without port (MMM's {@code ip}), roles sorted
     * by name then address, then MMM's lines about preferred hosts. A role is written {@code name(address)}, once per
     * address the host holds (MMM's role instances); a role without an address is written {@code name()}, as MMM's
     * {@code Role::to_string} ({@code sprintf('%s(%s)', name, ip)}) writes a role whose ip is empty.
     *
     * @param status the show view; a host's {@code roleAddresses} object ({@code {"reader": ["192.168.0.51"]}}) is
     *               used when present
     * @param config the configuration the CLI loaded (host addresses, role preferences)
     * @return the lines, each ending in a newline; never null
     */
    static String mmm(JsonNode status, RingmasterConfig config) {
        StringBuilder b = new StringBuilder();
        if ("PASSIVE".equals(status.path("mode").asText())) {
            b.append("# --- Monitor is in PASSIVE MODE ---\n");
            b.append("# Cause: mode PASSIVE (set-passive or the configuration)\n");
        }
        Map<String, JsonNode> byName = new TreeMap<>();
        status.path("hosts").forEach(h -> byName.put(h.path("name").asText(), h));
        Map<String, String> holders = new LinkedHashMap<>();
        byName.forEach((name, h) -> {
            String ip = config.findHost(name).map(HostConfig::address).orElse(h.path("address").asText());
            String mode = "replica".equals(h.path("mode").asText()) ? "slave" : h.path("mode").asText();
            List<String> roles = roles(h, "()");
            h.path("roles").forEach(r -> holders.putIfAbsent(r.asText(), name));
            b.append(String.format(Locale.ROOT, "  %s(%s) %s/%s. Roles: %s%n", name, ip, mode,
                    h.path("state").asText(), String.join(", ", roles)));
        });
        for (RoleConfig role : config.roles()) {
            if (role.prefer().isEmpty()) {
                continue;
            }
            String prefer = role.prefer().get();
            String owner = holders.get(role.name());
            if (prefer.equals(owner)) {
                b.append("# Role ").append(role.name()).append(" is assigned to it's preferred host ").append(prefer)
                        .append(".\n");
            } else if (owner != null) {
                b.append("# Role ").append(role.name()).append(" has ").append(prefer)
                        .append(" configured as it's preferred host but is assigned to ").append(owner)
                        .append(" at the moment.\n");
            } else {
                b.append("# Role ").append(role.name()).append(" has ").append(prefer)
                        .append(" configured as it's preferred host.\n");
            }
        }
        return b.toString();
    }

    /**
     * A host's roles as {@code role(address)}, one per role address it holds (a balanced role may hold several),
     * sorted by name then address; a role it holds without an address is written {@code role + bare}.
     *
     * @param h    a host of the show view: {@code roles}, and {@code roleAddresses} ({@code {role: [ip...]}}, or one
     *             string per role) when present
     * @param bare what follows the name of a role without an address: {@code "()"} as MMM, or {@code ""}
     */
    static List<String> roles(JsonNode h, String bare) {
        List<String> roles = new ArrayList<>();
        for (JsonNode r : h.path("roles")) {
            JsonNode ips = h.path("roleAddresses").path(r.asText());
            List<String> held = new ArrayList<>();
            if (ips.isArray()) {
                ips.forEach(ip -> held.add(ip.asText()));
            } else if (ips.isTextual() && !ips.asText().isEmpty()) {
                held.add(ips.asText());
            }
            if (held.isEmpty()) {
                roles.add(r.asText() + bare);
            }
            held.forEach(ip -> roles.add(r.asText() + "(" + ip + ")"));
        }
        roles.sort(String::compareTo);
        return roles;
    }

    /**
     * The replication tree: the writer first (or, without one, each host that reads from no known host), then
     * under each host the hosts that replicate from it, indented by two spaces per level; a host reached a second
     * time (a ring closing on itself) is not repeated, its line names its source instead. Each line:
     * {@code "+ db2 master/ONLINE  source=db1  lag=0.0s  read_only=ON  roles=reader"} ({@code lag=?} and
     * {@code read_only=?} when unknown, {@code source=-} for none).
     *
     * @param status the show view (hosts with {@code name, mode, state, roles, readOnly, lagSeconds, source})
     * @return the tree under a {@code # Topology} header, each line ending in a newline; never null
     */
    static String tree(JsonNode status) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        status.path("hosts").forEach(h -> byName.put(h.path("name").asText(), h));
        Map<String, List<String>> children = new TreeMap<>();
        byName.forEach((name, h) -> {
            String src = source(h);
            if (src != null && byName.containsKey(src)) {
                children.computeIfAbsent(src, k -> new ArrayList<>()).add(name);
            }
        });
        children.values().forEach(l -> l.sort(String::compareTo));
        List<String> roots = new ArrayList<>();
        String writer = status.path("writer").isTextual() ? status.path("writer").asText() : null;
        if (writer != null && byName.containsKey(writer)) {
            roots.add(writer);
        }
        byName.forEach((name, h) -> {
            String src = source(h);
            if (!name.equals(writer) && (src == null || !byName.containsKey(src))) {
                roots.add(name);
            }
        });
        StringBuilder b = new StringBuilder("# Topology (each host under its replication source):\n");
        Set<String> seen = new HashSet<>();
        for (String root : roots) {
            walk(root, 0, byName, children, seen, b);
        }
        // hosts only on a cycle that holds no writer (a ring without a writer): start at the first of them
        for (String name : byName.keySet()) {
            if (!seen.contains(name)) {
                walk(name, 0, byName, children, seen, b);
            }
        }
        return b.toString();
    }

    private static void walk(String name, int depth, Map<String, JsonNode> byName, Map<String, List<String>> children,
                             Set<String> seen, StringBuilder b) {
        if (!seen.add(name)) {
            return;
        }
        JsonNode h = byName.get(name);
        b.append("  ".repeat(depth)).append(depth == 0 ? "" : "+ ").append(line(h)).append('\n');
        for (String child : children.getOrDefault(name, List.of())) {
            walk(child, depth + 1, byName, children, seen, b);
        }
    }

    private static String line(JsonNode h) {
        List<String> roles = new ArrayList<>();
        h.path("roles").forEach(r -> roles.add(r.asText()));
        roles.sort(String::compareTo);
        JsonNode lag = h.path("lagSeconds");
        JsonNode ro = h.path("readOnly");
        String src = source(h);
        return h.path("name").asText() + " " + h.path("mode").asText() + "/" + h.path("state").asText()
                + "  source=" + (src == null ? "-" : src)
                + "  lag=" + (lag.isNumber() ? String.format(Locale.ROOT, "%.1fs", lag.asDouble()) : "?")
                + "  read_only=" + (ro.isBoolean() ? (ro.asBoolean() ? "ON" : "OFF") : "?")
                + "  roles=" + (roles.isEmpty() ? "-" : String.join(",", roles));
    }

    private static String source(JsonNode h) {
        JsonNode s = h.path("source");
        return s.isTextual() && !s.asText().isEmpty() ? s.asText() : null;
    }
}
