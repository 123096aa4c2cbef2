package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's handling of bad input and of its token, on a monitor that is not started (no server is contacted). */
class HttpApiTest {
    private static final String TOKEN = "unit-test-token-0123456789";

    private record Answer(int status, String body, java.net.http.HttpHeaders headers) {}

    private static Answer call(HttpApi api, String method, String pathAndQuery, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/"
                + pathAndQuery)).timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r.headers());
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    @Test
    void shouldRefuseCommandsWithoutTheRightTokenBeforeTheyReachTheMonitor(@TempDir Path dir) throws Exception {
        var config = TestConfigs.twoMasters("monitor: {listen: 127.0.0.1:" + freePort() + ", api_token: " + TOKEN
                + ", state_file: " + dir.resolve("s.json") + "}\n");
        try (Monitor m = new Monitor(config, Clock.systemUTC()); HttpApi api = new HttpApi(m)) {
            api.start();

            Answer none = call(api, "POST", "mode/PASSIVE", null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body()).contains("\"ok\" : false").contains("missing API token").doesNotContain(TOKEN);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"ringmaster\"");
            Answer wrong = call(api, "POST", "roles/writer/move?host=db2", "Bearer " + TOKEN + "x");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.body()).contains("wrong API token").doesNotContain(TOKEN);
            assertThat(call(api, "POST", "mode/PASSIVE", "Basic " + TOKEN).status()).isEqualTo(401);
            // the right token reaches the monitor, which is not started and says so
            Answer right = call(api, "POST", "mode/PASSIVE", "bearer  " + TOKEN);
            assertThat(right.status()).isNotIn(401, 403);
            // reads stay open on loopback; a router registering itself needs the token
            assertThat(call(api, "GET", "ping", null).status()).isEqualTo(200);
            assertThat(call(api, "GET", "routes?after=0&wait=0", null).status()).isEqualTo(200);
            assertThat(call(api, "GET", "routes?after=0&wait=0&router=app1&lease=1000", null).status())
                    .isEqualTo(401);
            assertThat(call(api, "GET", "routes?after=0&wait=0&router=app1&lease=1000", "Bearer " + TOKEN)
                    .status()).isEqualTo(200);
        }
    }

    @Test
    void shouldTakeNoCommandsWithoutAConfiguredToken(@TempDir Path dir) throws Exception {
        var config = TestConfigs.twoMasters("monitor: {listen: 127.0.0.1:" + freePort() + ", state_file: "
                + dir.resolve("s.json") + "}\n");
        try (Monitor m = new Monitor(config, Clock.systemUTC()); HttpApi api = new HttpApi(m)) {
            api.start();

            Answer refused = call(api, "POST", "mode/PASSIVE", "Bearer whatever-token-0123456789");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("has no monitor.api_token");
            assertThat(call(api, "GET", "routes?after=0&wait=0&router=app1&lease=1000", null).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldNeedTheTokenForEveryRequestOnANonLoopbackListener(@TempDir Path dir) throws Exception {
        var config = TestConfigs.twoMasters("monitor: {listen: 0.0.0.0:" + freePort() + ", api_token: " + TOKEN
                + ", state_file: " + dir.resolve("s.json") + "}\n");
        try (Monitor m = new Monitor(config, Clock.systemUTC()); HttpApi api = new HttpApi(m)) {
            api.start();

            assertThat(call(api, "GET", "ping", null).status()).isEqualTo(401);
            assertThat(call(api, "GET", "status", "Bearer nope-nope-nope-nope").status()).isEqualTo(401);
            assertThat(call(api, "GET", "ping", "Bearer " + TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutAToken(@TempDir Path dir) throws Exception {
        var loaded = TestConfigs.twoMasters("monitor: {state_file: " + dir.resolve("s.json") + "}\n");
        var mc = loaded.monitor();
        var open = new io.ringmaster.core.config.MonitorConfig("0.0.0.0", freePort(), mc.checkPeriod(),
                mc.trapPeriod(), mc.checkTimeout(), mc.maxBacklog(), mc.catchUpTimeout(), mc.actionTimeout(),
                mc.autoSetOnline(), mc.flapCount(), mc.flapDuration(), mc.startMode(), mc.stateFile(),
                mc.heartbeatSchema());
        var config = new io.ringmaster.core.config.RingmasterConfig(loaded.cluster(), null, open,
                loaded.monitorUser(), loaded.replicationUser(), loaded.hosts(), loaded.roles());
        try (Monitor m = new Monitor(config, Clock.systemUTC())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HttpApi(m).close())
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("monitor.api_token: missing (required): listen 0.0.0.0");
        }
    }

    private static Answer get(HttpApi api, String pathAndQuery) throws Exception {
        return call(api, "GET", pathAndQuery, null);
    }

    @Test
    void shouldNameTheQueryParameterThatIsNotANumber(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        var config = TestConfigs.twoMasters("monitor: {listen: 127.0.0.1:" + port + ", state_file: "
                + dir.resolve("s.json") + "}\n");
        try (Monitor m = new Monitor(config, Clock.systemUTC()); HttpApi api = new HttpApi(m)) {
            api.start();

            assertThat(get(api, "routes?after=1&wait=0")).extracting(Answer::status).isEqualTo(200);
            Answer bad = get(api, "routes?after=soon&wait=0");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("query parameter 'after' must be a whole number, not 'soon'");
            Answer lease = get(api, "routes?after=0&wait=0&router=app1&lease=3600000");
            assertThat(lease.status()).isEqualTo(400);
            assertThat(lease.body()).contains("lease must be 0..60000 ms, not 3600000");
            assertThat(get(api, "routes?after=0&wait=0&router=" + "x".repeat(201)).status()).isEqualTo(400);
        }
    }
}
