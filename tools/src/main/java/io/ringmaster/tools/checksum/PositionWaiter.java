package io.ringmaster.tools.checksum;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Waits until a host has applied the writer's position, also where an intermediate master never passes some of
 * it on: a master logging in ROW format writes nothing, not even the GTID, for a replicated transaction that
 * changed no row there (a statement that matched nothing), so its replicas never reach that GTID and
 * MASTER_GTID_WAIT alone would time out on a quiet writer. After a first short wait, a host counts as at the
 * position when its source has reached the position (itself, or by the same rule) and the host has applied
 * everything that source has logged in the position's domains: it then holds every change of the position that
 * its source passed on, and the ones not passed on changed nothing there.
 *
 * <p>The source of a replica is its master; of a master in a ring, the previous master. Not thread-safe: one per
 * worker; it opens sessions to the sources it needs, on demand, and closes them with {@link #close()}.
 */
public final class PositionWaiter implements AutoCloseable {
    private static final Duration STEP = Duration.ofMillis(250);
    private final RingmasterConfig config;
    private final HostConfig writer;
    private final Credentials account;
    private final Duration socket;
    private final Map<String, HostSession> sources = new HashMap<>();

    /**
     * @param writer  the host whose position is waited for (it needs no source)
     * @param socket  bound on connecting to a source and on each query there
     */
    public PositionWaiter(RingmasterConfig config, HostConfig writer, Credentials account, Duration socket) {
        this.config = config;
        this.writer = writer;
        this.account = account;
        this.socket = socket;
    }

    /**
     * The host a host replicates from: a replica's master, a ring master's previous master.
     *
     * @return the source, or empty for a lone master
     */
    public static Optional<HostConfig> source(RingmasterConfig config, HostConfig host) {
        if (host.isMaster()) {
            return config.ringUpstreamOf(host.name());
        }
        return host.master().flatMap(config::findHost);
    }

    /**
     * Waits, at most {@code timeout}.
     *
     * @param host  a session on the host
     * @param known a position the host is known to have reached, may be empty
     * @return the position now known reached, or empty on timeout
     * @throws SQLException on a server error on the host
     */
    public Optional<GtidPosition> await(HostSession host, GtidPosition position, GtidPosition known,
                                        Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration first = timeout.compareTo(STEP) < 0 ? timeout : STEP;
        Optional<GtidPosition> r = host.waitFor(position, known, first);
        while (r.isEmpty()) {
            if (reachedThroughSources(host.host(), host, position, new HashSet<>())) {
                return Optional.of(known.union(host.currentPosition()).union(position));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            r = host.waitFor(position, known, Duration.ofNanos(Math.min(left, STEP.toNanos())));
        }
        return r;
    }

    private boolean reachedThroughSources(HostConfig host, HostSession session, GtidPosition position,
                                          Set<String> seen) throws SQLException {
        Optional<HostConfig> src = source(config, host);
        if (src.isEmpty() || src.get().name().equals(writer.name()) || !seen.add(host.name())) {
            return false; // the writer logged the whole position: wait for it
        }
        HostSession s;
        try {
            s = sources.computeIfAbsent(src.get().name(), n -> open(src.get()));
        } catch (IllegalStateException e) {
            return false;
        }
        // current before binlog: a transaction counted in gtid_current_pos is already in the binary log
        GtidPosition srcCurrent = s.currentPosition();
        GtidPosition srcLogged = GtidPosition.parse(s.queryString("SELECT @@global.gtid_binlog_pos"));
        boolean srcReached = srcCurrent.contains(position) || reachedThroughSources(src.get(), s, position, seen);
        if (!srcReached) {
            return false;
        }
        GtidPosition mine = session.currentPosition();
        for (GtidPosition.Gtid g : position.gtids()) {
            if (mine.seq(g.domain()) < srcLogged.seq(g.domain())) {
                return false;
            }
        }
        return true;
    }

    private HostSession open(HostConfig h) {
        try {
            return HostSession.open(h, account, socket);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sources.values().forEach(HostSession::close);
        sources.clear();
    }
}
