package io.ringmaster.tools.backup;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a stream that delivers nothing for a while: a virtual thread closes it once {@link #tick()} has not been
 * called for {@code stall}, so that the blocked read fails instead of waiting forever. Thread-safe.
 */
final class StallWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StallWatch.class);
    private volatile long last = System.nanoTime();
    private final Thread thread;

    StallWatch(Closeable stream, Duration stall, String what) {
        this.thread = Thread.ofVirtual().name("ringmaster-stall-watch").start(() -> {
            try {
                while (true) {
                    Thread.sleep(1000);
                    if (System.nanoTime() - last > stall.toNanos()) {
                        log.warn("{}: nothing arrived for {} s; cutting the stream", what, stall.toSeconds());
                        stream.close();
                        return;
                    }
                }
            } catch (InterruptedException | IOException e) {
                // the stream ended
            }
        });
    }

    /** Bytes arrived. */
    void tick() {
        last = System.nanoTime();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
