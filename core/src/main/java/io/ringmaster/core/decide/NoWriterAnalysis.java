package io.ringmaster.core.decide;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Explains a cluster left without a writer ({@link Finding.NoWriter}): why, which host holds the most of each GTID
 * domain, and the one command that would restore service. Pure and thread-safe.
 */
final class NoWriterAnalysis {
    private NoWriterAnalysis() {}

    /**
     * @param causes    findings of this round that already say why (no candidate, failover blocked), maybe empty
     * @param lastGood  the last successful observation of each host, for hosts that do not answer now
     * @param retried   why a writer change is being retried, "" when none is
     * @return the finding
     */
    static Finding.NoWriter analyze(RingmasterConfig config, ClusterState state, Map<String, HostObservation> obs,
                                    Map<String, HostObservation> lastGood, List<Finding> causes, String retried) {
        Map<String, GtidPosition> positions = positions(config, state, obs, lastGood);
        Map<Long, List<String>> top = mostPerDomain(positions);
        Map<Long, String> rendered = new LinkedHashMap<>();
        top.forEach((d, hosts) -> rendered.put(d, String.join(", ", hosts) + " ("
                + positions.get(hosts.get(0)).onlyDomain(d) + ")"));
        String best = bestMaster(config, state, obs, top);
        HostRecord rec = best == null ? null : state.host(best);
        HostObservation o = best == null ? null : obs.get(best);
        String why = (retried.isEmpty() ? "" : retried + "; ") + cause(config, state, causes, !retried.isEmpty());
        String command;
        String host = best == null ? "" : best;
        if (best == null) {
            command = "ringmaster show";
        } else if (state.mode() == MonitorMode.PASSIVE) {
            command = "ringmaster set-active";
            host = "";
        } else if (causes.stream().anyMatch(f -> f instanceof Finding.FailoverBlocked)) {
            command = "ringmaster acknowledge";
            host = "";
        } else if (causes.stream().anyMatch(f -> f instanceof Finding.WriterChangeRefused)) {
            command = "the GRANT statements of the MissingPrivilege findings (ringmaster grants prints them all)";
            host = causes.stream().filter(f -> f instanceof Finding.WriterChangeRefused).findFirst()
                    .map(Finding::host).orElse(host);
        } else if (rec == null || rec.state() == HostState.HARD_OFFLINE || o == null || !o.sqlOk()) {
            command = "start " + best + "'s server, then ringmaster set-online " + best;
        } else {
            command = switch (rec.state()) {
                case AWAITING_RECOVERY, ADMIN_OFFLINE -> "ringmaster set-online " + best;
                case REPLICATION_FAIL, REPLICATION_DELAY -> "ringmaster move-role --force writer " + best;
                case ONLINE -> state.mode() == MonitorMode.WAIT ? "ringmaster set-active"
                        : state.mode() == MonitorMode.MANUAL ? "ringmaster move-role writer " + best
                        : "ringmaster move-role --force writer " + best;
                case HARD_OFFLINE -> "start " + best + "'s server, then ringmaster set-online " + best;
            };
        }
        return new Finding.NoWriter(host, why, rendered, command);
    }

    /** Why there is no writer: the causes found this round, or the mode, then every master's state. */
    private static String cause(RingmasterConfig config, ClusterState state, List<Finding> causes,
                                boolean retrying) {
        List<String> parts = new ArrayList<>();
        for (Finding f : causes) {
            switch (f) {
                case Finding.NoCandidate n -> parts.add("no candidate (" + n.why() + ")");
                case Finding.FailoverBlocked b -> parts.add("failover blocked (" + b.why() + ")");
                case Finding.WriterChangeRefused w -> parts.add("writer change refused (" + w.why() + ")");
                default -> { }
            }
        }
        if (parts.isEmpty() && !(retrying && state.mode() == MonitorMode.ACTIVE)) {
            parts.add(switch (state.mode()) {
                case PASSIVE -> "the monitor is PASSIVE: it changes nothing";
                case MANUAL -> "the monitor is in MANUAL mode: it does not choose a writer";
                case WAIT -> "the monitor waits for every master (WAIT mode)";
                case ACTIVE -> "no master can take the writer role";
            });
        }
        List<String> masters = new ArrayList<>();
        for (HostConfig m : config.masters()) {
            HostRecord r = state.host(m.name());
            masters.add(m.name() + " " + (r == null ? "not checked yet" : r.state().name()));
        }
        parts.add("masters: " + String.join(", ", masters));
        return String.join("; ", parts);
    }

    /** Each host's best-known gtid_current_pos: this round's, else the last good one, else the highest seen. */
    private static Map<String, GtidPosition> positions(RingmasterConfig config, ClusterState state,
                                                       Map<String, HostObservation> obs,
                                                       Map<String, HostObservation> lastGood) {
        Map<String, GtidPosition> out = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            HostObservation o = obs.get(h.name());
            if (o == null || !o.sqlOk()) {
                o = lastGood.get(h.name());
            }
            if (o != null && o.sqlOk()) {
                out.put(h.name(), o.currentPos());
                continue;
            }
            HostRecord r = state.host(h.name());
            if (r != null && !r.lastSeenPos().isEmpty()) {
                try {
                    out.put(h.name(), GtidPosition.parse(r.lastSeenPos()));
                } catch (IllegalArgumentException e) {
                    // an unreadable saved position counts as unknown
                }
            }
        }
        return out;
    }

    /** Domain to the hosts (configuration order) holding its highest sequence number. */
    private static Map<Long, List<String>> mostPerDomain(Map<String, GtidPosition> positions) {
        TreeSet<Long> domains = new TreeSet<>();
        positions.values().forEach(p -> domains.addAll(p.domains()));
        Map<Long, List<String>> out = new TreeMap<>();
        for (long d : domains) {
            long max = positions.values().stream().mapToLong(p -> p.seq(d)).max().orElse(0);
            out.put(d, positions.entrySet().stream().filter(e -> e.getValue().seq(d) == max)
                    .map(Map.Entry::getKey).toList());
        }
        return out;
    }

    /**
     * The master that holds the most in the most domains; on a tie one that answers, then one ONLINE, then the first
     * in configuration order. Null when there is no master.
     */
    private static String bestMaster(RingmasterConfig config, ClusterState state, Map<String, HostObservation> obs,
                                     Map<Long, List<String>> top) {
        String best = null;
        long bestScore = -1;
        for (HostConfig m : config.masters()) {
            long count = top.values().stream().filter(l -> l.contains(m.name())).count();
            HostObservation o = obs.get(m.name());
            HostRecord r = state.host(m.name());
            long score = count * 4 + (o != null && o.sqlOk() ? 2 : 0)
                    + (r != null && r.state() == HostState.ONLINE ? 1 : 0);
            if (score > bestScore) {
                best = m.name();
                bestScore = score;
            }
        }
        return best;
    }
}
