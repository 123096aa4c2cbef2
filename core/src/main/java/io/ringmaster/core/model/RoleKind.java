package io.ringmaster.core.model;

/**
 * How a role is given out: {@code EXCLUSIVE} to exactly one host (the writer), {@code BALANCED} to every
 * eligible ONLINE host (readers).
 */
public enum RoleKind {
    EXCLUSIVE,
    BALANCED;

    /**
     * Parses {@code exclusive} or {@code balanced}, case-insensitive.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static RoleKind parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "exclusive" -> EXCLUSIVE;
            case "balanced" -> BALANCED;
            default -> throw new IllegalArgumentException("must be exclusive or balanced, not '" + text + "'");
        };
    }
}
