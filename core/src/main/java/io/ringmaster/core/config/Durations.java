package io.ringmaster.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as written in configuration: a number with a unit ({@code 250ms}, {@code 1s}, {@code 1.5s},
 * {@code 2m}, {@code 1h}, {@code 1d}), or a bare number of seconds as MMM wrote them ({@code 5}).
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when the text is no duration; the message says what is expected
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 1s, 1.5s, 2m, 1h, 1d)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 86_400_000;
        };
        if (millis > Duration.ofDays(365).toMillis()) {
            throw new IllegalArgumentException("'" + text + "' is longer than a year");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** Formats a duration the way {@link #parse} reads it back: {@code 1s}, {@code 250ms}, {@code 1.5s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
