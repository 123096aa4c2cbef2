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

/** The API's handling of bad input, on a monitor that is not started (no server is contacted). */
class HttpApiTest {

    private record Answer(int status, String body) {}

    private static Answer get(HttpApi api, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/api/v1/" + pathAndQuery))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
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
