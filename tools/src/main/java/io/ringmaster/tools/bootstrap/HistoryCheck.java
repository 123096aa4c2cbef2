package io.ringmaster.tools.bootstrap;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether the binary log history the hosts already have lets replication start by GTID (MASTER_USE_GTID=slave_pos)
 * under gtid_strict_mode without error 1950 (out-of-order GTID). Pure: it reads only the positions given.
 *
 * <p>In a pair or ring everything a master logs reaches every other host (log_slave_updates); a replica's own binary
 * log reaches nobody. A source sends a replica each domain from the replica's gtid_slave_pos, or from the start of
 * the domain when the replica's gtid_slave_pos lacks it, and the replica skips only events of its own server_id.
 * Replaying another server's history from its start is not safe to assume (an account created by hand on every host
 * fails with 1396 when it comes again; sequence numbers below a host's own fail with 1950), so per domain D:
 * <ul>
 *   <li>only one server wrote D (every holder's last GTID in D has the same server_id), or every holder holds the
 *       same last GTID in D; otherwise the writers of D conflict (error 1950 under gtid_strict_mode);</li>
 *   <li>a host that will receive D from a master (every host but D's origin, when a master holds D) has D in its
 *       gtid_slave_pos: otherwise it would replay D from its start; the fix lies with D's origin (its own
 *       transactions), or with the host when the origin is not managed;</li>
 *   <li>no master will write, after bootstrap, in a domain where another host holds more than it has;</li>
 *   <li>a replica holds no transactions of its own: nobody reads its binary log, so they would be errant.</li>
 * </ul>
 * Hosts with empty binary logs pass, and so does a cluster bootstrapped before (every host records what it
 * received in its gtid_slave_pos).
 */
public final class HistoryCheck {
    private HistoryCheck() {}

    /**
     * One host's history.
     *
     * @param host        name
     * @param serverId    its server_id
     * @param binlog      its gtid_binlog_pos
     * @param slave       its gtid_slave_pos
     * @param writeDomain the gtid_domain_id it will write in after bootstrap, empty for a replica
     */
    public record HostHistory(String host, long serverId, GtidPosition binlog, GtidPosition slave,
                              Optional<Long> writeDomain) {
        /** True for a master (it will write, and what it logs reaches every other host). */
        boolean master() {
            return writeDomain.isPresent();
        }
    }

    /**
     * Why one host's history conflicts.
     *
     * @param host    name
     * @param own     the GTIDs of its own server_id in conflicting domains (what RESET MASTER would drop); may be
     *                empty when only replicated history conflicts
     * @param reasons one line each, naming the GTIDs per host
     */
    public record Conflict(String host, List<GtidPosition.Gtid> own, List<String> reasons) {
        public Conflict {
            own = List.copyOf(own);
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * @param hosts every host, in configuration order
     * @return the conflicts, one per host that has any, in configuration order; empty when the history is compatible
     */
    public static List<Conflict> analyze(List<HostHistory> hosts) {
        Map<String, Set<String>> reasons = new LinkedHashMap<>();
        Map<String, Set<GtidPosition.Gtid>> own = new LinkedHashMap<>();
        hosts.forEach(h -> {
            reasons.put(h.host(), new LinkedHashSet<>());
            own.put(h.host(), new LinkedHashSet<>());
        });
        Set<Long> domains = new TreeSet<>();
        hosts.forEach(h -> domains.addAll(h.binlog().domains()));
        for (long d : domains) {
            Map<HostHistory, GtidPosition.Gtid> holders = new LinkedHashMap<>();
            hosts.forEach(h -> gtid(h.binlog(), d).ifPresent(g -> holders.put(h, g)));
            Set<Long> writers = new TreeSet<>();
            holders.values().forEach(g -> writers.add(g.serverId()));
            boolean allEqual = new LinkedHashSet<>(holders.values()).size() == 1;
            String all = describe(holders);
            if (writers.size() > 1 && !allEqual) {
                for (Map.Entry<HostHistory, GtidPosition.Gtid> e : holders.entrySet()) {
                    reasons.get(e.getKey().host()).add("domain " + d + " was written by several servers (" + all
                            + "): each would receive the others' GTIDs below its own (error 1950 under gtid_strict_mode)");
                    if (e.getValue().serverId() == e.getKey().serverId()) {
                        own.get(e.getKey().host()).add(e.getValue());
                    }
                }
                continue;
            }
            Optional<HostHistory> sender = holders.keySet().stream().filter(HostHistory::master).findFirst();
            GtidPosition.Gtid last = holders.values().iterator().next();
            Optional<HostHistory> origin = hosts.stream().filter(x -> x.serverId() == last.serverId()).findFirst();
            for (HostHistory x : hosts) {
                boolean receives = holders.keySet().stream().anyMatch(y -> y != x && y.master());
                if (!receives || x.serverId() == last.serverId() || gtid(x.slave(), d).isPresent()) {
                    continue;
                }
                String line = x.host() + " would replay domain " + d + " from its start (its gtid_slave_pos "
                        + text(x.slave()) + " lacks it), up to " + describe(holders)
                        + sender.map(y -> " sent by " + y.host()).orElse("");
                if (origin.isPresent() && origin.get() != x) {
                    reasons.get(origin.get().host()).add(line);
                    gtid(origin.get().binlog(), d).filter(g -> g.serverId() == origin.get().serverId())
                            .ifPresent(own.get(origin.get().host())::add);
                } else {
                    reasons.get(x.host()).add(line);
                }
            }
            for (Map.Entry<HostHistory, GtidPosition.Gtid> e : holders.entrySet()) {
                HostHistory r = e.getKey();
                if (!r.master() && e.getValue().serverId() == r.serverId()) {
                    reasons.get(r.host()).add("its own transactions up to " + e.getValue() + " reach no other host (a"
                            + " replica's binary log is read by nobody): the monitor would hold them as errant and keep"
                            + " it out of every role");
                    own.get(r.host()).add(e.getValue());
                }
            }
            for (HostHistory m : hosts) {
                if (m.writeDomain().filter(w -> w == d).isEmpty()) {
                    continue;
                }
                long mine = m.binlog().seq(d);
                for (Map.Entry<HostHistory, GtidPosition.Gtid> e : holders.entrySet()) {
                    if (e.getKey() != m && e.getValue().seq() > mine) {
                        reasons.get(m.host()).add("it will write in domain " + d + " where " + e.getKey().host()
                                + " holds " + e.getValue() + " and it only " + (mine == 0 ? "nothing" : mine)
                                + ": its new GTIDs would be out of order there");
                    }
                }
            }
        }
        List<Conflict> out = new ArrayList<>();
        for (HostHistory h : hosts) {
            if (!reasons.get(h.host()).isEmpty()) {
                out.add(new Conflict(h.host(), new ArrayList<>(own.get(h.host())), new ArrayList<>(reasons.get(h.host()))));
            }
        }
        return out;
    }

    /** The host's GTID in a domain. */
    static Optional<GtidPosition.Gtid> gtid(GtidPosition p, long domain) {
        return p.gtids().stream().filter(g -> g.domain() == domain).findFirst();
    }

    private static String describe(Map<HostHistory, GtidPosition.Gtid> holders) {
        List<String> parts = new ArrayList<>();
        holders.forEach((h, g) -> parts.add(h.host() + " " + g));
        return String.join(", ", parts);
    }

    private static String text(GtidPosition p) {
        return p.isEmpty() ? "empty" : p.toString();
    }
}
