package io.ringmaster.tools.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The exit code of {@code ringmaster lint}: a bit mask like the checksum's ({@code tools.checksum.ExitStatus}), one
 * bit per kind of problem, so a script can tell "a host was down" from "MyISAM tables". 0: every check passed on
 * every host. Bit 2 is the project-wide "bad usage or configuration" code and then comes alone (nothing ran).
 */
public enum LintStatus {
    /** 1: a host could not be read. */
    ERROR(1, "a host could not be read"),
    /** 2: bad option or configuration (alone). */
    USAGE(2, "bad usage or configuration"),
    /** 4: replication settings: log_slave_updates, server_id, gtid_domain_id, read_only, strict mode, filters. */
    REPLICATION(4, "unsafe replication settings"),
    /** 8: auto-increment ids that two masters can both give out. */
    WRITE_COLLISION(8, "auto-increment collisions possible"),
    /** 16: binary log or semi-sync settings that lose or hide data. */
    DURABILITY(16, "binary log or semi-sync unsuitable"),
    /** 32: timeouts that make failure detection slower than configured. */
    DETECTION(32, "failure detection too slow"),
    /** 64: tables that are not InnoDB or have no primary key. */
    TABLES(64, "unsafe tables"),
    /** 128: hosts that differ: server versions, clocks. */
    DRIFT(128, "hosts differ (versions, clocks)");

    private final int bit;
    private final String meaning;

    LintStatus(int bit, String meaning) {
        this.bit = bit;
        this.meaning = meaning;
    }

    /** The bit's value. */
    public int bit() {
        return bit;
    }

    /** What the bit means, one line. */
    public String meaning() {
        return meaning;
    }

    /** The OR of the bits (0 when empty). */
    public static int code(Set<LintStatus> outcomes) {
        int code = 0;
        for (LintStatus s : outcomes) {
            code |= s.bit;
        }
        return code;
    }

    /** One line per bit, for {@code --help}. */
    public static List<String> legend() {
        List<String> lines = new ArrayList<>();
        for (LintStatus s : values()) {
            lines.add(s.bit + " " + s.meaning);
        }
        return lines;
    }
}
