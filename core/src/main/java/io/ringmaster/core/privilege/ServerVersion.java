package io.ringmaster.core.privilege;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's version as {@code SELECT VERSION()} reports it, e.g. {@code 10.11.19-MariaDB-0+deb12u1-log}. The
 * privilege a statement needs depends on it (MariaDB 10.5.2 split SUPER; 10.5.9 added SLAVE MONITOR; 10.11.0 stopped
 * SUPER from bypassing read_only; 11.0.1 stopped SUPER from implying the split privileges). Immutable.
 *
 * @param major   e.g. 10
 * @param minor   e.g. 11
 * @param patch   e.g. 19
 * @param mariadb true for MariaDB (the version text contains "MariaDB"), false for MySQL
 */
public record ServerVersion(int major, int minor, int patch, boolean mariadb) implements Comparable<ServerVersion> {
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    /**
     * Parses {@code VERSION()} text; a {@code 5.5.5-} prefix (MariaDB's replication compatibility prefix) is skipped.
     *
     * @throws IllegalArgumentException when the text does not start with three numbers
     */
    public static ServerVersion parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("5.5.5-")) {
            t = t.substring("5.5.5-".length());
        }
        Matcher m = NUMBERS.matcher(t);
        if (!m.find()) {
            throw new IllegalArgumentException("not a server version: '" + text + "'");
        }
        return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), t.toLowerCase(java.util.Locale.ROOT).contains("mariadb"));
    }

    /** A MariaDB version. */
    public static ServerVersion mariadb(int major, int minor, int patch) {
        return new ServerVersion(major, minor, patch, true);
    }

    /** True when this version is at least {@code major.minor.patch}. */
    public boolean atLeast(int major, int minor, int patch) {
        return compareTo(new ServerVersion(major, minor, patch, mariadb)) >= 0;
    }

    @Override
    public int compareTo(ServerVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return (mariadb ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
    }
}
