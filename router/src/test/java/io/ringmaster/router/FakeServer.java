package io.ringmaster.router;

import io.ringmaster.core.routing.RouteTable.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in backend that, like a MySQL server, speaks first: it greets each connection with {@code HELLO name\n},
 * then echoes what it receives. Counts connections and received bytes. Threads are daemons; {@link #close()} stops
 * everything.
 */
final class FakeServer implements AutoCloseable {
    final String name;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicLong received = new AtomicLong();

    FakeServer(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fake-" + name);
        t.setDaemon(true);
        t.start();
    }

    Backend backend() {
        return new Backend(name, "127.0.0.1", server.getLocalPort());
    }

    /** Open connections right now. */
    int open() {
        sockets.removeIf(Socket::isClosed);
        return sockets.size();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            out.write(("HELLO " + name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                received.addAndGet(n);
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away
        } finally {
            sockets.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
