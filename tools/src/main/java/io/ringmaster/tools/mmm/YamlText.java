package io.ringmaster.tools.mmm;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Writes YAML scalars so that any string reads back as the same string. Stateless. */
final class YamlText {
    /** Plain scalars that cannot be read as a number, boolean, null or anything but themselves. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*|\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Set<String> RESERVED = Set.of(
            "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf");

    private YamlText() {}

    /** The string as a YAML scalar: plain when that is safe, otherwise double-quoted with escapes. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85 || c == 0xFEFF) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** A flow sequence of scalars: {@code [db1, db2]}. */
    static String list(List<String> items) {
        return items.stream().map(YamlText::scalar).collect(Collectors.joining(", ", "[", "]"));
    }
}
