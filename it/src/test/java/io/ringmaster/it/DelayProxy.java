package io.ringmaster.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for drills on a slow network: listens on 127.0.0.1:{@code port} and forwards every connection to
 * 127.0.0.1:{@code targetPort}, delaying every chunk by a settable latency (plus jitter), per direction. The delay
 * is a latency, not a throughput limit: each chunk is stamped when it is read and written out {@code delay} later,
 * while the chunks behind it keep being read, so a stream (a replica's binlog connection with its heartbeats)
 * keeps flowing at its own pace, only later, as over a long or congested link; the order of the bytes is kept.
 * A chunk takes the delay in force when it is read.
 *
 * <p>New connections can also be lost: a fraction is closed at once after the accept ({@link #dropNewConnections})
 * and a fraction is accepted and then left silent, not even connected upstream, for a while before it is closed
 * ({@link #stallNewConnections}): the TCP connect succeeds, the login never does.
 *
 * <p>Threads: one accept thread, and per forwarded connection two virtual threads per direction (a reader that
 * stamps and queues, a writer that waits out the delay). Every blocking call is bounded or ended by
 * {@link #close()}, which closes the listener and every connection and waits (bounded) for the threads.
 * Thread-safe.
 */
final class DelayProxy implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUE = 4096;
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private static final byte[] EOF = new byte[0];

    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Conn> conns = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();
    private volatile boolean closed;

    private volatile long toClientMs;
    private volatile long toServerMs;
    private volatile long jitterMs;
    private volatile double dropFraction;
    private volatile double stallFraction;
    private volatile long stallMs;

    /**
     * Starts listening.
     *
     * @param port       the proxy's own port on 127.0.0.1
     * @param targetPort the port on 127.0.0.1 it forwards to
     */
    DelayProxy(int port, int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        this.acceptor = Thread.ofPlatform().daemon().name("delay-proxy-accept-" + port).start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Sets the latency server-to-client and client-to-server, ms, each plus a uniform jitter of +-jitterMs. */
    DelayProxy delay(long toClientMs, long toServerMs, long jitterMs) {
        this.toClientMs = toClientMs;
        this.toServerMs = toServerMs;
        this.jitterMs = jitterMs;
        return this;
    }

    /** Closes this fraction (0..1) of the new connections right after the accept. */
    DelayProxy dropNewConnections(double fraction) {
        this.dropFraction = fraction;
        return this;
    }

    /** Leaves this fraction (0..1) of the new connections silent for {@code ms}, then closes them. */
    DelayProxy stallNewConnections(double fraction, long ms) {
        this.stallMs = ms;
        this.stallFraction = fraction;
        return this;
    }

    /** No delay, no lost connections. */
    DelayProxy healthy() {
        return delay(0, 0, 0).dropNewConnections(0).stallNewConnections(0, 0);
    }

    long accepted() {
        return accepted.get();
    }

    long dropped() {
        return dropped.get();
    }

    long stalled() {
        return stalled.get();
    }

    /** Connections being forwarded now. */
    int open() {
        return conns.size();
    }

    @Override
    public String toString() {
        return "DelayProxy(:" + port() + " -> :" + targetPort + ", " + toClientMs + "/" + toServerMs + " ms +-"
                + jitterMs + ", accepted " + accepted + ", dropped " + dropped + ", stalled " + stalled + ", open "
                + conns.size() + ")";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    pause(); // e.g. too many open files: do not spin
                }
                continue;
            }
            accepted.incrementAndGet();
            double r = ThreadLocalRandom.current().nextDouble();
            if (r < dropFraction) {
                dropped.incrementAndGet();
                abort(client);
                continue;
            }
            Conn c = new Conn(client);
            conns.add(c);
            if (closed) {
                c.close();
                continue;
            }
            boolean stall = r < dropFraction + stallFraction;
            if (stall) {
                stalled.incrementAndGet();
            }
            long stallFor = stallMs;
            spawn("delay-proxy-conn", () -> c.run(stall ? stallFor : 0));
        }
    }

    private void spawn(String name, Runnable r) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                r.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(t);
        t.start();
        if (closed) {
            t.interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST, as a lost connection looks to the client
        } catch (SocketException ignored) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // best effort
        }
    }

    private long jittered(long base) {
        long j = jitterMs;
        long d = base + (j > 0 ? ThreadLocalRandom.current().nextLong(-j, j + 1) : 0);
        return Math.max(0, d);
    }

    /** One proxied connection. */
    private final class Conn {
        private final Socket client;
        private volatile Socket upstream;
        private final AtomicLong finished = new AtomicLong();

        Conn(Socket client) {
            this.client = client;
        }

        void run(long stallFor) {
            try {
                if (stallFor > 0) {
                    // accepted, but nothing is ever forwarded: the client's login times out
                    Thread.sleep(stallFor);
                    close();
                    return;
                }
                Socket up = new Socket();
                upstream = up;
                if (closed) {
                    close();
                    return;
                }
                up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), CONNECT_TIMEOUT_MS);
                up.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                pipe("s2c", up, client, true);
                pipe("c2s", client, up, false);
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                close();
            }
        }

        /** A reader that stamps each chunk with its due time and a writer that sends it then. */
        private void pipe(String dir, Socket from, Socket to, boolean toClient) {
            BlockingQueue<Object[]> q = new ArrayBlockingQueue<>(QUEUE);
            spawn("delay-proxy-" + dir + "-read", () -> {
                long lastDue = 0;
                try {
                    InputStream in = from.getInputStream();
                    byte[] buf = new byte[CHUNK];
                    while (true) {
                        int n = in.read(buf);
                        long due = Math.max(lastDue, System.nanoTime()
                                + TimeUnit.MILLISECONDS.toNanos(jittered(toClient ? toClientMs : toServerMs)));
                        lastDue = due;
                        q.put(new Object[] {due, n < 0 ? EOF : Arrays.copyOf(buf, n)});
                        if (n < 0) {
                            return;
                        }
                    }
                } catch (IOException e) {
                    close(); // reset or closed by close(): the whole connection goes
                } catch (InterruptedException e) {
                    close();
                }
            });
            spawn("delay-proxy-" + dir + "-write", () -> {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Object[] item = q.take();
                        long wait = (long) item[0] - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        byte[] b = (byte[]) item[1];
                        if (b == EOF) {
                            to.shutdownOutput(); // half-close, as TCP does; the other direction may go on
                            if (finished.incrementAndGet() == 2) {
                                close();
                            }
                            return;
                        }
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException e) {
                    close();
                } catch (InterruptedException e) {
                    close();
                }
            });
        }

        void close() {
            conns.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Closes the listener and every connection; waits up to 5 s for the proxy's threads. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Conn c : List.copyOf(conns)) {
            c.close();
        }
        acceptor.interrupt();
        List<Thread> all = new ArrayList<>(threads);
        all.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            acceptor.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            for (Thread t : all) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                t.join(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
