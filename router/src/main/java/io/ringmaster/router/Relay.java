package io.ringmaster.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes from one side of a {@link ProxiedConnection} to the other without looking at them (the MySQL
 * protocol, TLS included, passes through untouched). Writes are flushed once per read burst; when the other side
 * cannot take more, this side stops reading until it can (back-pressure, so memory stays bounded).
 *
 * <p>One instance per channel; runs on that channel's event loop.
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private final ProxiedConnection conn;
    private final boolean clientSide;

    Relay(ProxiedConnection conn, boolean clientSide) {
        this.conn = conn;
        this.clientSide = clientSide;
    }

    private Channel peer(ProxiedConnection.Link l) {
        return clientSide ? l.channel : conn.frontend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (clientSide) {
            conn.listener.accepted(conn);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ProxiedConnection.Link l = conn.link;
        if (l == null || l.cut || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Channel peer = peer(l);
        if (clientSide) {
            l.counters.bytesToBackend.add(buf.readableBytes());
        } else {
            l.counters.bytesFromBackend.add(buf.readableBytes());
        }
        peer.write(buf, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
            peer.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ProxiedConnection.Link l = conn.link;
        if (l != null && !l.cut) {
            peer(l).flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxiedConnection.Link l = conn.link;
        if (l != null && !l.cut) {
            peer(l).config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (clientSide) {
            conn.listener.frontendClosed(conn);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} {}: {}", conn.listener.name(), clientSide ? "client" : "backend", cause.toString());
        ctx.close();
    }
}
