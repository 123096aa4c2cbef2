package io.ringmaster.core.config;

/**
 * A configuration that cannot be used. The message is one line naming the file, the field (as a path such as
 * {@code hosts[db3].port}) and the problem; it never contains a secret.
 */
public final class ConfigException extends RuntimeException {
    private final String field;

    /**
     * @param source  the file, or a description of where the text came from
     * @param field   the field path, may be empty for whole-file problems
     * @param problem what is wrong, in words a DBA reads
     */
    public ConfigException(String source, String field, String problem) {
        super(oneLine(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem));
        this.field = field;
    }

    /**
     * Shows line breaks and other control characters that came from a file as escapes, e.g. {@code \n}, so that
     * an error message stays on one line. Shared by every reader of configuration text.
     */
    public static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }

    /** The path of the offending field, such as {@code monitor.check_period}; empty for whole-file problems. */
    public String field() {
        return field;
    }
}
