package io.ringmaster.router;

import io.ringmaster.core.routing.RouteTable.Backend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one backend behind one listener. Updated from the event loops, read by the status view; thread-safe
 * (each value is exact on its own, a snapshot of several is not atomic).
 */
final class BackendCounters {
    final Backend backend;
    final AtomicInteger open = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder bytesToBackend = new LongAdder();
    final LongAdder bytesFromBackend = new LongAdder();
    final LongAdder connectFailures = new LongAdder();

    BackendCounters(Backend backend) {
        this.backend = backend;
    }

    /** {@code {"name", "address", "open", "total", "bytesToBackend", "bytesFromBackend", "connectFailures"}}. */
    Map<String, Object> view(boolean current) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", backend.host());
        m.put("address", (backend.address().contains(":") ? "[" + backend.address() + "]" : backend.address())
                + ":" + backend.port());
        m.put("current", current);
        m.put("open", open.get());
        m.put("total", total.sum());
        m.put("bytesToBackend", bytesToBackend.sum());
        m.put("bytesFromBackend", bytesFromBackend.sum());
        m.put("connectFailures", connectFailures.sum());
        return m;
    }
}
