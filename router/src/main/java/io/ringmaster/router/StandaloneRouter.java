package io.ringmaster.router;

import io.ringmaster.core.config.MonitorConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.routing.RouteTable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router in its own process (for example on each application host), following a monitor's route table over
 * HTTP. It keeps the last table it had when the monitor goes silent, so reads go on, but it stops routing writes
 * once the {@linkplain RouterConfig#writerLease() writer lease} has run out without news: open writer connections
 * are cut and new ones are held, then refused. An answer from the monitor renews the lease.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once (idempotent). Thread-safe.
 */
public final class StandaloneRouter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandaloneRouter.class);
    /** How often the lease is checked, in milliseconds. */
    static final long LEASE_CHECK_MS = 50;

    private final Router router;
    private final WriterLease lease;
    private final MonitorFollower follower;
    private final ScheduledExecutorService watchdog;
    private final URI monitor;
    private final String id = followerId();
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;
    private final io.ringmaster.metrics.SampledMeters sampled;
    private final io.ringmaster.core.api.ApiGuard metricsGuard;
    private io.ringmaster.metrics.MetricsServer metricsServer;

    /**
     * @param config    the router's settings
     * @param cluster   the cluster's configuration (its exclusive role; its monitor address when the router's
     *                  {@code monitor} is not set)
     * @param nanoClock monotonic clock for the lease, normally {@code System::nanoTime}
     */
    public StandaloneRouter(RouterConfig config, RingmasterConfig cluster, LongSupplier nanoClock) {
        this.router = Router.forCluster(config, cluster);
        this.lease = new WriterLease(config.writerLease(), nanoClock);
        this.monitor = config.monitorUrl().orElseGet(() -> defaultMonitor(cluster.monitor()));
        Duration wait = Duration.ofMillis(Math.max(100, config.writerLease().toMillis() / 3));
        // the longest this router may go on routing writes after asking: the lease, until the watchdog notices,
        // until open writer connections are cut
        Duration holds = config.writerLease().plusMillis(LEASE_CHECK_MS + Router.CUT_WAIT_MS);
        this.follower = new MonitorFollower(monitor, wait, config.connectTimeout(),
                new MonitorFollower.Identity(id, holds), access(cluster.monitor(), monitor), nanoClock,
                this::answer).reportWith(router::stats);
        this.registry = io.ringmaster.metrics.Metrics.registry(cluster.cluster());
        router.bindMetrics(registry, id);
        this.sampled = new io.ringmaster.metrics.SampledMeters(registry);
        // /metrics is a read: open on loopback, the monitor's api_token beyond it (as the monitor's own API)
        this.metricsGuard = config.metrics().map(m -> new io.ringmaster.core.api.ApiGuard(cluster.monitor().api(),
                m.address())).orElse(null);
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ringmaster-router-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code http://} (or {@code https://} with TLS) plus the monitor's listen address (loopback for a wildcard). */
    static URI defaultMonitor(MonitorConfig m) {
        String host = m.listenAddress().contains(":") ? "[" + m.listenAddress() + "]" : m.listenAddress();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        return URI.create(m.api().scheme() + "://" + host + ":" + m.listenPort());
    }

    /**
     * The monitor's token, and for an {@code https} monitor the configuration's trust ({@code monitor.tls_ca}, or
     * else its {@code tls_cert}); without TLS settings an {@code https} monitor is checked against the JDK's
     * authorities.
     */
    static MonitorFollower.Access access(MonitorConfig m, URI monitor) {
        boolean https = "https".equals(monitor.getScheme());
        return new MonitorFollower.Access(m.api().token(), https
                ? m.api().tls().map(t -> t.clientContext()) : java.util.Optional.empty());
    }

    /**
     * Binds the listeners and starts following the monitor. Writes are held until the first answer.
     *
     * @throws IOException when a listener cannot bind (nothing is left running)
     */
    public void start() throws IOException {
        router.setWriterLease(false, -1);
        router.start();
        if (metricsGuard != null) {
            RouterConfig.MetricsEndpoint m = router.config().metrics().orElseThrow();
            try {
                metricsServer = new io.ringmaster.metrics.MetricsServer(m.address(), m.port(),
                        new io.ringmaster.metrics.MetricsHandler(registry, metricsGuard, this::sample));
            } catch (IOException e) {
                router.close();
                throw e;
            }
            metricsServer.start();
        }
        follower.start();
        watchdog.scheduleWithFixedDelay(this::checkLease, LEASE_CHECK_MS, LEASE_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** {@code host-pid-random}: unique among a monitor's followers without a name lookup that could hang. */
    private static String followerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "router");
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    private synchronized void answer(RouteTable t, long askedAtNanos) {
        lease.renew(askedAtNanos);
        if (t.version() > 0) {
            router.update(t); // version 0: a monitor that has not looked at its hosts yet knows nothing new
        }
        router.setWriterLease(true, 0);
    }

    private synchronized void checkLease() {
        try {
            if (!lease.valid()) {
                router.setWriterLease(false, lease.silentMillis());
            }
        } catch (RuntimeException e) {
            log.error("lease check failed", e);
        }
    }

    /** Sets the sampled series before a scrape: the router's counters and its writer lease. */
    private void sample() {
        sampled.sample(s -> {
            io.ringmaster.metrics.RouterStatsMeters.sample(s, id, router.stats());
            s.gauge("ringmaster_router_writer_lease_valid", "1 while the writer lease from the monitor is valid",
                    lease.valid() ? 1 : 0, "router", id);
        });
    }

    /** This router's id among the monitor's routers ({@code host-pid-random}). */
    public String id() {
        return id;
    }

    /** The bound port of {@code /metrics}, or -1 when {@code router.metrics} is not set. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** The router (for its counters and table). */
    public Router router() {
        return router;
    }

    /** The monitor API this router follows. */
    public URI monitor() {
        return monitor;
    }

    /** True while the writer lease is valid. */
    public boolean leaseValid() {
        return lease.valid();
    }

    @Override
    public void close() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        watchdog.shutdownNow();
        follower.close();
        router.close();
        try {
            if (!watchdog.awaitTermination(1, TimeUnit.SECONDS)) {
                log.warn("lease watchdog still running 1 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
