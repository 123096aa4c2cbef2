package io.ringmaster.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.CheckStatus;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.metrics.Metrics;
import io.ringmaster.metrics.RouterStatsMeters;
import io.ringmaster.metrics.SampledMeters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's Prometheus series ({@code GET /metrics}), every one tagged {@code cluster}:
 *
 * <pre>
 * per host (tag host):
 *   ringmaster_host_state{state}                      1 for the host's state, 0 for the others
 *   ringmaster_host_role{role}                        1 while the host holds the role
 *   ringmaster_host_read_only                         1/0, from the last good check
 *   ringmaster_host_replication_lag_seconds           from the heartbeat table (absent when unknown)
 *   ringmaster_host_replication_io_running, _sql_running   1/0 (absent without replication)
 *   ringmaster_host_check_duration_seconds            histogram of each probe (every check of the host)
 *   ringmaster_host_check_failures_total{check}       checks that failed, one per round
 * monitor:
 *   ringmaster_monitor_mode{mode}                     1 for the current mode
 *   ringmaster_monitor_round_duration_seconds         histogram of rounds
 *   ringmaster_monitor_pauses_total                   pauses, CPU starvation or clock jumps detected
 *   ringmaster_monitor_writer_changes_total{kind,outcome}  failovers, switchovers, ring changes (success/failure)
 *   ringmaster_monitor_last_writer_change_age_seconds time since the last writer change finished (absent: none)
 *   ringmaster_monitor_failover_blocked               1 while the anti-flap block would stop an automatic failover
 *   ringmaster_monitor_findings{code}                 current findings by code
 * agents (tag host): ringmaster_agent_addresses_held, ringmaster_agent_lease_age_seconds, ringmaster_agent_reachable
 * checksum: ringmaster_checksum_last_run_timestamp_seconds, ringmaster_checksum_chunks_differing{host}
 * routers: see {@link RouterStatsMeters} (the router in this process as router="monitor", every standalone router
 *          that polls, from the counters it sends), and ringmaster_router_last_poll_age_seconds{router}
 * </pre>
 *
 * <p>Sampled series are read from the monitor's views right before each scrape; counters and histograms are fed by
 * the rounds. Thread-safe.
 */
public final class MonitorMetrics {
    private final RingmasterConfig config;
    private final Journal journal;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final SampledMeters sampled;
    private final Timer round;
    private final Counter pauses;
    private final Map<String, Timer> probes = new ConcurrentHashMap<>();
    private final Set<String> counted = ConcurrentHashMap.newKeySet();
    private volatile String lastPause = "";

    MonitorMetrics(RingmasterConfig config, Journal journal, Clock clock) {
        this.config = config;
        this.journal = journal;
        this.clock = clock;
        this.registry = Metrics.registry(config.cluster());
        this.sampled = new SampledMeters(registry);
        this.round = Metrics.histogram("ringmaster_monitor_round_duration", "one round: probe, decide, act")
                .register(registry);
        this.pauses = Counter.builder("ringmaster_monitor_pauses")
                .description("pauses, CPU starvation or clock jumps of the monitor detected").register(registry);
        for (HostConfig h : config.hosts()) {
            for (CheckName c : CheckName.values()) {
                checkFailures(h.name(), c); // present at 0 from the start, so increase() sees the first failure
            }
        }
    }

