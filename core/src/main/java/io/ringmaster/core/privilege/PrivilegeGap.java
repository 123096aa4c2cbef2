package io.ringmaster.core.privilege;

import java.util.List;

/**
 * Privileges an account lacks on one host for one {@link Need}, found by comparing SHOW GRANTS with
 * {@link PrivilegeRequirements}. Immutable.
 *
 * @param host    the host's name
 * @param account the account as the server spells it, e.g. {@code `ringmaster`@`%`}
 * @param version the host's version
 * @param need    what cannot be done
 * @param missing the privileges that lack, never empty
 */
public record PrivilegeGap(String host, String account, ServerVersion version, Need need, List<Privilege> missing) {
    public PrivilegeGap {
        missing = List.copyOf(missing);
        if (missing.isEmpty()) {
            throw new IllegalArgumentException("a privilege gap lacks at least one privilege");
        }
    }

    /** The GRANT statements that close the gap, one per level, e.g. {@code GRANT RELOAD ON *.* TO `m`@`%`}. */
    public List<String> grants() {
        return GrantStatements.render(account, missing);
    }

    /** One line: {@code db2: `m`@`%` lacks RELOAD to cut a link to a dead writer (STOP SLAVE, RESET SLAVE ALL)}. */
    public String describe() {
        return host + ": " + account + " lacks " + String.join(", ", missing.stream().map(Privilege::toString)
                .toList()) + " to " + need.description() + " on " + version;
    }
}
