package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.routing.RouteTable;
import io.ringmaster.core.routing.RouteTable.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router against stand-in backends on 127.0.0.1: forwarding, holding, refusing, cutting, draining. */
class RouterTest {
    private final AtomicLong version = new AtomicLong();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private FakeServer db1;
    private FakeServer db2;
    private FakeServer db3;

    @BeforeEach
    void servers() throws IOException {
        db1 = new FakeServer("db1");
        db2 = new FakeServer("db2");
        db3 = new FakeServer("db3");
        closing.addAll(List.of(db1, db2, db3));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** Ports handed out so far: the kernel may offer a just-closed ephemeral port twice in a row. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int freePort() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no new free port in 100 tries");
    }

    private Router start(Duration hold, Duration drain, RouterConfig.Listener... extra) throws IOException {
        return start(hold, drain, 100, extra);
    }

    private Router start(Duration hold, Duration drain, int maxHeld, RouterConfig.Listener... extra)
            throws IOException {
        List<RouterConfig.Listener> ls = new ArrayList<>(List.of(
                new RouterConfig.Listener("writer", "writer", "127.0.0.1", freePort(), List.of()),
                new RouterConfig.Listener("reader", "reader", "127.0.0.1", freePort(), List.of())));
        ls.addAll(List.of(extra));
        RouterConfig cfg = new RouterConfig(true, Optional.empty(), Duration.ofSeconds(2), hold, drain,
                Duration.ofMillis(500), 2, maxHeld, ls);
        Router r = new Router(cfg, "writer");
        closing.add(r);
        r.start();
        return r;
    }

    private RouteTable table(long epoch, boolean changing, List<Backend> writer, List<Backend> readers) {
        Map<String, List<Backend>> roles = new LinkedHashMap<>();
        roles.put("writer", writer);
        roles.put("reader", readers);
        return new RouteTable(version.incrementAndGet(), epoch, Instant.now(), changing, roles);
    }

    private Socket connect(Router r, String listener) throws IOException {
        int port = r.config().listeners().stream().filter(l -> l.name().equals(listener)).findFirst().orElseThrow()
                .port();
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        closing.add(s);
        return s;
    }

    private static String greeting(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString();
    }

    private static byte[] readAll(Socket s) throws IOException {
        return s.getInputStream().readAllBytes();
    }