    /** The registry (scraped by the API; the router in the monitor's process adds its hold times). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** One probe of {@code host} answered after {@code nanos}. */
    void probed(String host, long nanos) {
        probes.computeIfAbsent(host, h -> Metrics.histogram("ringmaster_host_check_duration",
                "one probe of the host: ping, mysql, replication threads and heartbeat").tag("host", h)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter checkFailures(String host, CheckName c) {
        return Counter.builder("ringmaster_host_check_failures").description("checks that failed, one per round")
                .tags("host", host, "check", c.label()).register(registry);
    }

    /** A round ended after {@code nanos}: counts its failed checks, a pause it saw and writer changes finished. */
    void roundEnded(Monitor m, long nanos) {
        round.record(nanos, TimeUnit.NANOSECONDS);
        ClusterState s = m.state();
        for (HostConfig h : config.hosts()) {
            HostRecord r = s.host(h.name());
            for (CheckName c : CheckName.values()) {
                CheckStatus st = r == null ? null : r.check(c);
                if (st != null && !st.passing()) {
                    checkFailures(h.name(), c).increment();
                }
            }
        }
        String pause = m.currentFindings().stream().filter(f -> f instanceof Finding.MonitorPaused)
                .map(Finding::summary).findFirst().orElse("");
        if (!pause.isEmpty() && !pause.equals(lastPause)) {
            pauses.increment();
        }
        lastPause = pause;
        for (RecoveryRecord rec : m.recoveries()) {
            if (rec.finished() != null && counted.add(rec.id())) {
                Counter.builder("ringmaster_monitor_writer_changes")
                        .description("failovers, switchovers and ring changes finished, by outcome")
                        .tags("kind", rec.kind().toLowerCase(Locale.ROOT), "outcome",
                                rec.success() ? "success" : "failure").register(registry).increment();
            }
        }
    }

    /** Sets every sampled series from the monitor's views; called before each scrape. */
    void sample(Monitor m, RoutePublisher routes) {
        sampled.sample(s -> {
            hosts(s, m);
            monitor(s, m);
            agents(s, m);
            checksum(s, m);
            Object local = m.routerStats();
            if (local instanceof List<?> l) {
                RouterStatsMeters.sample(s, "monitor", l);
            }
            long now = System.nanoTime();
            routes.followers().forEach((id, f) -> {
                if (f.stats() instanceof List<?> l) {
                    RouterStatsMeters.sample(s, id, l);
                }
                s.gauge("ringmaster_router_last_poll_age_seconds", "time since the router last polled the monitor",
                        (now - f.askedAtNanos()) / 1e9, "router", id);
            });
        });
    }

    private void hosts(SampledMeters.Sample s, Monitor m) {
        ClusterState st = m.state();
        Map<String, HostObservation> obs = m.observations();
        Map<String, HostObservation> good = m.lastGoodObservations();
        for (HostConfig h : config.hosts()) {
            String n = h.name();
            HostRecord r = st.host(n);
            for (HostState state : HostState.values()) {
                s.gauge("ringmaster_host_state", "1 for the host's state", r != null && r.state() == state ? 1 : 0,
                        "host", n, "state", state.name());
            }
            List<String> roles = st.rolesOf(n);
            for (RoleConfig role : config.roles()) {
                s.gauge("ringmaster_host_role", "1 while the host holds the role", roles.contains(role.name()) ? 1 : 0,
                        "host", n, "role", role.name());
            }
            HostObservation g = good.get(n);
            if (g != null) {
                s.gauge("ringmaster_host_read_only", "read_only of the host at its last good check",
                        g.readOnly() ? 1 : 0, "host", n);
            }
            HostObservation o = obs.get(n);
            if (o != null && o.lag().isPresent()) {
                s.gauge("ringmaster_host_replication_lag_seconds", "replication lag from the heartbeat table",
                        o.lag().get().toNanos() / 1e9, "host", n);
            }
            if (o != null && o.sqlOk() && o.replication().isPresent()) {
                s.gauge("ringmaster_host_replication_io_running", "1 while the replication IO thread runs",
                        o.replication().get().ioRunning() ? 1 : 0, "host", n);
                s.gauge("ringmaster_host_replication_sql_running", "1 while the replication SQL thread runs",
                        o.replication().get().sqlRunning() ? 1 : 0, "host", n);
            }
        }
    }

    private void monitor(SampledMeters.Sample s, Monitor m) {
        MonitorMode mode = m.state().mode();
        for (MonitorMode each : MonitorMode.values()) {
            s.gauge("ringmaster_monitor_mode", "1 for the monitor's mode", each == mode ? 1 : 0, "mode", each.name());
        }
        Instant now = clock.instant();
        m.recoveries().stream().filter(r -> r.finished() != null && !r.kind().startsWith("RING_")).findFirst()
                .ifPresent(r -> s.gauge("ringmaster_monitor_last_writer_change_age_seconds",
                        "time since the last writer change finished", Duration.between(r.finished(), now).toNanos()
                                / 1e9));
        s.gauge("ringmaster_monitor_failover_blocked", "1 while the anti-flap block stops an automatic failover",
                journal.blockedBecause(now, config.safety().failoverBlockPeriod()).isPresent() ? 1 : 0);
        Map<String, Integer> byCode = new TreeMap<>();
        m.currentFindings().forEach(f -> byCode.merge(f.code(), 1, Integer::sum));
        byCode.forEach((code, n) -> s.gauge("ringmaster_monitor_findings", "current findings by code", n,
                "code", code));
    }

    private void agents(SampledMeters.Sample s, Monitor m) {
        for (HostConfig h : config.hosts()) {
            Map<String, Object> a = m.addresses().agentView(h.name());
            if (a == null) {
                continue;
            }
            s.gauge("ringmaster_agent_reachable", "1 while the host's agent answers",
                    Boolean.TRUE.equals(a.get("reachable")) ? 1 : 0, "host", h.name());
            if (a.get("held") instanceof List<?> held) {
                s.gauge("ringmaster_agent_addresses_held", "role addresses (VIPs) the agent holds", held.size(),
                        "host", h.name());
            }
            if (a.get("leaseAgeMs") instanceof Number age) {
                s.gauge("ringmaster_agent_lease_age_seconds", "time since the agent's lease was last renewed",
                        age.doubleValue() / 1000, "host", h.name());
            }
        }
    }

    private void checksum(SampledMeters.Sample s, Monitor m) {
        Map<String, Object> c = m.lastChecksum();
        if (c.isEmpty()) {
            return;
        }
        try {
            s.gauge("ringmaster_checksum_last_run_timestamp_seconds", "when the last scheduled checksum finished",
                    Instant.parse(String.valueOf(c.get("finished"))).toEpochMilli() / 1000.0);
        } catch (java.time.format.DateTimeParseException ignored) {
            // no finish time: no series
        }
        Object per = c.get("differingByHost");
        for (HostConfig h : config.hosts()) {
            Object n = per instanceof Map<?, ?> map ? map.get(h.name()) : null;
            s.gauge("ringmaster_checksum_chunks_differing", "chunks that differed from the writer's at the last run",
                    n instanceof Number x ? x.doubleValue() : 0, "host", h.name());
        }
    }
}
