package io.ringmaster.it;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.mysql.Connections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes through one address (the router's writer port) as an application does: it never asks who the writer is.
 * Each row records the {@code @@server_id} that executed it and the server's clock ({@code UNIX_TIMESTAMP(NOW(6))}),
 * so a test can prove which server took which write and when. On an error it reconnects to the same address.
 * One writer thread; accessors are thread-safe.
 */
final class RouterLoad implements AutoCloseable {
    static final String TABLE = "routertest.acked";
    private final int port;
    private final Credentials account;
    private final Duration timeout;
    private final List<Long> acked = Collections.synchronizedList(new ArrayList<>());
    private final List<long[]> outages = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastSuccess = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private long nextId = 1;

    RouterLoad(int port, Credentials account, Duration timeout) {
        this.port = port;
        this.account = account;
        this.timeout = timeout;
        this.thread = new Thread(this::loop, "router-it-load");
        this.thread.setDaemon(true);
    }

    /** Creates the table through the router's writer port. */
    static void prepare(int port, Credentials account) throws SQLException {
        try (Connection c = Connections.open("127.0.0.1", port, account, Duration.ofSeconds(10));
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS routertest");
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT PRIMARY KEY, server_id INT NOT NULL, "
                    + "at DECIMAL(20,6) NOT NULL) ENGINE=InnoDB");
        }
    }

    RouterLoad start() {
        thread.start();
        return this;
    }

    private void loop() {
        Connection c = null;
        long outageStart = 0;
        while (running) {
            try {
                if (c == null) {
                    c = Connections.open("127.0.0.1", port, account, timeout);
                }
                long id = nextId++;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                        + " (id, server_id, at) VALUES (?, @@server_id, UNIX_TIMESTAMP(NOW(6)))")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
                acked.add(id);
                long now = System.nanoTime();
                if (outageStart != 0) {
                    outages.add(new long[] {outageStart, now});
                    outageStart = 0;
                }
                lastSuccess.set(now);
            } catch (SQLException e) {
                failures.incrementAndGet();
                if (outageStart == 0) {
                    outageStart = lastSuccess.get() == 0 ? System.nanoTime() : lastSuccess.get();
                }
                if (c != null) {
                    try {
                        c.close();
                    } catch (SQLException ignored) {
                        // gone anyway
                    }
                }
                c = null;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    List<Long> acknowledged() {
        synchronized (acked) {
            return new ArrayList<>(acked);
        }
    }

    long failures() {
        return failures.get();
    }

    long lastSuccessNanos() {
        return lastSuccess.get();
    }

    /** Finished outages as [last success before, first success after], System.nanoTime. */
    List<long[]> outages() {
        synchronized (outages) {
            return new ArrayList<>(outages);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(timeout.toMillis() * 3 + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
