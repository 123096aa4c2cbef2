package io.ringmaster.cli;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.mysql.Connections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A write workload that keeps writing to whoever is the writer, for the demo and the drills. Each row has a
 * client-chosen id; a row counts as acknowledged only when its autocommit INSERT returned OK. On any error the
 * load drops its connection and asks again who the writer is, so it measures how long writes were unavailable.
 *
 * <p>One thread writes; the accessors may be called from any thread.
 */
public final class WriteLoad implements AutoCloseable {
    /** The demo table, created by {@link #prepare}. */
    public static final String TABLE = "ringmaster_demo.acked";

    private final Supplier<Optional<HostConfig>> writer;
    private final Credentials account;
    private final Duration timeout;
    private final List<Long> acked = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastSuccessNanos = new AtomicLong();
    private final List<long[]> outages = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long pauseMicros;

    /**
     * @param writer  tells who the writer is now (empty while there is none)
     * @param account the account to write with
     * @param timeout bound on connecting and on each statement
     */
    public WriteLoad(Supplier<Optional<HostConfig>> writer, Credentials account, Duration timeout) {
        this.writer = writer;
        this.account = account;
        this.timeout = timeout;
        this.thread = new Thread(this::loop, "ringmaster-write-load");
        this.thread.setDaemon(true);
    }

    /** Creates the demo schema and table on the writer (they replicate everywhere). */
    public static void prepare(HostConfig writer, Credentials account, Duration timeout) throws SQLException {
        try (Connection c = Connections.open(writer.address(), writer.port(), account, timeout);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS ringmaster_demo");
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT NOT NULL PRIMARY KEY, "
                    + "written_on VARCHAR(64) NOT NULL, at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) "
                    + "ENGINE=InnoDB");
        }
    }

    /** Starts writing. */
    public WriteLoad start() {
        thread.start();
        return this;
    }

    /** Sleeps this long between two writes (0 = as fast as the server answers). */
    public WriteLoad pause(Duration d) {
        pauseMicros = d.toNanos() / 1000;
        return this;
    }

    private void loop() {
        Connection c = null;
        String on = "";
        long outageStart = 0;
        while (running) {
            try {
                if (c == null) {
                    Optional<HostConfig> w = writer.get();
                    if (w.isEmpty()) {
                        Thread.sleep(20);
                        continue;
                    }
                    c = Connections.open(w.get().address(), w.get().port(), account, timeout);
                    on = w.get().name();
                }
                long id = nextId.getAndIncrement();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, written_on) VALUES (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, on);
                    ps.executeUpdate();
                }
                acked.add(id);
                long now = System.nanoTime();
                if (outageStart != 0) {
                    outages.add(new long[] {outageStart, now});
                    outageStart = 0;
                }
                lastSuccessNanos.set(now);
                if (pauseMicros > 0) {
                    Thread.sleep(pauseMicros / 1000, (int) (pauseMicros % 1000) * 1000);
                }
            } catch (SQLException e) {
                failures.incrementAndGet();
                if (outageStart == 0) {
                    outageStart = lastSuccessNanos.get() == 0 ? System.nanoTime() : lastSuccessNanos.get();
                }
                closeQuietly(c);
                c = null;
                sleepQuietly(20);
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(c);
    }

    /** Stops writing, waiting a bounded time for the last statement. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(timeout.toMillis() * 2 + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }

    /** Ids of the rows whose INSERT was acknowledged, in order. */
    public List<Long> acknowledged() {
        synchronized (acked) {
            return new ArrayList<>(acked);
        }
    }

    /** How many statements failed. */
    public long failures() {
        return failures.get();
    }

    /** Finished write outages as [last success before, first success after] in System.nanoTime units. */
    public List<long[]> outages() {
        synchronized (outages) {
            return new ArrayList<>(outages);
        }
    }

    /** System.nanoTime of the last acknowledged write; 0 before the first. */
    public long lastSuccessNanos() {
        return lastSuccessNanos.get();
    }

    /**
     * The acknowledged ids that the host does not have.
     *
     * @return missing ids, ascending; empty when every acknowledged row is there
     * @throws SQLException when the host cannot be read
     */
    public static List<Long> missingOn(HostConfig host, Credentials account, Duration timeout, List<Long> ackedIds)
            throws SQLException {
        java.util.Set<Long> present = new java.util.HashSet<>();
        try (Connection c = Connections.open(host.address(), host.port(), account, timeout);
             Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT id FROM " + TABLE)) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        return ackedIds.stream().filter(id -> !present.contains(id)).sorted().toList();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is gone anyway
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
