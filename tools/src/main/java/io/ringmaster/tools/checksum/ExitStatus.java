package io.ringmaster.tools.checksum;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The exit code of {@code ringmaster checksum}: a bit mask, after pt-table-checksum's, so that a script can tell
 * "differences found" from "could not check everything". 0 means every table was compared on every host and
 * matched. Bit 2 is the project-wide "bad usage or configuration" code and then comes alone (nothing ran).
 * Immutable bit values; {@link #code} and {@link #decode} are pure.
 */
public enum ExitStatus {
    /** 1: an error: a host unreachable, a query failed, another checksum run holds the lock. */
    ERROR(1, "error"),
    /** 2: bad option or configuration (alone: nothing ran). */
    USAGE(2, "bad usage or configuration"),
    /** 4: stopped by a signal before the end; {@code --resume} continues. */
    INTERRUPTED(4, "interrupted; run again with --resume"),
    /** 8: no host to compare with the writer. */
    NO_OTHER_HOSTS(8, "no host to compare with the writer"),
    /** 16: at least one chunk differs on at least one host. */
    DIFFERENCES(16, "differences found"),
    /** 32: some chunk could not be compared on some host (position not reached in time, lock wait, error). */
    CHUNK_SKIPPED(32, "chunks skipped"),
    /** 64: some table was not checksummed (no usable key and too big, or unreadable). */
    TABLE_SKIPPED(64, "tables skipped"),
    /** 128: a host's replication is stopped or broken. */
    REPLICATION_STOPPED(128, "replication stopped on a host");

    private final int bit;
    private final String meaning;

    ExitStatus(int bit, String meaning) {
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

    /** The exit code of a set of outcomes: the OR of their bits (0 when empty). */
    public static int code(Set<ExitStatus> outcomes) {
        int code = 0;
        for (ExitStatus s : outcomes) {
            code |= s.bit;
        }
        return code;
    }

    /** The outcomes an exit code stands for; bits that mean nothing are ignored. */
    public static Set<ExitStatus> decode(int code) {
        Set<ExitStatus> out = EnumSet.noneOf(ExitStatus.class);
        for (ExitStatus s : values()) {
            if ((code & s.bit) != 0) {
                out.add(s);
            }
        }
        return out;
    }

    /** One line per bit, for {@code --help}: {@code 16 differences found}. */
    public static List<String> legend() {
        List<String> lines = new ArrayList<>();
        for (ExitStatus s : values()) {
            lines.add(s.bit + " " + s.meaning);
        }
        return lines;
    }
}
