package io.ringmaster.core.state;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.observe.ReplicaLink;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one observation into the pass/fail result of each of MMM's four checks. Pure and thread-safe.
 */
public final class CheckEvaluator {
    /** The result of one check in one round. */
    public record Result(boolean passing, String message) {}

    private CheckEvaluator() {}

    /**
     * Evaluates ping, mysql, rep_threads and rep_backlog.
     *
     * @param o          the observation
     * @param source     the host this one is expected to replicate from; empty when it is not expected to
     * @param maxBacklog the largest lag that passes rep_backlog
     * @return a result for every check, never null
     */
    public static Map<CheckName, Result> evaluate(HostObservation o, Optional<HostConfig> source,
                                                  Duration maxBacklog) {
        Map<CheckName, Result> r = new EnumMap<>(CheckName.class);
        r.put(CheckName.PING, o.reachable() ? ok("") : fail(o.error()));
        r.put(CheckName.MYSQL, o.sqlOk() ? ok("") : fail(o.reachable() ? o.error() : "not reachable"));
        if (!o.sqlOk()) {
            r.put(CheckName.REP_THREADS, fail("unknown: mysql check failed"));
            r.put(CheckName.REP_BACKLOG, fail("unknown: mysql check failed"));
            return r;
        }
        if (source.isEmpty()) {
            r.put(CheckName.REP_THREADS, ok("not replicating (none expected)"));
            r.put(CheckName.REP_BACKLOG, ok("not replicating (none expected)"));
            return r;
        }
        HostConfig src = source.get();
        Optional<ReplicaLink> link = o.replication();
        if (link.isEmpty()) {
            r.put(CheckName.REP_THREADS, fail("no replication configured (expected from " + src.name() + ")"));
        } else if (!link.get().threadsRunning()) {
            r.put(CheckName.REP_THREADS, fail(link.get().problem()));
        } else if (!link.get().readsFrom(src.address(), src.port())) {
            r.put(CheckName.REP_THREADS, fail("replicates from " + link.get().sourceHost() + ":"
                    + link.get().sourcePort() + ", expected " + src.name() + " (" + src.endpoint() + ")"));
        } else {
            r.put(CheckName.REP_THREADS, ok("IO and SQL threads running"));
        }
        Optional<Duration> lag = o.lag();
        if (lag.isEmpty()) {
            r.put(CheckName.REP_BACKLOG, ok("lag unknown (no heartbeat yet)"));
        } else if (lag.get().compareTo(maxBacklog) > 0) {
            r.put(CheckName.REP_BACKLOG, fail("lag " + seconds(lag.get()) + " s > max_backlog "
                    + seconds(maxBacklog) + " s"));
        } else {
            r.put(CheckName.REP_BACKLOG, ok("lag " + seconds(lag.get()) + " s"));
        }
        return r;
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    private static Result ok(String message) {
        return new Result(true, message);
    }

    private static Result fail(String message) {
        return new Result(false, message == null || message.isEmpty() ? "failed" : message);
    }
}
