package io.ringmaster.core.privilege;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GRANT statements an account needs for a set of {@link Need}s on one server version, each privilege preceded
 * by a comment line giving the needs that take it: what {@code ringmaster grants} prints. Pure.
 */
public final class GrantAdvice {
    private GrantAdvice() {}

    /**
     * @param version the servers' version
     * @param needs   what the account must be able to do
     * @param account e.g. {@code 'ringmaster'@'%'}
     * @param heartbeatSchema the heartbeat table's schema
     * @return SQL lines: {@code -- PRIVILEGE: reason; reason} comments, then the GRANT statements ending in {@code ;}
     */
    public static List<String> lines(ServerVersion version, List<Need> needs, String account, String heartbeatSchema) {
        return lines(version, needs, account, heartbeatSchema, List.of());
    }

    /**
     * As {@link #lines(ServerVersion, List, String, String)}, leaving out the privileges that {@code granted} needs
     * take already (what bootstrap needs beyond the monitor's own grants).
     *
     * @return may be empty when {@code granted} covers every privilege of {@code needs}
     */
    public static List<String> lines(ServerVersion version, List<Need> needs, String account, String heartbeatSchema,
                                     List<Need> granted) {
        java.util.Set<Privilege> have = new java.util.HashSet<>();
        granted.forEach(n -> have.addAll(PrivilegeRequirements.required(version, n, heartbeatSchema)));
        Map<Privilege, List<String>> why = new LinkedHashMap<>();
        for (Need n : needs) {
            for (Privilege p : PrivilegeRequirements.required(version, n, heartbeatSchema)) {
                if (!have.contains(p)) {
                    why.computeIfAbsent(p, k -> new ArrayList<>()).add(n.description());
                }
            }
        }
        List<String> out = new ArrayList<>();
        // global privileges first, then each schema, so the comments sit above the statement they explain
        List<Privilege> ordered = new ArrayList<>(why.keySet().stream().filter(Privilege::isGlobal).toList());
        ordered.addAll(why.keySet().stream().filter(p -> !p.isGlobal()).toList());
        String level = null;
        List<Privilege> group = new ArrayList<>();
        for (Privilege p : ordered) {
            if (level != null && !level.equals(p.level())) {
                flush(out, group, account);
            }
            level = p.level();
            group.add(p);
            String label = p.name().equals(HeldPrivileges.GRANT_OPTION) ? "WITH GRANT OPTION" : p.toString();
            out.add("-- " + label + ": " + String.join("; ", why.get(p)));
        }
        flush(out, group, account);
        return out;
    }

    private static void flush(List<String> out, List<Privilege> group, String account) {
        if (!group.isEmpty()) {
            GrantStatements.render(account, group).forEach(s -> out.add(s + ";"));
            group.clear();
        }
    }
}
