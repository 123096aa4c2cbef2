package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.privilege.Need;
import io.ringmaster.core.privilege.PrivilegeGap;
import io.ringmaster.mysql.GrantReader;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads SHOW GRANTS of the monitor account on every host, at the monitor's first round (before it may act) and
 * then every {@link #REFRESH} in the background, and keeps the privileges lacking for the monitor's work by host
 * ({@link Need.Account#MONITOR}): the decider reports them as findings and refuses a writer change that would need
 * them. A host that cannot be read keeps what was last read from it. Thread-safe.
 */
final class PrivilegeWatch {
    /** How often the grants are read again. */
    static final Duration REFRESH = Duration.ofMinutes(3);
    private static final Logger log = LoggerFactory.getLogger(PrivilegeWatch.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final Map<String, List<PrivilegeGap>> gaps = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Instant lastRead;

    PrivilegeWatch(RingmasterConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * The privileges lacking, by host (hosts lacking nothing are absent). The first call reads every host at once,
     * bounded by the check timeout; later calls start a background read when {@link #REFRESH} has passed.
     */
    Map<String, List<PrivilegeGap>> gaps() {
        Instant now = clock.instant();
        if (lastRead == null) {
            readAll();
        } else if (!now.isBefore(lastRead.plus(REFRESH)) && running.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ringmaster-privilege-watch").start(() -> {
                try {
                    readAll();
                } finally {
                    running.set(false);
                }
            });
        }
        return Map.copyOf(gaps);
    }

    private void readAll() {
        lastRead = clock.instant();
        Duration bound = config.monitor().checkTimeout();
        Map<HostConfig, Future<GrantReader.HostGrants>> asked = new LinkedHashMap<>();
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostConfig h : config.hosts()) {
                asked.put(h, each.submit(() -> GrantReader.read(h, config.monitorUser(), bound)));
            }
            for (Map.Entry<HostConfig, Future<GrantReader.HostGrants>> e : asked.entrySet()) {
                String host = e.getKey().name();
                try {
                    List<PrivilegeGap> found = e.getValue().get(bound.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)
                            .gaps(needs(), config.monitor().heartbeatSchema());
                    if (found.isEmpty()) {
                        gaps.remove(host);
                    } else {
                        gaps.put(host, new ArrayList<>(found));
                    }
                } catch (java.util.concurrent.ExecutionException x) {
                    String why = x.getCause() instanceof SQLException se ? SqlErrors.describe(se) : String.valueOf(x.getCause());
                    log.debug("{}: grants not read ({}); keeping what was last read", host, why);
                } catch (java.util.concurrent.TimeoutException x) {
                    e.getValue().cancel(true);
                    log.debug("{}: grants not read in time; keeping what was last read", host);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            each.shutdownNow();
        }
    }

    /** The monitor account's needs, and the archive's when the monitor keeps it. */
    private List<Need> needs() {
        List<Need> needs = new ArrayList<>(Need.of(Need.Account.MONITOR));
        if (config.backup().enabled() && config.backup().archive()) {
            needs.addAll(Need.of(Need.Account.ARCHIVE));
        }
        return needs;
    }
}
