package io.ringmaster.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport: native epoll on Linux when its library loads, else the JDK's NIO. The system property
 * {@code ringmaster.router.transport=nio} forces NIO (for comparisons). Stateless, thread-safe.
 */
final class Transport {
    /** True when the native epoll transport is used. */
    static final boolean EPOLL = !"nio".equals(System.getProperty("ringmaster.router.transport"))
            && Epoll.isAvailable();

    static {
        // leak sampling costs on every buffer of a relay that never keeps one; -Dio.netty.leakDetection.level turns
        // it back on for debugging
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    private Transport() {}

    /** A group of {@code threads} event loops whose threads are named {@code name-N-M}. */
    static EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, false);
        return EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends Channel> channel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll" or "nio", for the start-up log line. */
    static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
