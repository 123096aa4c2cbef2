package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.mysql.HostProbe;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.MDC;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes every host concurrently for one round, with at most one probe in flight per host: a probe that has not
 * answered when the round stops waiting for it goes on, bounded by its own timeouts (it is never abandoned, so a
 * host never has two), and the next round takes its answer instead of starting another. So a frozen host costs a round its full check bound only once; while it is
 * suspect (its last check failed) a round waits for it only {@code suspectWaitMs}, which lets the monitor look at
 * every other host every ~100 ms until the verdict, without piling up probes of the frozen one.
 *
 * <p>Called by the monitor's round thread only; {@link #close()} from any thread.
 */
final class Prober implements AutoCloseable {
    private final RingmasterConfig config;
    private final HostProbe probe;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final java.util.function.ObjLongConsumer<String> timing;

    private record InFlight(Future<HostProbe.Result> future, long startedNanos, long epoch) {}

    /** @param timing told how long each probe that answered took: host, ns */
    Prober(RingmasterConfig config, HostProbe probe, Clock clock, java.util.function.ObjLongConsumer<String> timing) {
        this.timing = timing;
        this.config = config;
        this.probe = probe;
        this.clock = clock;
        int n = config.hosts().size();
        this.pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(n * 2),
                Threads.named("ringmaster-probe"), new ThreadPoolExecutor.AbortPolicy());
    }

    /** One host's probe with the cluster and the host in the log context (MDC) of the probing thread. */
    private HostProbe.Result probeLogged(HostConfig h, OptionalLong heartbeatOwner) throws Exception {
        MDC.put("cluster", config.cluster());
        MDC.put("host", h.name());
        try {
            return timed(h, heartbeatOwner);
        } finally {
            MDC.remove("host");
            MDC.remove("cluster");
        }
    }

    /**
     * Probes every host (or takes the answer of its probe still in flight).
     *
     * @param heartbeatOwner server_id whose heartbeat row to read, or empty
     * @param epoch          the state's epoch now: an answer to a probe started before a writer change is dropped
     * @param suspects       hosts whose last check failed: waited for at most {@code suspectWaitMs}
     * @param reportPending  hosts for which a probe still running (younger than {@code boundMs}) counts as a failed
     *                       check (the writer: its verdict needs every round, and the hosts below it decide
     *                       whether it is dead); any other such host is left out of the result, so its state
     *                       stays as it was until its probe answers or runs out of time
     * @param boundMs        the longest the round waits for any host, ms
     * @param suspectWaitMs  the longest the round waits for a suspect, ms
     * @return one result per configured host that answered, failed, or timed out, in configuration order; a host
     *         that did not answer in time has a failed observation saying for how long it has not answered
     */
    Map<String, HostProbe.Result> probeAll(OptionalLong heartbeatOwner, long epoch, Set<String> suspects,
                                           Set<String> reportPending, long boundMs, long suspectWaitMs) {
        long start = System.nanoTime();
        Map<String, HostProbe.Result> out = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            try {
                inFlight.compute(h.name(), (n, f) -> f == null || (f.epoch() < epoch && f.future().isDone())
                        ? new InFlight(pool.submit(() -> probeLogged(h, heartbeatOwner)), System.nanoTime(), epoch)
                        : f);
            } catch (RejectedExecutionException e) {
                out.put(h.name(), failed(h.name(), false, "check not started: " + e.getMessage()));
            }
        }
        for (HostConfig h : config.hosts()) {
            InFlight f = inFlight.get(h.name());
            if (f == null || out.containsKey(h.name())) {
                continue;
            }
            long patienceMs = suspects.contains(h.name()) ? suspectWaitMs : boundMs;
            long leftMs = Math.max(0, patienceMs - (System.nanoTime() - start) / 1_000_000);
            Optional<HostProbe.Result> r = await(h.name(), f, leftMs, boundMs, epoch,
                    reportPending.contains(h.name()));
            r.ifPresent(x -> out.put(h.name(), x));
        }
        return out;
    }

    private HostProbe.Result timed(HostConfig h, OptionalLong heartbeatOwner) {
        long began = System.nanoTime();
        HostProbe.Result r = probe.probe(h, heartbeatOwner);
        timing.accept(h.name(), System.nanoTime() - began);
        return r;
    }

    private Optional<HostProbe.Result> await(String host, InFlight f, long leftMs, long boundMs, long epoch,
                                             boolean reportPending) {
        try {
            HostProbe.Result r = f.future().get(Math.max(1, leftMs), TimeUnit.MILLISECONDS);
            inFlight.remove(host, f);
            // an answer to a question asked before the writer changed describes the cluster as it was
            return f.epoch() < epoch ? Optional.empty() : Optional.of(r);
        } catch (TimeoutException e) {
            long ageMs = (System.nanoTime() - f.startedNanos()) / 1_000_000;
            if (ageMs < boundMs && !reportPending) {
                return Optional.empty(); // still within its own bound: no news yet
            }
            // a probe is bounded by its own timeouts and ends by itself; it stays the one in flight until it does
            return Optional.of(failed(host, true, "check timed out: no answer for " + ageMs + " ms"));
        } catch (ExecutionException e) {
            inFlight.remove(host, f);
            return Optional.of(failed(host, false, "check failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(failed(host, false, "interrupted"));
        }
    }

    private HostProbe.Result failed(String host, boolean reachable, String why) {
        return new HostProbe.Result(HostObservation.failed(host, clock.instant(), reachable, why), OptionalLong.empty());
    }

    /** Stops probing; probes still in flight after four check timeouts are interrupted. */
    @Override
    public void close() {
        long waitMs = config.monitor().checkTimeout().toMillis() * 4;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
