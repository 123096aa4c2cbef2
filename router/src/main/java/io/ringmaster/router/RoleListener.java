package io.ringmaster.router;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.ringmaster.core.routing.RouteTable.Backend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP listener of the router: accepts clients, sends each to a current holder of its role (the writer, or the
 * least-loaded holder of a balanced role), holds clients while the role has no holder, refuses them with a MySQL
 * error when the hold time runs out, and cuts or drains connections to hosts that left the role.
 *
 * <p>Thread-safety: connection work runs on the event loops; {@link #apply} runs on the thread that delivers route
 * tables (serialized by {@link Router}); the counters may be read from any thread.
 */
final class RoleListener {
    private static final Logger log = LoggerFactory.getLogger(RoleListener.class);
    /** Pause before trying the holders again after every one refused a connect. */
    static final long RETRY_MS = 200;

    private final RouterConfig.Listener config;
    private final RouterConfig router;
    private final boolean exclusive;
    private final Map<String, AtomicInteger> hostLoad;
    private final Queue<ProxiedConnection> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger heldNow = new AtomicInteger();
    private final Set<ProxiedConnection> open = ConcurrentHashMap.newKeySet();
    private final Map<Backend, BackendCounters> counters = new ConcurrentHashMap<>();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder heldTotal = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicLong turn = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
    private final LongAdder refusalsSinceLog = new LongAdder();
    private volatile Destinations current = Destinations.NONE;
    /** Told how long each held connection was held, ns (the hold-time histogram); does nothing by default. */
    volatile java.util.function.LongConsumer heldFor = ns -> { };
    private volatile Channel server;

    /**
     * @param config    the listener's settings
     * @param router    the router's settings (timeouts, bounds)
     * @param exclusive true when the role is the exclusive (writer) role
     * @param hostLoad  open connections per host across every listener of the router (least-connections counts
     *                  them all, so a pool avoids hosts busy with another pool)
     */
    RoleListener(RouterConfig.Listener config, RouterConfig router, boolean exclusive,
                 Map<String, AtomicInteger> hostLoad) {
        this.config = config;
        this.router = router;
        this.exclusive = exclusive;
        this.hostLoad = hostLoad;
    }

    String name() {
        return config.name();
    }

    RouterConfig.Listener config() {
        return config;
    }

    boolean exclusive() {
        return exclusive;
    }

    /**
     * Binds the listening socket on {@code group}.
     *
     * @return the bound port (useful when the configured port is taken over by the OS in tests)
     * @throws IOException when the address cannot be bound; the message names the listener and the address
     */
    int bind(EventLoopGroup group) throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Relay(new ProxiedConnection(RoleListener.this, ch), true));
                    }
                });
        ChannelFuture f = b.bind(config.address(), config.port());
        if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS) || !f.isSuccess()) {
            f.channel().close();
            String why = f.cause() == null ? "timed out after 5 s" : oneLine(f.cause());
            throw new IOException("cannot listen on " + config.endpoint() + " for '" + config.name() + "': " + why);
        }
        server = f.channel();
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    // ------------------------------------------------------------------ route changes (route-table thread)

    /**
     * Takes new destinations: releases held clients when there is a holder again, cuts connections to a former
     * writer at once (abortive close, so not one more byte reaches it), and drains connections to hosts that left
     * a balanced role.
     *
     * @param d     the new destinations
     * @param waits receives one future per connection being cut; the caller waits for them (bounded) so the
     *              former writer is disconnected before the monitor goes on to fence it
     * @return how many connections were cut or scheduled to drain
     */
    int apply(Destinations d, List<Future<?>> waits) {
        Destinations before = current;
        current = d;
        if (!before.backends().equals(d.backends()) || !before.reason().equals(d.reason())) {
            log.info("listener '{}' ({} on {}): {}", config.name(), config.role(), config.endpoint(),
                    d.routable() ? "-> " + String.join(", ", d.backends().stream().map(Backend::host).toList())
                            : "holding new connections: " + d.reason());
        }
        int touched = 0;
        for (ProxiedConnection c : open) {
            ProxiedConnection.Link l = c.link;
            if (l == null || l.cut) {
                continue;
            }
            if (d.allows(l.target)) {
                cancelDrain(l);
                continue;
            }
            touched++;
            if (exclusive || router.drainTime().isZero()) {
                l.cut = true;
                waits.add(c.frontend.eventLoop().submit(() -> cutNow(c, l)));
            } else if (l.drain == null) {
                l.drain = c.frontend.eventLoop().schedule(() -> drainNow(c, l), router.drainTime().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        if (touched > 0) {
            log.info("listener '{}': {} {} connection(s) to hosts that left role '{}'", config.name(),
                    exclusive || router.drainTime().isZero() ? "cutting" : "draining in "
                            + router.drainTime().toMillis() + " ms", touched, config.role());
        }
        if (d.routable()) {
            ProxiedConnection c;
            while ((c = held.poll()) != null) {
                ProxiedConnection held1 = c;
                c.frontend.eventLoop().execute(() -> dispatch(held1));
            }
        }
        return touched;
    }

    /** Cancels a pending drain when its host is back in the role. */
    private static void cancelDrain(ProxiedConnection.Link l) {
        var f = l.drain;
        if (f != null) {
            f.cancel(false);
            l.drain = null;
        }
    }

    // ------------------------------------------------------------------ connection work (event loop)

    void accepted(ProxiedConnection c) {
        accepted.increment();
        dispatch(c);
    }

    private void dispatch(ProxiedConnection c) {
        if (c.finished || c.link != null || c.connecting != null || !c.frontend.isActive()) {
            return;
        }
        Destinations d = current;
        if (!d.routable()) {
            hold(c, false);
            return;
        }
        List<Backend> candidates = d.backends();
        if (!c.failed.isEmpty()) {
            candidates = candidates.stream().filter(b -> !c.failed.contains(b)).toList();
        }
        if (candidates.isEmpty()) {
            c.failed.clear();
            hold(c, true);
            return;
        }
        Backend b = exclusive ? candidates.get(0)
                : LeastConnections.choose(candidates, this::load, turn.getAndIncrement()).orElseThrow();
        connect(c, b);
    }

    private int load(Backend b) {
        AtomicInteger n = hostLoad.get(b.host());
        return n == null ? 0 : n.get();
    }

    private void connect(ProxiedConnection c, Backend b) {
        Bootstrap bs = new Bootstrap().group(c.frontend.eventLoop()).channel(Transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        router.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new Relay(c, false));
        ChannelFuture f = bs.connect(b.address(), b.port());
        c.connecting = f;
        f.addListener((ChannelFuture done) -> connected(c, b, done));
    }

    private void connected(ProxiedConnection c, Backend b, ChannelFuture f) {
        c.connecting = null;
        BackendCounters bc = counters(b);
        if (!f.isSuccess()) {
            bc.connectFailures.increment();
            c.failed.add(b);
            c.lastError = "cannot connect to " + b.host() + " (" + b.address() + ":" + b.port() + "): "
                    + oneLine(f.cause());
            log.debug("listener '{}': {}", config.name(), c.lastError);
            dispatch(c);
            return;
        }
        Channel be = f.channel();
        if (c.finished || !c.frontend.isActive()) {
            be.close();
            return;
        }
        ProxiedConnection.Link l = new ProxiedConnection.Link(b, be, bc);
        c.link = l;
        open.add(c);
        // the table may have moved while connecting: never forward to a host that no longer holds the role
        if (!current.allows(b)) {
            open.remove(c);
            c.link = null;
            abort(be);
            dispatch(c);
            return;
        }
        bc.open.incrementAndGet();
        bc.total.increment();
        hostLoad.computeIfAbsent(b.host(), k -> new AtomicInteger()).incrementAndGet();
        c.failed.clear();
        releaseHold(c);
        be.closeFuture().addListener(x -> backendClosed(c, l));
        be.config().setAutoRead(true);
        c.frontend.config().setAutoRead(true);
    }

    private void backendClosed(ProxiedConnection c, ProxiedConnection.Link l) {
        if (open.remove(c)) {
            l.counters.open.decrementAndGet();
            AtomicInteger n = hostLoad.get(l.target.host());
            if (n != null) {
                n.decrementAndGet();
            }
        }
        var drain = l.drain;
        if (drain != null) {
            drain.cancel(false);
        }
        c.finished = true;
        closeAfterFlush(c.frontend);
    }

    void frontendClosed(ProxiedConnection c) {
        ProxiedConnection.Link l = c.link;
        if (l != null) {
            closeAfterFlush(l.channel);
            return;
        }
        c.finished = true;
        held.remove(c);
        releaseHold(c);
        if (c.connecting != null) {
            c.connecting.channel().close();
            c.connecting = null;
        }
    }

    private void cutNow(ProxiedConnection c, ProxiedConnection.Link l) {
        if (c.link != l) {
            return;
        }
        abort(l.channel);
        c.frontend.close();
    }

    private void drainNow(ProxiedConnection c, ProxiedConnection.Link l) {
        if (c.link != l || current.allows(l.target)) {
            return;
        }
        log.debug("listener '{}': drain time over, closing a connection to {}", config.name(), l.target.host());
        l.channel.close();
        c.frontend.close();
    }

    private void hold(ProxiedConnection c, boolean retryLater) {
        if (!c.held) {
            if (router.holdTimeout().isZero()) {
                refuse(c, ErrPacket.REFUSED, reason(c));
                return;
            }
            if (heldNow.incrementAndGet() > router.maxHeld()) {
                heldNow.decrementAndGet();
                refuse(c, ErrPacket.REFUSED, "too many connections held (" + router.maxHeld()
                        + ") while " + current.reason());
                return;
            }
            c.held = true;
            heldTotal.increment();
            long left = router.holdTimeout().toNanos() - (System.nanoTime() - c.acceptedNanos);
            c.holdTimer = c.frontend.eventLoop().schedule(() -> holdExpired(c), Math.max(0, left),
                    TimeUnit.NANOSECONDS);
        }
        held.add(c);
        if (retryLater) {
            c.frontend.eventLoop().schedule(() -> {
                if (held.remove(c)) {
                    dispatch(c);
                }
            }, RETRY_MS, TimeUnit.MILLISECONDS);
        } else if (current.routable() && held.remove(c)) {
            dispatch(c); // a table came in between our look and our queueing
        }
    }

    private void releaseHold(ProxiedConnection c) {
        if (c.held) {
            c.held = false;
            heldNow.decrementAndGet();
            heldFor.accept(System.nanoTime() - c.acceptedNanos);
            if (c.holdTimer != null) {
                c.holdTimer.cancel(false);
                c.holdTimer = null;
            }
        }
    }

    private void holdExpired(ProxiedConnection c) {
        c.holdTimer = null;
        if (c.finished || c.link != null) {
            return;
        }
        held.remove(c);
        if (c.connecting != null) {
            c.connecting.channel().close();
            c.connecting = null;
        }
        refuse(c, ErrPacket.REFUSED, reason(c) + " (held " + (System.nanoTime() - c.acceptedNanos) / 1_000_000
                + " ms)");
    }

    private String reason(ProxiedConnection c) {
        Destinations d = current;
        if (d.routable()) {
            return c.lastError != null ? c.lastError : "no holder of role '" + config.role() + "' answered";
        }
        return d.reason();
    }

    private void refuse(ProxiedConnection c, int code, String reason) {
        c.finished = true;
        releaseHold(c);
        refused.increment();
        refusalsSinceLog.increment();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last > TimeUnit.SECONDS.toNanos(1) && lastRefusalLog.compareAndSet(last, now)) {
            log.warn("listener '{}': refused {} connection(s): {}", config.name(), refusalsSinceLog.sumThenReset(),
                    reason);
        }
        if (c.frontend.isActive()) {
            byte[] packet = ErrPacket.of(code, ErrPacket.SQLSTATE_REJECTED, "ringmaster router: " + reason);
            c.frontend.writeAndFlush(Unpooled.wrappedBuffer(packet)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Refuses every held client (the router is closing) and closes every relayed connection. Called once, from the
     * closing thread.
     */
    void shutdown() {
        Channel s = server;
        if (s != null) {
            s.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        current = new Destinations(List.of(), "the router is shutting down");
        ProxiedConnection c;
        while ((c = held.poll()) != null) {
            ProxiedConnection h = c;
            h.frontend.eventLoop().execute(() -> refuse(h, ErrPacket.REFUSED, "the router is shutting down"));
        }
        for (ProxiedConnection o : open) {
            o.frontend.close();
        }
    }

    // ------------------------------------------------------------------ counters (any thread)

    private BackendCounters counters(Backend b) {
        return counters.computeIfAbsent(b, BackendCounters::new);
    }

    /**
     * {@code {"name", "role", "listen", "state", "backends": [...], "accepted", "held", "heldNow", "refused"}}.
     * Backends are the current destinations first, then former ones that still have counters.
     */
    Map<String, Object> view() {
        Destinations d = current;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", config.name());
        m.put("role", config.role());
        m.put("listen", config.endpoint());
        if (!config.hosts().isEmpty()) {
            m.put("hosts", config.hosts());
        }
        m.put("state", d.routable() ? "routing" : "holding: " + d.reason());
        List<Map<String, Object>> backends = new ArrayList<>();
        for (Backend b : d.backends()) {
            backends.add(counters(b).view(true));
        }
        counters.values().stream().filter(bc -> !d.allows(bc.backend))
                .forEach(bc -> backends.add(bc.view(false)));
        m.put("backends", backends);
        m.put("accepted", accepted.sum());
        m.put("held", heldTotal.sum());
        m.put("heldNow", heldNow.get());
        m.put("refused", refused.sum());
        return m;
    }

    /** Open relayed connections to a host through this listener. */
    int openTo(String host) {
        return counters.values().stream().filter(bc -> bc.backend.host().equals(host))
                .mapToInt(bc -> bc.open.get()).sum();
    }

    private static void abort(Channel ch) {
        if (ch.isOpen()) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException ignored) {
                // the socket is going away anyway
            }
            ch.close();
        }
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    static String oneLine(Throwable t) {
        String m = t == null ? "unknown error" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("[\\r\\n]+", " ");
    }
}
