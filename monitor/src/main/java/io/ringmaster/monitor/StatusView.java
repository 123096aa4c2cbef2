package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.model.CheckName;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.state.CheckStatus;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON-ready views the API serves ({@code show}, {@code checks}, recoveries) from a monitor's
 * current state. Plain maps and lists, in a stable key order; never a secret.
 */
public final class StatusView {
    private StatusView() {}

    /**
     * The {@code show} view: {@code {"cluster", "mode", "ready", "epoch", "writer", "hosts": [{"name", "address",
     * "mode", "state", "reason", "roles", "readOnly", "lagSeconds", "source", "flapping", "outOfRing" (masters),
     * "roleAddresses" ({@code {role: [ip...]}}, when it holds any), "agent" (when it has one: see
     * {@link AgentLink#view})}], "findings", "checksum" (after a scheduled run), "routes" (the router in this process),
     * "routers" (standalone routers following this monitor, with the counters they sent: see
     * {@code RoutePublisher#followersView})}.
     */
    public static Map<String, Object> show(Monitor m) {
        ClusterState s = m.state();
        Map<String, HostObservation> obs = m.observations();
        Map<String, HostObservation> good = m.lastGoodObservations();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", m.config().cluster());
        out.put("mode", s.mode().name());
        out.put("ready", m.ready());
        out.put("epoch", s.epoch());
        out.put("writer", m.config().writerRole().flatMap(r -> s.holder(r.name())).orElse(null));
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostConfig h : m.config().hosts()) {
            HostRecord r = s.host(h.name());
            HostObservation o = obs.get(h.name());
            HostObservation g = good.get(h.name());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", h.name());
            e.put("address", h.endpoint());
            e.put("mode", h.mode().label());
            e.put("state", r == null ? "UNKNOWN" : r.state().name());
            e.put("reason", r == null ? "not checked yet" : r.reason());
            e.put("roles", s.rolesOf(h.name()));
            e.put("readOnly", g == null ? null : g.readOnly());
            e.put("lagSeconds", o != null && o.lag().isPresent() ? o.lag().get().toNanos() / 1e9 : null);
            e.put("source", s.sources().get(h.name()));
            e.put("flapping", r != null && r.flapping());
            if (h.isMaster()) {
                e.put("outOfRing", s.ring().isOut(h.name())); // the ring was closed around it (issue 9)
            }
            Map<String, List<String>> held = m.addresses().addressesOf(h.name());
            if (!held.isEmpty()) {
                e.put("roleAddresses", held); // role to the addresses of it this host holds
            }
            Map<String, Object> agent = m.addresses().agentView(h.name());
            if (agent != null) {
                e.put("agent", agent);
            }
            hosts.add(e);
        }
        out.put("hosts", hosts);
        out.put("findings", m.currentFindings().stream().map(StatusView::finding).toList());
        if (!m.lastChecksum().isEmpty()) {
            out.put("checksum", m.lastChecksum());
        }
        Object routes = m.routerStats();
        if (routes != null) {
            out.put("routes", routes);
        }
        List<Map<String, Object>> routers = m.publisher().followersView();
        if (!routers.isEmpty()) {
            out.put("routers", routers); // standalone routers, with the counters they sent
        }
        return out;
    }

    /** One finding: {@code {"code", "host", "summary", "howToClear"}} ({@code host} "" for the cluster). */
    public static Map<String, Object> finding(io.ringmaster.core.decide.Finding f) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", f.code());
        e.put("host", f.host());
        e.put("summary", f.summary());
        e.put("howToClear", f.howToClear());
        return e;
    }

    /** The {@code checks} view: {@code {"hosts": [{"name", "checks": [{"check", "ok", "message", "lastChange"}]}]}}. */
    public static Map<String, Object> checks(Monitor m) {
        ClusterState s = m.state();
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostConfig h : m.config().hosts()) {
            HostRecord r = s.host(h.name());
            List<Map<String, Object>> checks = new ArrayList<>();
            for (CheckName c : CheckName.values()) {
                CheckStatus st = r == null ? null : r.check(c);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("check", c.label());
                e.put("ok", st != null && st.passing());
                e.put("message", st == null ? "not checked yet" : st.message());
                e.put("lastChange", st == null ? null : st.lastChange().toString());
                checks.add(e);
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", h.name());
            e.put("checks", checks);
            hosts.add(e);
        }
        return Map.of("hosts", hosts);
    }

    /**
     * The route table view: {@code {"version", "epoch", "issued", "writerChanging", "roles": {role: [{"host",
     * "address", "port"}]}}}.
     */
    public static Map<String, Object> routes(io.ringmaster.core.routing.RouteTable t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", t.version());
        out.put("epoch", t.epoch());
        out.put("issued", t.issued().toString());
        out.put("writerChanging", t.writerChanging());
        Map<String, Object> roles = new LinkedHashMap<>();
        t.roles().forEach((role, backends) -> roles.put(role, backends.stream().map(b -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("host", b.host());
            e.put("address", b.address());
            e.put("port", b.port());
            return e;
        }).toList()));
        out.put("roles", roles);
        return out;
    }

    /** The recoveries view, newest first. */
    public static Map<String, Object> recoveries(Monitor m) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (RecoveryRecord r : m.recoveries()) {
            list.add(recovery(r));
        }
        List<Map<String, Object>> earlier = new ArrayList<>(m.history());
        java.util.Collections.reverse(earlier);
        java.util.Set<Object> seen = new java.util.HashSet<>();
        list.forEach(e -> seen.add(e.get("id")));
        earlier.stream().filter(e -> !seen.contains(e.get("id"))).forEach(list::add);
        return Map.of("recoveries", list);
    }

    /** One writer change: {@code {"id", "kind", "from", "to", "reason", "started", "finished", "success", "outcome", "steps"}}. */
    public static Map<String, Object> recovery(RecoveryRecord r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", r.id());
        e.put("kind", r.kind());
        e.put("from", r.from());
        e.put("to", r.to());
        e.put("reason", r.reason());
        e.put("started", r.started().toString());
        if (r.firstFailureAt() != null) {
            e.put("firstFailureAt", r.firstFailureAt().toString());
        }
        if (!r.evidence().isEmpty()) {
            e.put("evidence", r.evidence());
        }
        e.put("finished", r.finished() == null ? null : r.finished().toString());
        e.put("success", r.success());
        e.put("outcome", r.outcome());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (RecoveryRecord.StepRecord st : r.steps()) {
            Map<String, Object> se = new LinkedHashMap<>();
            se.put("step", st.step());
            se.put("ok", st.ok());
            se.put("millis", st.millis());
            se.put("detail", st.detail());
            steps.add(se);
        }
        e.put("steps", steps);
        Map<String, Object> positions = new LinkedHashMap<>();
        positions.put("before", new java.util.TreeMap<>(r.positions(true)));
        positions.put("after", new java.util.TreeMap<>(r.positions(false)));
        e.put("positions", positions);
        e.put("transactionsLost", r.transactionsLost());
        return e;
    }
}
