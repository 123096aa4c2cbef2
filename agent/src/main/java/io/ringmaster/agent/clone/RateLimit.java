package io.ringmaster.agent.clone;

/**
 * Throttles a byte stream to a rate ({@code --max-rate}): the copier calls {@link #acquire} before each block and
 * sleeps until sending it keeps the stream under the rate. Single-threaded use.
 */
final class RateLimit {
    private final double bytesPerNano;
    private final long start = System.nanoTime();
    private long sent;

    /** @param mbPerSecond megabytes (10^6) per second; 0 or less: unlimited */
    RateLimit(double mbPerSecond) {
        this.bytesPerNano = mbPerSecond <= 0 ? 0 : mbPerSecond * 1e6 / 1e9;
    }

    /** Counts {@code n} bytes and sleeps while they are ahead of the rate. */
    void acquire(int n) throws InterruptedException {
        sent += n;
        if (bytesPerNano == 0) {
            return;
        }
        long due = start + (long) (sent / bytesPerNano);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
