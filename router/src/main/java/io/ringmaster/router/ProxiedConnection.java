package io.ringmaster.router;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.ringmaster.core.routing.RouteTable.Backend;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * One client connection accepted by a listener, and the backend connection it is relayed to once there is one.
 *
 * <p>Confined to the client channel's event loop (the backend channel uses the same loop), except {@link #link},
 * which the route-table thread reads to cut or drain it, and {@link Link#cut}.
 */
final class ProxiedConnection {
    final RoleListener listener;
    final Channel frontend;
    final long acceptedNanos = System.nanoTime();

    /** The established backend link; null while held or connecting. Written on the event loop only. */
    volatile Link link;
    /** A backend connect in flight, or null. */
    ChannelFuture connecting;
    /** True once the connection has been refused or closed: nothing more happens to it. */
    boolean finished;
    /** True while the connection counts as held (no backend yet). */
    boolean held;
    ScheduledFuture<?> holdTimer;
    /** Backends that refused a connect during the current attempt. */
    final Set<Backend> failed = new HashSet<>();
    /** The last backend connect error, one line, or null. */
    String lastError;

    ProxiedConnection(RoleListener listener, Channel frontend) {
        this.listener = listener;
        this.frontend = frontend;
    }

    /**
     * The relay to one backend. {@link #cut} stops forwarding at once from any thread; the channels are then closed
     * on the event loop.
     */
    static final class Link {
        final Backend target;
        final Channel channel;
        final BackendCounters counters;
        volatile boolean cut;
        volatile ScheduledFuture<?> drain;

        Link(Backend target, Channel channel, BackendCounters counters) {
            this.target = target;
            this.channel = channel;
            this.counters = counters;
        }
    }
}
