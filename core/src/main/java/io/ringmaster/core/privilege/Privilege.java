package io.ringmaster.core.privilege;

import java.util.Objects;

/**
 * One privilege at one level, as in {@code GRANT name ON level}. Immutable.
 *
 * @param name  the privilege as MariaDB spells it in SHOW GRANTS, upper case, e.g. {@code SLAVE MONITOR},
 *              {@code GRANT OPTION}
 * @param level {@code *.*} for a global privilege, or {@code `schema`.*}
 */
public record Privilege(String name, String level) {
    /** The global level. */
    public static final String GLOBAL = "*.*";

    public Privilege {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
    }

    /** A global privilege ({@code ON *.*}). */
    public static Privilege global(String name) {
        return new Privilege(name, GLOBAL);
    }

    /** A privilege on every table of {@code schema}. */
    public static Privilege onSchema(String name, String schema) {
        return new Privilege(name, "`" + schema.replace("`", "``") + "`.*");
    }

    /** True for {@code ON *.*}. */
    public boolean isGlobal() {
        return GLOBAL.equals(level);
    }

    @Override
    public String toString() {
        return isGlobal() ? name : name + " ON " + level;
    }
}
