package io.ringmaster.tools.mmm;

/**
 * An MMM configuration that cannot be read or converted. The message is one line, {@code FILE:LINE: problem}
 * (or {@code FILE: problem} when no line applies), and never contains a password.
 */
public final class MmmConfigException extends RuntimeException {
    private final String file;
    private final int line;

    /**
     * @param file    the file as the operator named it (or as an include resolved it)
     * @param line    1-based line number, or 0 when the problem is about the whole file
     * @param problem what is wrong, in words a DBA reads; control characters are escaped
     */
    public MmmConfigException(String file, int line, String problem) {
        super(io.ringmaster.core.config.ConfigException.oneLine(file + (line > 0 ? ":" + line : "") + ": " + problem));
        this.file = file;
        this.line = line;
    }

    /** The file the problem is in; never null. */
    public String file() {
        return file;
    }

    /** The 1-based line, or 0 for a whole-file problem. */
    public int line() {
        return line;
    }
}
