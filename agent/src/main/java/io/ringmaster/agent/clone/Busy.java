package io.ringmaster.agent.clone;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one operation an agent runs on its data directory at a time (a clone onto it, a stream from it): a second
 * one is refused naming the first. Thread-safe.
 */
final class Busy {
    private final AtomicReference<String> what = new AtomicReference<>();

    /** Claims the host for {@code operation}; false when another operation holds it. */
    boolean claim(String operation) {
        return what.compareAndSet(null, operation);
    }

    /** Releases a claim made with {@code operation}. */
    void release(String operation) {
        what.compareAndSet(operation, null);
    }

    /** Hands a claim made with {@code operation} on to {@code next}; false when {@code operation} does not hold it. */
    boolean relabel(String operation, String next) {
        return what.compareAndSet(operation, next);
    }

    /** What holds the host now, or empty. */
    Optional<String> current() {
        return Optional.ofNullable(what.get());
    }
}
