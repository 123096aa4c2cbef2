package io.ringmaster.router;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The standalone router's permission to route writes: granted for {@code length} after each answer from the
 * monitor, so a router cut off from its monitor stops sending writes to a writer the monitor may already have
 * replaced. Counted on a monotonic clock ({@code System::nanoTime} in production, injected in tests), never on
 * the monitor's wall clock, so clock skew between hosts cannot extend it.
 *
 * <p>Thread-safe: renewals and checks may come from any thread.
 */
public final class WriterLease {
    private final long lengthNanos;
    private final LongSupplier nanoClock;
    private volatile long renewedAt;
    private volatile boolean granted;

    /**
     * A lease that is not granted until the first {@link #renew()}.
     *
     * @param length    how long one renewal lasts, positive
     * @param nanoClock monotonic nanoseconds, such as {@code System::nanoTime}
     * @throws IllegalArgumentException when the length is not positive
     */
    public WriterLease(Duration length, LongSupplier nanoClock) {
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("lease length must be positive, not " + length);
        }
        this.lengthNanos = length.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Records an answer from the monitor: the lease runs for its length from now. */
    public void renew() {
        renew(nanoClock.getAsLong());
    }

    /**
     * Records an answer from the monitor to a request sent at {@code askedAtNanos}: the lease runs for its length
     * from then, not from the answer's arrival, so an answer delayed in the network cannot extend it past what the
     * monitor counts on. An older renewal never shortens a newer one.
     */
    public synchronized void renew(long askedAtNanos) {
        if (!granted || askedAtNanos - renewedAt > 0) {
            renewedAt = askedAtNanos;
        }
        granted = true;
    }

    /** True while the last renewal is less than the lease length ago; false before the first renewal. */
    public boolean valid() {
        return granted && nanoClock.getAsLong() - renewedAt < lengthNanos;
    }

    /** Milliseconds since the last renewal; -1 before the first. */
    public long silentMillis() {
        return granted ? (nanoClock.getAsLong() - renewedAt) / 1_000_000 : -1;
    }

    /** The lease length. */
    public Duration length() {
        return Duration.ofNanos(lengthNanos);
    }
}
