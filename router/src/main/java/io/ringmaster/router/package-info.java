/**
 * Ringmaster's router: TCP listeners per role address (writer 127.0.0.1:6446 and reader 127.0.0.1:6447 by default,
 * plus named reader pools restricted to chosen hosts) that forward MySQL connections, byte for byte, to whoever
 * holds the role right now, following the monitor's {@link io.ringmaster.core.routing.RouteTable}.
 *
 * <p>{@link io.ringmaster.router.Router} is the engine (Netty, epoll on Linux); it runs inside the monitor, fed by
 * its route listener, or standalone as a {@link io.ringmaster.router.StandaloneRouter} that long-polls the monitor's
 * API and holds a {@link io.ringmaster.router.WriterLease}. {@link io.ringmaster.router.RouterConfigReader} reads
 * the {@code router:} section of the configuration. The decisions are pure and unit-tested:
 * {@link io.ringmaster.router.Destinations} (who may receive a listener's connections),
 * {@link io.ringmaster.router.LeastConnections}, {@link io.ringmaster.router.ErrPacket}.
 */
package io.ringmaster.router;
