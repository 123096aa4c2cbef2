package io.ringmaster.core.config;

/**
 * A configuration that cannot be used. The message is one line naming the file, the field (as a path such as
 * {@code hosts[2].port}) and the problem; it never contains a secret.
 */
public final class ConfigException extends RuntimeException {
    private final String field;

    /**
     * @param source  the file, or a description of where the text came from
     * @param field   the field path, may be empty for whole-file problems
     * @param problem what is wrong, in words a DBA reads
     */
    public ConfigException(String source, String field, String problem) {
        super(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.field = field;
    }

    /** The path of the offending field, such as {@code monitor.check_period}; empty for whole-file problems. */
    public String field() {
        return field;
    }
}
