package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection open to the current writer and pings it ({@code DO 1}) every {@code fastPeriod}, so that a
 * crash is seen within that period rather than at the next check period: when the connection breaks, cannot be
 * opened, or a ping outlasts the check timeout, it asks the monitor for a round at once (once per loss, not at
 * every failed attempt after it). It only wakes the
 * monitor; the round decides, from every host's view, as always. One connection, not a new one per ping, so the
 * writer sees no stream of aborted connects.
 *
 * <p>Runs on its own daemon thread between {@link #start()} and {@link #close()}; thread-safe.
 */
final class WriterWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriterWatch.class);
    private final RingmasterConfig config;
    private final Supplier<Optional<String>> writer;
    private final Consumer<String> wake;
    private final long periodMs;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection connection;
    private String connectedTo = "";
    private String lastProblem = "";

    /**
     * @param writer the current writer's name, empty when there is none
     * @param wake   asks the monitor for a round now, with the reason
     * @param periodMs time between two pings, ms
     */
    WriterWatch(RingmasterConfig config, Supplier<Optional<String>> writer, Consumer<String> wake, long periodMs) {
        this.config = config;
        this.writer = writer;
        this.wake = wake;
        this.periodMs = periodMs;
        this.thread = Threads.named("ringmaster-writer-watch").newThread(this::run);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                pingOnce();
                TimeUnit.MILLISECONDS.sleep(periodMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.warn("writer watch: {}", e.toString());
            }
        }
        disconnect();
    }

    private void pingOnce() {
        Optional<String> w = writer.get();
        if (w.isEmpty()) {
            disconnect();
            return;
        }
        HostConfig h = config.host(w.get());
        try {
            if (connection == null || !connectedTo.equals(h.name())) {
                disconnect();
                connection = Connections.open(h.address(), h.port(), config.monitorUser(),
                        config.monitor().checkTimeout());
                connectedTo = h.name();
            }
            try (Statement st = connection.createStatement()) {
                st.execute("DO 1");
            }
            if (!lastProblem.isEmpty()) {
                log.info("writer watch: {} answers", h.name());
                lastProblem = "";
            }
        } catch (SQLException e) {
            disconnect();
            String why = "the writer watch lost " + h.name() + ": " + SqlErrors.describe(e);
            boolean first = lastProblem.isEmpty();
            if (!why.equals(lastProblem)) {
                log.warn("{}{}", why, first ? "; checking every host now" : "");
                lastProblem = why;
            }
            if (first) {
                wake.accept(why); // once per loss: while it stays lost, the rounds' own pace (fast while suspect) holds
            }
        }
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already broken
            }
            connection = null;
            connectedTo = "";
        }
    }

    /** Stops the thread, waiting at most one check timeout. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(config.monitor().checkTimeout().toMillis() + periodMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
