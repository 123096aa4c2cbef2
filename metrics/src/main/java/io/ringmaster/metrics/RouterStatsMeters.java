package io.ringmaster.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router's counters ({@code Router.stats()}, or the same shape a standalone router reports to the monitor with its
 * polls) as Prometheus series, tagged {@code router} (its id; {@code monitor} for the router inside the monitor),
 * {@code listener} and {@code role}, and {@code host} for a backend:
 *
 * <pre>
 * ringmaster_router_connections_open             gauge    relayed connections open now
 * ringmaster_router_connections_waiting          gauge    connections held now (no holder of the role yet)
 * ringmaster_router_connections_total            counter  connections accepted
 * ringmaster_router_connections_refused_total    counter  refused with a MySQL error packet
 * ringmaster_router_connections_held_total       counter  connections that had to wait for a holder
 * ringmaster_router_bytes_total{direction}       counter  bytes relayed, to_backend / from_backend
 * ringmaster_router_backend{host}                gauge    1 while HOST is a destination of the listener's role
 * ringmaster_router_backend_connections_open{host} gauge  open connections to HOST
 * ringmaster_router_backend_connect_failures_total{host} counter
 * </pre>
 * Stateless; thread-safe.
 */
public final class RouterStatsMeters {
    private RouterStatsMeters() {}

    /**
     * Sets the series of one router.
     *
     * @param router the router's id
     * @param stats  one map per listener: {@code {"name", "role", "backends": [{"name", "current", "open", "total",
     *               "bytesToBackend", "bytesFromBackend", "connectFailures"}], "accepted", "held", "heldNow",
     *               "refused"}}; a missing number counts as 0, anything else is ignored
     */
    public static void sample(SampledMeters.Sample s, String router, List<?> stats) {
        for (Object o : stats) {
            if (!(o instanceof Map<?, ?> l)) {
                continue;
            }
            String listener = String.valueOf(l.get("name"));
            String role = String.valueOf(l.get("role"));
            String[] t = {"router", router, "listener", listener, "role", role};
            double open = 0;
            double to = 0;
            double from = 0;
            Map<String, double[]> perHost = new LinkedHashMap<>(); // host: current, open, failures
            Object backends = l.get("backends");
            if (backends instanceof List<?> list) {
                for (Object bo : list) {
                    if (!(bo instanceof Map<?, ?> b)) {
                        continue;
                    }
                    open += number(b.get("open"));
                    to += number(b.get("bytesToBackend"));
                    from += number(b.get("bytesFromBackend"));
                    double[] h = perHost.computeIfAbsent(String.valueOf(b.get("name")), k -> new double[3]);
                    h[0] = Math.max(h[0], Boolean.TRUE.equals(b.get("current")) ? 1 : 0);
                    h[1] += number(b.get("open"));
                    h[2] += number(b.get("connectFailures"));
                }
            }
            s.gauge("ringmaster_router_connections_open", "relayed connections open now", open, t);
            s.gauge("ringmaster_router_connections_waiting", "connections held now, waiting for a holder of the role",
                    number(l.get("heldNow")), t);
            s.counter("ringmaster_router_connections", "connections accepted", number(l.get("accepted")), t);
            s.counter("ringmaster_router_connections_refused", "connections refused with a MySQL error packet",
                    number(l.get("refused")), t);
            s.counter("ringmaster_router_connections_held", "connections that waited for a holder of the role",
                    number(l.get("held")), t);
            s.counter("ringmaster_router_bytes", "bytes relayed", to, with(t, "direction", "to_backend"));
            s.counter("ringmaster_router_bytes", "bytes relayed", from, with(t, "direction", "from_backend"));
            perHost.forEach((host, h) -> {
                String[] ht = with(t, "host", host);
                s.gauge("ringmaster_router_backend", "1 while the host is a destination of the listener's role", h[0],
                        ht);
                s.gauge("ringmaster_router_backend_connections_open", "open connections to the host", h[1], ht);
                s.counter("ringmaster_router_backend_connect_failures", "failed connects to the host", h[2], ht);
            });
        }
    }

    private static String[] with(String[] tags, String key, String value) {
        String[] out = java.util.Arrays.copyOf(tags, tags.length + 2);
        out[tags.length] = key;
        out[tags.length + 1] = value;
        return out;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }
}
