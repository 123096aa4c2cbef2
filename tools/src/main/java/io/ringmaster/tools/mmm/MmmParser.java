package io.ringmaster.tools.mmm;

import io.ringmaster.tools.mmm.MmmDocument.Entry;
import io.ringmaster.tools.mmm.MmmDocument.Section;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads MMM 2.x configuration files ({@code mmm_common.conf}, {@code mmm_mon.conf}, {@code mmm_agent.conf}) into an
 * {@link MmmDocument}.
 *
 * <p>The syntax is MMM's: {@code key value} lines, whole-line {@code #} comments, {@code <type>} and
 * {@code <type name>} sections closed by {@code </type>}, empty sections {@code <type name/>}, and
 * {@code include FILE}, resolved against the folder of the including file ({@code .conf} is added when the name
 * has none and the file without it does not exist). A file named twice is read once. Unlike MMM, a section left
 * open, a closing tag that does not match, and a section inside another are errors rather than silently accepted.
 * Files that others can read and that hold a password, or that others can write, give a warning note (MMM refused
 * to start with them).
 *
 * <p>Not thread-safe; use one instance per parse (the static entry point does).
 */
final class MmmParser {
    private static final Pattern TAG = Pattern.compile("<\\s*(/)?\\s*(\\w+)(?:\\s+([\\w-]+))?\\s*(/)?\\s*>");
    private static final Pattern KEY_VALUE = Pattern.compile("(\\S+)\\s+(.*)");

    private final MmmDocument doc = new MmmDocument();
    /** Files being read, innermost last, as real paths: an include of one of them is a loop. */
    private final Deque<Path> reading = new ArrayDeque<>();
    private final Deque<String> readingShown = new ArrayDeque<>();
    private final Set<Path> done = new HashSet<>();

    private MmmParser() {}

