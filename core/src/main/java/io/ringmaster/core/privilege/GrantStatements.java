package io.ringmaster.core.privilege;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders privileges as GRANT statements, one per level, {@code GRANT OPTION} as {@code WITH GRANT OPTION}. */
public final class GrantStatements {
    private GrantStatements() {}

    /**
     * @param account e.g. {@code 'ringmaster'@'%'}
     * @param privileges in the order to print them; duplicates are dropped
     * @return one statement per level (global first), without a trailing semicolon; empty for no privileges
     */
    public static List<String> render(String account, List<Privilege> privileges) {
        Map<String, List<String>> byLevel = new LinkedHashMap<>();
        byLevel.put(Privilege.GLOBAL, new ArrayList<>());
        boolean grantOption = false;
        for (Privilege p : privileges) {
            if (p.name().equals(HeldPrivileges.GRANT_OPTION)) {
                grantOption = true;
                continue;
            }
            List<String> names = byLevel.computeIfAbsent(p.level(), k -> new ArrayList<>());
            if (!names.contains(p.name())) {
                names.add(p.name());
            }
        }
        if (grantOption && byLevel.get(Privilege.GLOBAL).isEmpty()) {
            byLevel.get(Privilege.GLOBAL).add("USAGE");
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byLevel.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            out.add("GRANT " + String.join(", ", e.getValue()) + " ON " + e.getKey() + " TO " + account
                    + (grantOption && e.getKey().equals(Privilege.GLOBAL) ? " WITH GRANT OPTION" : ""));
        }
        return out;
    }

    /** {@code 'user'@'host'} with both parts quoted as string literals. */
    public static String account(String user, String host) {
        return quote(user) + "@" + quote(host);
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
