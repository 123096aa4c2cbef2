package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor's side of the agent address API against a small in-test HTTP endpoint that answers as the contract
 * in RULES.md says (not the real agent: the full-stack ITs run the real one). It records every request.
 */
class AddressPublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private AddressPublisher publisher;

    /** Answers POST /api/v1/addresses and GET /api/v1/status as the contract says. */
    static final class Endpoint {
        final HttpServer server;
        final List<JsonNode> posts = new CopyOnWriteArrayList<>();
        volatile List<String> held = List.of();
        volatile boolean writer;
        volatile boolean blocked;

        Endpoint() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/v1/addresses", this::post);
            server.createContext("/api/v1/status", ex -> answer(ex, JSON.createObjectNode().set("addresses", state())));
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void post(HttpExchange ex) throws IOException {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            posts.add(body);
            List<String> ips = new ArrayList<>();
            boolean fence = body.path("fence").asBoolean();
            if (!fence) {
                body.path("writer_ips").forEach(ip -> ips.add(ip.asText()));
            }
            body.path("reader_ips").forEach(ip -> ips.add(ip.asText()));
            held = ips;
            writer = body.path("writer").asBoolean();
            blocked = fence;
            answer(ex, state());
        }

        private ObjectNode state() {
            ObjectNode n = JSON.createObjectNode().put("ok", true).put("writer", writer)
                    .put("writer_held", held.contains("10.9.9.1")).put("blocked", blocked)
                    .put("fence_pending", blocked).put("fenced", false).put("vip", true).put("lease_ms", 600);
            held.forEach(n.putArray("held")::add);
            return n;
        }

        private static void answer(HttpExchange ex, JsonNode body) throws IOException {
            byte[] b = JSON.writeValueAsBytes(body);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }
    }

    private RingmasterConfig config() throws IOException {
        for (int i = 0; i < 3; i++) {
            endpoints.add(new Endpoint());
        }
        return ConfigLoader.parse("""
                monitor: {listen: 127.0.0.1:1, check_period: 100ms}
                credentials:
                  monitor: {user: mon, password: pw}
                  replication: {user: repl, password: pw}
                hosts:
                  - {name: db1, address: 127.0.0.1, port: 3306, mode: master}
                  - {name: db2, address: 127.0.0.1, port: 3307, mode: master}
                  - {name: db3, address: 127.0.0.1, port: 3308, mode: replica, master: db1}
                roles:
                  - {name: writer, mode: exclusive, hosts: [db1, db2], ips: [10.9.9.1]}
                  - {name: reader, mode: balanced, hosts: [db1, db2, db3], ips: [10.9.9.2, 10.9.9.3]}
                agents:
                  lease: 600ms
                  timeout: 300ms
                  hosts:
                    - {name: db1, address: 127.0.0.1, port: %d, interface: lo}
                    - {name: db2, address: 127.0.0.1, port: %d, interface: lo}
                    - {name: db3, address: 127.0.0.1, port: %d, interface: lo}
                """.formatted(endpoints.get(0).port(), endpoints.get(1).port(), endpoints.get(2).port()),
                "test.yml", Path.of("."), null, k -> null);
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        endpoints.forEach(e -> e.server.stop(0));
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(until);
            Thread.sleep(10);
        }
    }

    @Test
    void shouldGiveTheWriterAddressToTheWriterAndSpreadReaderAddressesAndRenewThem() throws Exception {
        publisher = new AddressPublisher(config(), "writer");
        publisher.start();
        publisher.publish(Map.of("writer", List.of("db1"), "reader", List.of("db1", "db2", "db3")), 3);

        Endpoint db1 = endpoints.get(0);
        await("db1 holds the writer address", () -> db1.held.contains("10.9.9.1") && db1.writer);
        assertThat(publisher.addressesOf("db1")).containsEntry("writer", List.of("10.9.9.1"));
        assertThat(publisher.addressesOf("db1").getOrDefault("reader", List.of()).size()
                + publisher.addressesOf("db2").getOrDefault("reader", List.of()).size()
                + publisher.addressesOf("db3").getOrDefault("reader", List.of()).size()).isEqualTo(2);
        assertThat(db1.posts.get(0).path("epoch").asLong()).isEqualTo(3);
        assertThat(db1.posts.get(0).path("lease_ms").asLong()).isEqualTo(600);
        int before = db1.posts.size();
        Thread.sleep(700); // renewed every lease/3 = 200 ms
        assertThat(db1.posts.size() - before).isBetween(2, 6);
        assertThat(publisher.agentView("db1")).containsEntry("reachable", true).containsEntry("writer", true);
    }

    @Test
    void shouldKeepReaderAddressesWhereTheAgentsHoldThemAtStart() throws Exception {
        RingmasterConfig config = config();
        endpoints.get(2).held = List.of("10.9.9.2");
        endpoints.get(1).held = List.of("10.9.9.3");
        publisher = new AddressPublisher(config, "writer");
        publisher.start();
        publisher.publish(Map.of("writer", List.of("db1"), "reader", List.of("db1", "db2", "db3")), 1);

        assertThat(publisher.addressesOf("db3")).containsEntry("reader", List.of("10.9.9.2"));
        assertThat(publisher.addressesOf("db2")).containsEntry("reader", List.of("10.9.9.3"));
        assertThat(publisher.addressesOf("db1")).doesNotContainKey("reader");
    }

    @Test
    void shouldWaitForTheOldWritersAgentToConfirmTheFence() throws Exception {
        publisher = new AddressPublisher(config(), "writer");
        publisher.start();
        publisher.publish(Map.of("writer", List.of("db1"), "reader", List.of("db1", "db2")), 1);
        Endpoint db1 = endpoints.get(0);
        await("db1 holds the writer address", () -> db1.held.contains("10.9.9.1"));

        publisher.publish(Map.of("writer", List.of(), "reader", List.of("db1", "db2")), 1);
        AddressPublisher.FenceOutcome out = publisher.fence("db1", false);

        assertThat(out.confirmed()).isTrue();
        assertThat(out.detail()).isEqualTo("agent of db1 confirmed: writer address removed, port blocked, "
                + "fence pending");
        assertThat(db1.posts).as("a renewal may follow it").anyMatch(p -> p.path("fence").asBoolean());
        assertThat(db1.held).doesNotContain("10.9.9.1");
    }

    @Test
    void shouldWaitOutTheLeaseOfAnUnreachableOldWriterAgent() throws Exception {
        publisher = new AddressPublisher(config(), "writer");
        publisher.start();
        publisher.publish(Map.of("writer", List.of("db1"), "reader", List.of("db2")), 1);
        Endpoint db1 = endpoints.get(0);
        await("db1 told it is the writer", () -> db1.writer);
        db1.server.stop(0);
        long t0 = System.nanoTime();

        publisher.publish(Map.of("writer", List.of(), "reader", List.of("db2")), 1);
        AddressPublisher.FenceOutcome out = publisher.fence("db1", false);

        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(out.confirmed()).isFalse();
        assertThat(out.stillHolds()).isFalse();
        // counted from its last answer, or from a later renewal that met a connection the stopped server reset
        // (it may have read it); a renewal refused at connect cannot have reached it and does not count
        assertThat(out.detail()).startsWith("agent of db1 unreachable: its lease ran out ")
                .containsAnyOf(" s after its last answer", " s after the last renewal it may have received");
        assertThat(ms).as("at most one lease (600 ms) after its last answer, plus slack").isBetween(100L, 1500L);
    }

    @Test
    void shouldDoNothingWithoutAgents() throws Exception {
        publisher = new AddressPublisher(TestConfigs.twoMasters(""), "writer");
        publisher.start();
        publisher.publish(Map.of("writer", List.of("db1")), 1);

        assertThat(publisher.enabled()).isFalse();
        assertThat(publisher.fence("db1", false)).isNull();
        assertThat(publisher.addressesOf("db1")).isEmpty();
    }
}
