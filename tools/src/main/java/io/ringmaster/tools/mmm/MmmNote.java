package io.ringmaster.tools.mmm;

import java.util.Locale;

/**
 * One line for the operator about the conversion: a key that could not be mapped and why, a choice the converter
 * made, or a warning. Printed as {@code FILE:LINE: subject: kind: text}. Never holds a password. Immutable.
 *
 * @param file    the MMM file it is about, never null
 * @param line    1-based line, or 0 when it is about the file as a whole
 * @param subject the MMM key, section or host it is about, never null
 * @param kind    what sort of note
 * @param text    the explanation, one line
 */
public record MmmNote(String file, int line, String subject, Kind kind, String text) {

    /** What sort of note. */
    public enum Kind {
        /** A key that has no equivalent in ringmaster.yml; the text says why. */
        UNMAPPED,
        /** A choice the converter made, or something to do before running Ringmaster. */
        NOTE,
        /** Something unsafe in the MMM files themselves. */
        WARNING
    }

    @Override
    public String toString() {
        return io.ringmaster.core.config.ConfigException.oneLine(file + (line > 0 ? ":" + line : "") + ": " + subject + ": "
                + kind.name().toLowerCase(Locale.ROOT) + ": " + text);
    }
}
