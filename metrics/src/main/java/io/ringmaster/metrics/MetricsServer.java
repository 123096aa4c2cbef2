package io.ringmaster.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener that serves only {@code GET /metrics} ({@link MetricsHandler}), for a daemon without an HTTP API of its
 * own (a standalone router). Lifecycle: construct (binds), {@link #start()}, {@link #close()}. Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private final HttpServer server;
    private final ExecutorService pool;

    /**
     * Binds {@code address:port} (port 0: any free port).
     *
     * @throws IOException when it cannot be bound; the message names the address
     */
    public MetricsServer(String address, int port, MetricsHandler handler) throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen for /metrics on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringmaster-metrics-", 1).factory());
        server.setExecutor(pool);
        server.createContext("/metrics", handler);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts serving. */
    public void start() {
        server.start();
        log.info("metrics on http://{}:{}/metrics", server.getAddress().getHostString(), port());
    }

    /** Stops serving, waiting at most 2 s for scrapes in progress. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
