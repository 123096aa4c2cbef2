package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ringmaster.core.routing.RouteTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The follower against a stand-in monitor API on 127.0.0.1. */
class MonitorFollowerTest {
    private static final String TABLE = """
            {"version": %d, "epoch": 2, "issued": "2026-01-02T03:04:05.123Z", "writerChanging": false,
             "roles": {"writer": [{"host": "db1", "address": "127.0.0.1", "port": 3301}],
                       "reader": [{"host": "db1", "address": "127.0.0.1", "port": 3301},
                                  {"host": "db3", "address": "127.0.0.1", "port": 3303}]}}
            """;

    @Test
    void shouldSendTheTokenWithEveryPollAndSayWhenItIsRefused() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        List<String> auth = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/api/v1/routes", ex -> {
            auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            boolean refuse = calls.incrementAndGet() == 2;
            byte[] body = (refuse ? "{\"ok\": false}" : TABLE.formatted(calls.get())).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(refuse ? 401 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        List<RouteTable> got = new CopyOnWriteArrayList<>();
        URI api = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        var access = new MonitorFollower.Access(io.ringmaster.core.config.Secret.of("follower-token-0123456789"),
                java.util.Optional.empty());
        assertThat(access.toString()).doesNotContain("follower-token");
        try (MonitorFollower f = new MonitorFollower(api, Duration.ofMillis(100), Duration.ofSeconds(1),
                new MonitorFollower.Identity("app1", Duration.ofMillis(500)), access, System::nanoTime,
                (t, at) -> got.add(t))) {
            f.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            server.stop(0);
        }
        assertThat(got).hasSizeGreaterThanOrEqualTo(2);
        assertThat(auth).isNotEmpty().allMatch(a -> a.equals("Bearer follower-token-0123456789"));
    }

    @Test
    void shouldParseTheMonitorsRouteTable() throws IOException {
        RouteTable t = MonitorFollower.parse(new ObjectMapper().readTree(TABLE.formatted(7)));
        assertThat(t.version()).isEqualTo(7);
        assertThat(t.epoch()).isEqualTo(2);
        assertThat(t.issued()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123Z"));
        assertThat(t.writerChanging()).isFalse();
        assertThat(t.holder("writer")).contains(new RouteTable.Backend("db1", "127.0.0.1", 3301));
        assertThat(t.holders("reader")).extracting(RouteTable.Backend::host).containsExactly("db1", "db3");
    }

    @Test
    void shouldRefuseAMalformedTable() {
        assertThatThrownBy(() -> MonitorFollower.parse(new ObjectMapper().readTree("{\"version\": 1}")))
                .isInstanceOf(IOException.class).hasMessage("malformed route table: missing 'epoch'");
    }

    @Test
    void shouldLongPollFromTheLastVersionAndRetryWhenTheMonitorFails() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        List<String> queries = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/api/v1/routes", ex -> {
            queries.add(ex.getRequestURI().getQuery());
            int n = calls.incrementAndGet();
            byte[] body = (n == 3 ? "oops" : TABLE.formatted(n)).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(n == 3 ? 500 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        List<RouteTable> got = new CopyOnWriteArrayList<>();
        URI api = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        List<Long> asked = new CopyOnWriteArrayList<>();
        try (MonitorFollower f = new MonitorFollower(api, Duration.ofMillis(300), Duration.ofSeconds(1),
                new MonitorFollower.Identity("app 1", Duration.ofMillis(2050)), System::nanoTime, (t, at) -> {
                    got.add(t);
                    asked.add(at);
                })) {
            f.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            server.stop(0);
        }
        assertThat(got).extracting(RouteTable::version).startsWith(1L, 2L, 4L);
        String who = "&router=app+1&lease=2050";
        assertThat(queries.subList(0, 4)).containsExactly("after=-1&wait=0" + who, "after=1&wait=300" + who,
                "after=2&wait=300" + who, "after=-1&wait=0" + who);
        assertThat(asked).isSorted().allSatisfy(at -> assertThat(at).isLessThan(System.nanoTime()));
    }
}