    @Test
    void shouldForwardWritesToTheWriterAndEchoBothWays() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
        r.update(table(1, false, List.of(db1.backend()), List.of(db1.backend(), db2.backend())));
        Socket s = connect(r, "writer");
        assertThat(greeting(s)).isEqualTo("HELLO db1");
        s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(greeting(s)).isEqualTo("ping");
        Map<String, Object> writer = r.stats().get(0);
        assertThat(writer).containsEntry("role", "writer").containsEntry("held", 0L).containsEntry("refused", 0L);
        @SuppressWarnings("unchecked")
        var backends = (List<Map<String, Object>>) writer.get("backends");
        assertThat(backends.get(0)).containsEntry("name", "db1").containsEntry("open", 1).containsEntry("total", 1L)
                .containsEntry("bytesToBackend", 5L).containsEntry("bytesFromBackend", 15L);
    }

    @Test
    void shouldHoldNewWriterConnectionsDuringAChangeAndReleaseThemOnPromotion() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
        r.update(table(1, true, List.of(), List.of(db2.backend())));
        Socket s = connect(r, "writer");
        s.setSoTimeout(300);
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(r.stats().get(0)).containsEntry("heldNow", 1);
        r.update(table(2, false, List.of(db2.backend()), List.of(db2.backend())));
        s.setSoTimeout(5000);
        assertThat(greeting(s)).isEqualTo("HELLO db2");
        assertThat(r.stats().get(0)).containsEntry("held", 1L).containsEntry("heldNow", 0);
        assertThat(db1.accepted.get()).isZero();
    }

    @Test
    void shouldRefuseWithAMySqlErrorWhenNoWriterAppearsInTime() throws Exception {
        Router r = start(Duration.ofMillis(300), Duration.ofSeconds(30));
        r.update(table(1, true, List.of(), List.of(db2.backend())));
        long t0 = System.nanoTime();
        byte[] p = readAll(connect(r, "writer"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(250L, 3000L);
        assertThat(p[3]).isZero();
        assertThat(p[4] & 0xFF).isEqualTo(0xFF);
        assertThat(p[5] & 0xFF | (p[6] & 0xFF) << 8).isEqualTo(ErrPacket.REFUSED);
        String text = new String(p, 7, p.length - 7, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("#08004ringmaster router: no writer available: a writer change");
        assertThat(r.stats().get(0)).containsEntry("refused", 1L);
    }

    @Test
    void shouldLetMariaDbConnectorJReportTheReason() throws Exception {
        Router r = start(Duration.ofMillis(200), Duration.ofSeconds(30));
        r.update(table(1, false, List.of(), List.of(db2.backend())));
        int port = r.config().listeners().get(0).port();
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port
                + "/?user=app&connectTimeout=5000"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("ringmaster router: no writer available: no host holds role 'writer'")
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("08004");
                    assertThat(((SQLException) e).getErrorCode()).isEqualTo(1040);
                });
    }

    @Test
    void shouldCutOpenWriterConnectionsBeforeUpdateReturns() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
        r.update(table(1, false, List.of(db1.backend()), List.of(db1.backend())));
        Socket s = connect(r, "writer");
        assertThat(greeting(s)).isEqualTo("HELLO db1");
        assertThat(r.openConnections("writer", "db1")).isEqualTo(1);
        r.update(table(1, true, List.of(), List.of(db1.backend())));
        long before = db1.received.get();
        try {
            s.getOutputStream().write("after the fence\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException expected) {
            // the router may already have closed our side
        }
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        Thread.sleep(200);
        assertThat(db1.received.get()).isEqualTo(before);
        assertThat(db1.open()).isZero();
        assertThat(r.openConnections("writer", "db1")).isZero();
    }

    @Test
    void shouldSpreadReadersByLeastConnections() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
        r.update(table(1, false, List.of(db1.backend()), List.of(db1.backend(), db2.backend(), db3.backend())));
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            seen.merge(greeting(connect(r, "reader")), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys("HELLO db1", "HELLO db2", "HELLO db3").containsValues(2, 2, 2);
    }

    @Test
    void shouldKeepAPoolOnItsHosts() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30),
                new RouterConfig.Listener("reporting", "reader", "127.0.0.1", freePort(), List.of("db3")));
        r.update(table(1, false, List.of(db1.backend()), List.of(db1.backend(), db2.backend(), db3.backend())));
        for (int i = 0; i < 4; i++) {
            assertThat(greeting(connect(r, "reporting"))).isEqualTo("HELLO db3");
        }
        // the main pool now avoids db3, busy with the reporting pool
        assertThat(greeting(connect(r, "reader"))).isNotEqualTo("HELLO db3");
        assertThat(greeting(connect(r, "reader"))).isNotEqualTo("HELLO db3");
    }

    @Test
    void shouldDrainReaderConnectionsOfAHostThatLeftTheRole() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofMillis(400));
        r.update(table(1, false, List.of(db1.backend()), List.of(db2.backend())));
        Socket s = connect(r, "reader");
        assertThat(greeting(s)).isEqualTo("HELLO db2");
        r.update(table(1, false, List.of(db1.backend()), List.of(db3.backend())));
        assertThat(greeting(connect(r, "reader"))).isEqualTo("HELLO db3");
        s.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(greeting(s)).isEqualTo("still here");
        long t0 = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
    }

    @Test
    void shouldHoldWhileTheWriterRefusesConnectionsThenReachTheNewOne() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
        Backend dead = new Backend("db9", "127.0.0.1", freePort());
        r.update(table(1, false, List.of(dead), List.of(db2.backend())));
        Socket s = connect(r, "writer");
        Thread.sleep(500);
        r.update(table(2, false, List.of(db2.backend()), List.of(db2.backend())));
        assertThat(greeting(s)).isEqualTo("HELLO db2");
        @SuppressWarnings("unchecked")
        var backends = (List<Map<String, Object>>) r.stats().get(0).get("backends");
        assertThat(backends).anySatisfy(b -> assertThat(b).containsEntry("name", "db9")
                .containsEntry("current", false).extracting(m -> (Long) m.get("connectFailures"))
                .satisfies(n -> assertThat(n).isPositive()));
    }

    @Test
    void shouldIgnoreATableFromAnOlderEpoch() throws Exception {
        Router r = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
        r.update(table(5, false, List.of(db2.backend()), List.of(db2.backend())));
        assertThat(r.update(table(4, false, List.of(db1.backend()), List.of(db1.backend())))).isFalse();
        assertThat(greeting(connect(r, "writer"))).isEqualTo("HELLO db2");
    }

    @Test
    void shouldStopRoutingWritesWithoutALease() throws Exception {
        Router r = start(Duration.ofMillis(300), Duration.ofSeconds(30));
        r.update(table(1, false, List.of(db1.backend()), List.of(db2.backend())));
        Socket open = connect(r, "writer");
        assertThat(greeting(open)).isEqualTo("HELLO db1");
        r.setWriterLease(false, 2100);
        assertThat(open.getInputStream().read()).isEqualTo(-1);
        byte[] p = readAll(connect(r, "writer"));
        assertThat(new String(p, 13, p.length - 13, StandardCharsets.US_ASCII))
                .startsWith("ringmaster router: no writer available: no news from the monitor for 2100 ms");
        assertThat(greeting(connect(r, "reader"))).isEqualTo("HELLO db2");
        r.setWriterLease(true, 0);
        assertThat(greeting(connect(r, "writer"))).isEqualTo("HELLO db1");
    }

    @Test
    void shouldRefuseBeyondTheBoundOnHeldConnections() throws Exception {
        Router r = start(Duration.ofSeconds(10), Duration.ofSeconds(30), 2);
        r.update(table(1, true, List.of(), List.of(db2.backend())));
        connect(r, "writer");
        connect(r, "writer");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Integer.valueOf(2).equals(r.stats().get(0).get("heldNow")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        byte[] p = readAll(connect(r, "writer"));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
        assertThat(new String(p, 13, p.length - 13, StandardCharsets.US_ASCII))
                .startsWith("ringmaster router: too many connections held (2) while no writer available");
        assertThat(r.stats().get(0)).containsEntry("heldNow", 2).containsEntry("refused", 1L);
    }

    @Test
    void shouldRefuseHeldConnectionsWhenClosing() throws Exception {
        Router r = start(Duration.ofSeconds(10), Duration.ofSeconds(30));
        r.update(table(1, true, List.of(), List.of(db2.backend())));
        Socket held = connect(r, "writer");
        Thread.sleep(200);
        r.close();
        byte[] p = readAll(held);
        assertThat(new String(p, 13, p.length - 13, StandardCharsets.US_ASCII))
                .isEqualTo("ringmaster router: the router is shutting down");
        assertThat(r.lifecycle()).isEqualTo(Router.Lifecycle.CLOSED);
    }

    @Test
    void shouldRefuseToBindATakenPortWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RouterConfig cfg = RouterConfig.defaults().withListeners(List.of(
                    new RouterConfig.Listener("writer", "writer", "127.0.0.1", taken.getLocalPort(), List.of())));
            try (Router r = new Router(cfg, "writer")) {
                assertThatThrownBy(r::start).isInstanceOf(IOException.class)
                        .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for 'writer': ")
                        .extracting(Throwable::getMessage).asString().doesNotContain("\n");
                assertThat(r.lifecycle()).isEqualTo(Router.Lifecycle.CLOSED);
            }
        }
    }
}
