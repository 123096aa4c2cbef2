package io.ringmaster.core.privilege;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges an account holds, parsed from the lines of {@code SHOW GRANTS} (for the current user). Global and
 * schema-level grants are understood, with {@code ALL PRIVILEGES}, {@code WITH GRANT OPTION}, the 10.5 aliases
 * (REPLICATION CLIENT = BINLOG MONITOR, REPLICA MONITOR = SLAVE MONITOR, ...) and what SUPER still implies (the split
 * privileges before 11.0.1, READ_ONLY ADMIN before 10.11.0). Table- and column-level grants and privileges that come
 * through roles are not counted ({@link #roles()} names the roles, so a report can say so). Immutable.
 */
public final class HeldPrivileges {
    /** The pseudo privilege for {@code WITH GRANT OPTION} at a level. */
    public static final String GRANT_OPTION = "GRANT OPTION";
    private static final String ALL = "ALL PRIVILEGES";
    private static final Pattern GRANT_ON = Pattern.compile("^GRANT (.+?) ON (\\S+) TO .*$", Pattern.DOTALL);
    private static final Pattern GRANT_ROLE = Pattern.compile("^GRANT (`[^`]*`) TO .*$", Pattern.DOTALL);
    private static final Map<String, String> ALIASES = Map.of(
            "REPLICATION CLIENT", "BINLOG MONITOR",
            "REPLICA MONITOR", "SLAVE MONITOR",
            "REPLICATION REPLICA ADMIN", "REPLICATION SLAVE ADMIN",
            "REPLICATION REPLICA", "REPLICATION SLAVE",
            "READ ONLY ADMIN", PrivilegeRequirements.READ_ONLY_ADMIN,
            "ALL", ALL);
    /** The privileges split out of SUPER in 10.5.2, which SUPER implies until 11.0.1. */
    private static final Set<String> SPLIT_FROM_SUPER = Set.of("BINLOG ADMIN", "BINLOG MONITOR", "BINLOG REPLAY",
            "CONNECTION ADMIN", "FEDERATED ADMIN", PrivilegeRequirements.READ_ONLY_ADMIN, "REPLICATION MASTER ADMIN",
            "REPLICATION SLAVE ADMIN", "SET USER", "SLAVE MONITOR");

    private final Map<String, Set<String>> byLevel;
    private final List<String> roles;

    private HeldPrivileges(Map<String, Set<String>> byLevel, List<String> roles) {
        this.byLevel = byLevel;
        this.roles = roles;
    }

    /**
     * Parses SHOW GRANTS lines; lines it does not understand (PROXY, table-level) are skipped.
     *
     * @param lines one GRANT statement per element, as the server printed it
     */
    public static HeldPrivileges parse(List<String> lines) {
        Map<String, Set<String>> byLevel = new HashMap<>();
        List<String> roles = new java.util.ArrayList<>();
        for (String line : lines) {
            String l = line.trim();
            Matcher role = GRANT_ROLE.matcher(l);
            if (role.matches()) {
                roles.add(role.group(1));
                continue;
            }
            Matcher m = GRANT_ON.matcher(l);
            if (!m.matches() || m.group(1).startsWith("PROXY")) {
                continue;
            }
            String level = normalizeLevel(m.group(2));
            if (level == null) {
                continue; // a table or routine
            }
            Set<String> set = byLevel.computeIfAbsent(level, k -> new HashSet<>());
            for (String p : splitList(m.group(1))) {
                String name = p.replaceAll("\\s*\\(.*\\)$", "").trim().toUpperCase(Locale.ROOT);
                set.add(ALIASES.getOrDefault(name, name));
            }
            if (l.toUpperCase(Locale.ROOT).contains(" WITH GRANT OPTION")) {
                set.add(GRANT_OPTION);
            }
        }
        byLevel.replaceAll((k, v) -> Set.copyOf(v));
        return new HeldPrivileges(Map.copyOf(byLevel), List.copyOf(roles));
    }

    /** True when the account holds {@code p} on {@code version}, directly, through ALL or through SUPER. */
    public boolean has(Privilege p, ServerVersion version) {
        if (holdsAt(Privilege.GLOBAL, p.name(), version)) {
            return true;
        }
        return !p.isGlobal() && holdsAt(p.level(), p.name(), version);
    }

    /** Roles granted to the account (their privileges are not counted), may be empty. */
    public List<String> roles() {
        return roles;
    }

    private boolean holdsAt(String level, String name, ServerVersion version) {
        Set<String> set = byLevel.getOrDefault(level, Set.of());
        if (set.contains(name)) {
            return true;
        }
        if (set.contains(ALL) && !name.equals(GRANT_OPTION)) {
            return true;
        }
        if (level.equals(Privilege.GLOBAL) && set.contains("SUPER") && SPLIT_FROM_SUPER.contains(name)
                && !version.atLeast(11, 0, 1)) {
            return !name.equals(PrivilegeRequirements.READ_ONLY_ADMIN) || !version.atLeast(10, 11, 0);
        }
        return false;
    }

    /** {@code *.*} stays; {@code `db`.*} stays; anything naming a table gives null. */
    private static String normalizeLevel(String level) {
        if (level.equals("*.*")) {
            return level;
        }
        if (level.endsWith(".*")) {
            String db = level.substring(0, level.length() - 2);
            if (!db.startsWith("`")) {
                db = "`" + db + "`";
            }
            return db + ".*";
        }
        return null;
    }

    /** Splits "SELECT (a, b), INSERT" at the commas outside parentheses. */
    private static List<String> splitList(String text) {
        List<String> out = new java.util.ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString().trim());
        }
        return out;
    }
}
