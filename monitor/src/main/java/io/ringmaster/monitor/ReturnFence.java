package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fences an old writer the moment it answers again: a failover of a dead or frozen writer cannot make it read_only,
 * so one virtual thread per such host keeps a connection attempt open (to a frozen server, the attempt waits in its
 * listen backlog and is answered first when it thaws), then sets read_only=ON and kills client sessions, and
 * stops. It gives up after {@link #GIVE_UP}, or as soon as the host is wanted writable again (it holds the writer
 * role once more); the monitor's rounds re-assert read_only in any case.
 *
 * <p>Thread-safe.
 */
final class ReturnFence implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReturnFence.class);
    /** How long a fence waits for its host to come back, at most. */
    static final Duration GIVE_UP = Duration.ofMinutes(10);
    private static final long RETRY_MS = 50;
    private final SqlActions waiting;
    private final Predicate<String> wantedWritable;
    private final Map<String, Thread> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param wantedWritable true for a host that must not be fenced any more (it is the writer again)
     */
    ReturnFence(RingmasterConfig config, SqlActions actions, Predicate<String> wantedWritable) {
        this.waiting = new SqlActions(actions.dialect(), config.monitorUser(), config.replicationUser(),
                Duration.ofSeconds(10));
        this.wantedWritable = wantedWritable;
    }

    /** Starts fencing {@code host} once it answers; a fence already pending for it is kept. */
    void start(HostConfig host, String reason) {
        if (closed) {
            return;
        }
        Thread[] created = new Thread[1];
        // started only once it is in the map, so its own removal at the end cannot come first
        pending.computeIfAbsent(host.name(), n -> created[0] = Thread.ofVirtual()
                .name("ringmaster-return-fence-" + n).unstarted(() -> run(host, reason)));
        if (created[0] != null) {
            created[0].start();
        }
    }

    private void run(HostConfig host, String reason) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        try {
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                if (wantedWritable.test(host.name())) {
                    log.info("{}: holds the writer role again; its return fence is no longer needed", host.name());
                    return;
                }
                try {
                    int killed;
                    // one connection, parked in a frozen server's listen backlog until it thaws; opened quietly
                    try (java.sql.Connection c = waiting.open(host)) {
                        if (wantedWritable.test(host.name()) || closed) {
                            return; // it became the writer again while the connection waited
                        }
                        killed = waiting.fence(c, host, reason + ": the old writer answers again");
                    }
                    log.warn("{}: fenced on its return (read_only=ON, {} client session(s) killed)", host.name(), killed);
                    return;
                } catch (SQLException e) {
                    if (!SqlErrors.isConnectionProblem(e)) {
                        log.error("{}: cannot fence the returning old writer: {}", host.name(), SqlErrors.describe(e));
                        return;
                    }
                }
                Thread.sleep(RETRY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pending.remove(host.name(), Thread.currentThread());
        }
    }

    /** Stops every pending fence. */
    @Override
    public void close() {
        closed = true;
        pending.values().forEach(Thread::interrupt);
    }
}