    /**
     * Reads the files in order, with their includes, into one document.
     *
     * @param files at least one file; relative paths are taken from the working folder
     * @return the document, never null
     * @throws MmmConfigException {@code FILE:LINE: problem} for the first file that is missing or malformed
     */
    static MmmDocument parse(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no MMM configuration file given");
        }
        MmmParser p = new MmmParser();
        for (Path f : files) {
            p.read(f, f.toString(), null, 0);
        }
        return p.doc;
    }

    /**
     * Reads one file, unless it was read already.
     *
     * @param fromFile the including file, or null for a file named by the operator
     * @param fromLine the line of the {@code include}
     */
    private void read(Path path, String shown, String fromFile, int fromLine) {
        Path key = realPath(path);
        if (reading.contains(key)) {
            String chain = String.join(" -> ", readingShown) + " -> " + shown;
            throw new MmmConfigException(fromFile, fromLine, "include loop: " + chain);
        }
        if (!done.add(key)) {
            return;
        }
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw fromFile == null
                    ? new MmmConfigException(shown, 0, "no such file")
                    : new MmmConfigException(fromFile, fromLine, "include: no such file " + shown);
        } catch (MalformedInputException e) {
            throw new MmmConfigException(shown, 0, "not a text file (invalid UTF-8)");
        } catch (IOException e) {
            throw new MmmConfigException(shown, 0, "cannot read: " + e.getMessage());
        }
        doc.files.add(shown);
        reading.addLast(key);
        readingShown.addLast(shown);
        Entry firstPassword = parseText(text, shown, path);
        reading.removeLast();
        readingShown.removeLast();
        checkPermissions(path, shown, firstPassword);
    }

    /** Parses one file's text; returns the first entry holding a password, or null. */
    private Entry parseText(String text, String file, Path path) {
        Section current = null;
        Entry firstPassword = null;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int n = i + 1;
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("<")) {
                current = tag(t, file, n, current);
                continue;
            }
            Matcher kv = KEY_VALUE.matcher(t);
            if (t.split("\\s+", 2)[0].endsWith(":")) {
                throw new MmmConfigException(file, n, "'" + t.split("\\s+", 2)[0] + "' looks like YAML: this is not "
                        + "MMM configuration (MMM writes 'key value')");
            }
            if (!kv.matches()) {
                throw new MmmConfigException(file, n, "'" + t + "' has no value (expected 'key value')");
            }
            String name = kv.group(1);
            String value = kv.group(2).strip();
            if (name.equals("include")) {
                include(value, file, n, path, current);
                continue;
            }
            Entry e = new Entry(name, value, file, n);
            if (current == null) {
                global(e);
            } else {
                put(current, e);
            }
            if (e.secret() && !value.isEmpty() && firstPassword == null) {
                firstPassword = e;
            }
        }
        if (current != null) {
            throw new MmmConfigException(current.file, current.line,
                    current.tag() + " is not closed (missing </" + current.type + ">)");
        }
        return firstPassword;
    }

    /** Handles a section tag; returns the section now open, or null at top level. */
    private Section tag(String t, String file, int n, Section current) {
        Matcher m = TAG.matcher(t);
        if (!m.matches()) {
            throw new MmmConfigException(file, n, "malformed section tag '" + t
                    + "' (expected <type>, <type name>, <type name/> or </type>)");
        }
        boolean closing = m.group(1) != null;
        String type = m.group(2);
        String name = m.group(3);
        boolean empty = m.group(4) != null;
        if (closing) {
            if (name != null || empty) {
                throw new MmmConfigException(file, n, "malformed closing tag '" + t + "' (expected </" + type + ">)");
            }
            if (current == null) {
                throw new MmmConfigException(file, n, "</" + type + "> closes no open section");
            }
            if (!current.type.equals(type)) {
                throw new MmmConfigException(file, n, "</" + type + "> does not close " + current.tag()
                        + " opened at line " + current.line + " (expected </" + current.type + ">)");
            }
            return null;
        }
        if (current != null) {
            throw new MmmConfigException(file, n, "<" + type + (name == null ? "" : " " + name) + "> inside "
                    + current.tag() + " opened at line " + current.line + " (close it with </" + current.type
                    + "> first)");
        }
        MmmSchema.Kind kind = MmmSchema.KINDS.get(type);
        if (kind == null) {
            throw new MmmConfigException(file, n, "unknown section type <" + type + "> (MMM knows "
                    + MmmSchema.KINDS.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
        }
        if (kind.named() && name == null) {
            throw new MmmConfigException(file, n, "<" + type + "> needs a name: <" + type + " NAME>");
        }
        if (!kind.named() && name != null) {
            throw new MmmConfigException(file, n, "<" + type + "> is a unique section and takes no name (found '"
                    + name + "')");
        }
        if (type.equals("check") && !name.equals(MmmSchema.TEMPLATE) && !MmmSchema.CHECKS.contains(name)) {
            throw new MmmConfigException(file, n, "unknown check '" + name + "' (expected " + MmmSchema.TEMPLATE
                    + ", " + String.join(", ", MmmSchema.CHECKS) + ")");
        }
        Section s = doc.open(type, name, file, n);
        return empty ? null : s;
    }

    private void include(String value, String file, int n, Path path, Section current) {
        if (current != null) {
            throw new MmmConfigException(file, n, "include inside " + current.tag()
                    + ": put it outside any section");
        }
        if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new MmmConfigException(file, n, "include takes one file name, not '" + value + "'");
        }
        Path dir = path.getParent();
        Path target = dir == null ? Path.of(value) : dir.resolve(value);
        if (!Files.exists(target) && !value.endsWith(".conf")) {
            Path withConf = target.resolveSibling(target.getFileName() + ".conf");
            if (Files.exists(withConf)) {
                target = withConf;
            }
        }
        read(target, target.toString(), file, n);
    }

    private void global(Entry e) {
        if (MmmSchema.GLOBAL_KEYS.contains(e.key())) {
            replace(doc.globals, e, null);
            return;
        }
        if (MmmSchema.KINDS.containsKey(e.key())) {
            throw new MmmConfigException(e.file(), e.line(), "'" + e.key() + "' is a section, not a variable: write <"
                    + e.key() + (MmmSchema.KINDS.get(e.key()).named() ? " NAME" : "") + "> ... </" + e.key() + ">");
        }
        List<String> kinds = MmmSchema.kindsWithKey(e.key());
        if (!kinds.isEmpty()) {
            throw new MmmConfigException(e.file(), e.line(), "'" + e.key() + "' outside a section: it belongs in a "
                    + kinds.stream().map(k -> "<" + k + ">").collect(Collectors.joining(" or ")) + " section");
        }
        throw new MmmConfigException(e.file(), e.line(), "unknown variable '" + e.key() + "' (MMM 2.2 refused it too)");
    }

    private void put(Section s, Entry e) {
        MmmSchema.Kind kind = MmmSchema.KINDS.get(s.type);
        if (kind.keys().contains(e.key())) {
            replace(s.entries, e, s);
            return;
        }
        if (MmmSchema.GLOBAL_KEYS.contains(e.key())) {
            throw new MmmConfigException(e.file(), e.line(), "'" + e.key() + "' must be outside any section (found in "
                    + s.tag() + ")");
        }
        throw new MmmConfigException(e.file(), e.line(), "unknown variable '" + e.key() + "' in a <" + s.type
                + "> section (MMM 2.2 refused it too)");
    }

    /** Stores an entry; a later value replaces an earlier one, as in MMM, with a note when they differ. */
    private void replace(Map<String, Entry> into, Entry e, Section s) {
        Entry old = into.put(e.key(), e);
        if (old != null && !old.value().equals(e.value())) {
            doc.notes.add(new MmmNote(e.file(), e.line(), e.key(), MmmNote.Kind.NOTE, "replaces the value set at "
                    + old.file() + ":" + old.line() + (s == null ? "" : " for " + s.tag())
                    + " (the last one counts, as in MMM)"));
        }
        if (e.value().matches(".*\\s#.*")) {
            String what = e.secret() ? "password" : "value";
            doc.notes.add(new MmmNote(e.file(), e.line(), e.key(), MmmNote.Kind.WARNING, "the " + what
                    + " contains ' #': MMM has no comments after a value, so it is part of the " + what));
        }
    }

    private void checkPermissions(Path path, String shown, Entry firstPassword) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(path);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            doc.notes.add(new MmmNote(shown, 0, "permissions", MmmNote.Kind.WARNING, "the file is world-writable: "
                    + "anyone on this machine can change the cluster's configuration (MMM refused it; chmod o-w "
                    + shown + ")"));
        }
        if (firstPassword != null && perms.contains(PosixFilePermission.OTHERS_READ)) {
            doc.notes.add(new MmmNote(shown, firstPassword.line(), "permissions", MmmNote.Kind.WARNING,
                    "the file is world-readable and holds a password (" + firstPassword.key()
                            + "): MMM refused it; chmod o-r " + shown));
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
