package io.ringmaster.tools.mmm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link MmmParser} read from one or more MMM files, before any meaning is given to it: the global variables
 * and the sections, each variable with the file and line it came from. Sections opened twice (for instance
 * {@code <host default>} in both {@code mmm_common.conf} and {@code mmm_mon.conf}) are merged, and a variable set
 * twice keeps its last value, as MMM did. Mutable while parsing, then only read; not thread-safe.
 */
final class MmmDocument {

    /**
     * One {@code key value} line.
     *
     * @param key   the variable
     * @param value the rest of the line, trailing blanks removed; may be a password, so never print it blindly
     * @param file  the file as shown to the operator
     * @param line  1-based line number
     */
    record Entry(String key, String value, String file, int line) {
        /** True when the value is a password. */
        boolean secret() {
            return MmmSchema.isSecret(key);
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + key + " " + (secret() ? "******" : value);
        }
    }

    /** One section: {@code <host db1>} (named) or {@code <monitor>} (unique, name null). */
    static final class Section {
        final String type;
        final String name;
        final String file;
        final int line;
        final Map<String, Entry> entries = new LinkedHashMap<>();

        Section(String type, String name, String file, int line) {
            this.type = type;
            this.name = name;
            this.file = file;
            this.line = line;
        }

        /** The entry for a key, or null. */
        Entry get(String key) {
            return entries.get(key);
        }

        /** {@code <host db1>} or {@code <monitor>}, for messages. */
        String tag() {
            return "<" + type + (name == null ? "" : " " + name) + ">";
        }
    }

    final Map<String, Entry> globals = new LinkedHashMap<>();
    /** Sections by type, then by name (unique sections under the name ""), in the order first seen. */
    final Map<String, Map<String, Section>> sections = new LinkedHashMap<>();
    /** Every file read, includes too, in reading order, as shown to the operator. */
    final List<String> files = new ArrayList<>();
    /** Warnings found while reading (world-readable files holding a password, values with a '#'...). */
    final List<MmmNote> notes = new ArrayList<>();

    /** The sections of a type by name, in the order first seen; empty when there are none. */
    Map<String, Section> sections(String type) {
        return sections.getOrDefault(type, Map.of());
    }

    /** The unique section of a type ({@code monitor}, {@code socket}), or null. */
    Section unique(String type) {
        return sections(type).get("");
    }

    /** Finds or creates a section; a section opened again is the same one, as in MMM. */
    Section open(String type, String name, String file, int line) {
        return sections.computeIfAbsent(type, t -> new LinkedHashMap<>())
                .computeIfAbsent(name == null ? "" : name, n -> new Section(type, name, file, line));
    }
}
