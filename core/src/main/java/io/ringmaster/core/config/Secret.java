package io.ringmaster.core.config;

import java.util.Objects;

/**
 * A password or other secret from configuration. {@link #toString()} never shows the value, so a secret
 * that reaches a log line, an error or {@code show} output prints as {@code ******}.
 * Immutable and thread-safe.
 */
public final class Secret {
    private static final Secret EMPTY = new Secret("");
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** Wraps a value; null becomes the empty secret. */
    public static Secret of(String value) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value);
    }

    /** The empty secret (no password). */
    public static Secret empty() {
        return EMPTY;
    }

    /** The clear value, for handing to a driver only. Never log it. */
    public String reveal() {
        return value;
    }

    /** True when there is no password. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
