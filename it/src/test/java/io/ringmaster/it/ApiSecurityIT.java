package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.Connections;
import io.ringmaster.router.RouterConfig;
import io.ringmaster.router.StandaloneRouter;
import io.ringmaster.sandbox.ServerTls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's API on real servers (2 masters, ports 29000-29099): commands without the right token are refused
 * with 401 and change nothing; the CLI sends the token from the configuration; a listener beyond loopback without
 * a token does not start; HTTPS with a self-signed certificate, followed by a standalone router that sends the
 * token; MMM's monitor on 0.0.0.0 converted by import-mmm needs the token; the token never reaches the monitor's
 * log. One sandbox for the class; each test starts its own monitor
 * from its own copy of the configuration and stops it, and none relies on which master holds the writer role.
 */
class ApiSecurityIT {
    static final int BASE_PORT = 29000;
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Cluster c;
    static int apiPort;

    @BeforeAll
    static void up() {
        c = Cluster.up(dir, BASE_PORT, 0);
        apiPort = c.sandbox.spec().monitorPort();
    }

    @AfterAll
    static void down() {
        if (c != null) {
            c.close();
        }
    }

    @Test
    void shouldRefuseCommandsWithoutTheRightTokenAndChangeNothing() throws Exception {
        String token = "it-" + HexFormat.of().formatHex(randomBytes(16));
        // the monitor reads its token from the environment; the CLI's copies hold it, a wrong one, or none
        Path monitorCfg = copy("env-token.yml", y -> withToken(y, "\"${RM_IT_API_TOKEN}\""));
        Path rightCfg = copy("right-token.yml", y -> withToken(y, token));
        Path wrongCfg = copy("wrong-token.yml", y -> withToken(y, token.substring(0, token.length() - 4) + "beef"));
        Path noTokenCfg = copy("no-token.yml", y -> withToken(y, null));
        Path log = dir.resolve("monitor-token.log");
        try (MonitorProcess monitor = MonitorProcess.start(monitorCfg, null, log, Map.of("RM_IT_API_TOKEN", token))) {
            // reads stay open on loopback
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    !get("status").path("writer").isNull() && get("status").path("ready").asBoolean());
            String writer = get("status").path("writer").asText();
            String other = writer.equals("db1") ? "db2" : "db1";
            int recoveries = get("recoveries").path("recoveries").size();

            HttpResponse<String> none = call("POST", "roles/writer/move?host=" + other, null);
            HttpResponse<String> wrong = call("POST", "roles/writer/move?host=" + other, "Bearer " + token + "0");
            HttpResponse<String> offline = call("POST", "hosts/" + other + "/set-offline", "Bearer nope-" + token);
            HttpResponse<String> passive = call("POST", "mode/PASSIVE", null);
            for (HttpResponse<String> r : List.of(none, wrong, offline, passive)) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                assertThat(JSON.readTree(r.body()).path("ok").asBoolean(true)).isFalse();
                assertThat(r.body()).contains("API token").doesNotContain(token);
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"ringmaster\"");
            }
            Cli wrongCli = Cli.run("move-role", "writer", other, "--config", wrongCfg.toString());
            Cli noTokenCli = Cli.run("set-offline", other, "--config", noTokenCfg.toString());
            assertThat(wrongCli.exit()).isEqualTo(1);
            assertThat(wrongCli.err().strip()).doesNotContain("\n").isEqualTo("ringmaster: the monitor at http://"
                    + "127.0.0.1:" + apiPort + "/api/v1/ refused the request: API token wrong (monitor.api_token of "
                    + wrongCfg + " is not the monitor's)");
            assertThat(noTokenCli.exit()).isEqualTo(1);
            assertThat(noTokenCli.err().strip()).doesNotContain("\n").endsWith("refused the request: API token "
                    + "missing (set monitor.api_token in " + noTokenCfg + ")");

            // nothing changed: same writer, still writable, the other still read-only and ONLINE, no recovery
            Thread.sleep(2000);
            JsonNode status = get("status");
            assertThat(status.path("writer").asText()).isEqualTo(writer);
            assertThat(status.path("mode").asText()).isEqualTo("ACTIVE");
            assertThat(hostState(status, other)).isEqualTo("ONLINE");
            assertThat(c.readOnly(writer)).isFalse();
            assertThat(c.readOnly(other)).isTrue();
            assertThat(get("recoveries").path("recoveries").size()).isEqualTo(recoveries);

            // the right token, from the configuration, through the CLI
            long begin = System.nanoTime();
            Cli move = Cli.run("move-role", "writer", other, "--config", rightCfg.toString());
            long moveMs = (System.nanoTime() - begin) / 1_000_000;
            assertThat(move.exit()).as(move.err()).isZero();
            assertThat(get("status").path("writer").asText()).isEqualTo(other);
            assertThat(c.readOnly(other)).isFalse();
            assertThat(c.readOnly(writer)).isTrue();
            System.out.printf("API-AUTH 4 refused commands (401), then move-role with the token in %d ms%n", moveMs);
            for (Cli run : List.of(wrongCli, noTokenCli, move)) {
                assertThat(run.out() + run.err()).doesNotContain(token);
            }
            monitor.signal("TERM");
            assertThat(monitor.awaitExit(java.time.Duration.ofSeconds(20))).isNotEqualTo(-1);
        }
        String output = Files.readString(log);
        assertThat(output).contains("token required for commands")
                .contains("API refused POST /api/v1/roles/writer/move from /127.0.0.1:")
                .contains("switchover").doesNotContain(token);
        assertThat(output.lines().filter(l -> l.contains("API refused")).count())
                .as("refusals are logged at most once per 10 s").isEqualTo(1);
    }

    @Test
    void shouldRefuseToStartAListenerBeyondLoopbackWithoutAToken() throws Exception {
        int port = BASE_PORT + 89;
        Path cfg = copy("open.yml", y -> withToken(y, null).replace("listen: 127.0.0.1:" + apiPort,
                "listen: 0.0.0.0:" + port));
        String expected = "ringmaster: " + cfg + ": monitor.api_token: missing (required): listen 0.0.0.0:" + port
                + " is not a loopback address, so the API needs a token";
        try (MonitorProcess monitor = MonitorProcess.start(cfg, null, dir.resolve("monitor-open.log"))) {
            assertThat(monitor.awaitExit(java.time.Duration.ofSeconds(60))).as(monitor.output()).isEqualTo(2);
            List<String> lines = monitor.output().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as(monitor.output()).hasSize(1);
            assertThat(lines.get(0)).startsWith(expected);
        }
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000))
                .isInstanceOf(ConnectException.class);
        Cli show = Cli.run("show", "--config", cfg.toString());
        assertThat(show.exit()).isEqualTo(2);
        assertThat(show.err().strip()).doesNotContain("\n").startsWith(expected);
    }

    @Test
    void shouldServeHttpsWithASelfSignedCertificateToTheCliAndAStandaloneRouter() throws Exception {
        ServerTls tls = ServerTls.create(dir.resolve("api-tls")).orElseThrow();
        ServerTls stranger = ServerTls.create(dir.resolve("stranger-tls")).orElseThrow();
        String tlsKeys = "  tls_cert: " + tls.certificate() + "\n  tls_key: " + tls.key() + "\n";
        Path cfg = copy("tls.yml", y -> y.replace("\nmonitor:\n", "\nmonitor:\n" + tlsKeys));
        Path strangerCa = copy("tls-stranger-ca.yml", y -> y.replace("\nmonitor:\n", "\nmonitor:\n" + tlsKeys
                + "  tls_ca: " + stranger.certificate() + "\n"));
        Path wrongToken = copy("tls-wrong-token.yml", y -> withToken(y.replace("\nmonitor:\n", "\nmonitor:\n"
                + tlsKeys), "wrong-token-0123456789abcdef"));
        RingmasterConfig config = ConfigLoader.load(cfg);
        c.config = config;
        c.startMonitor();
        try {
            String https = "https://127.0.0.1:" + apiPort + "/api/v1/";
            // plain HTTP and an HTTPS client that does not trust the certificate both fail
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + apiPort + "/api/v1/ping")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(https
                    + "ping")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
            Cli show = Cli.run("show", "--json", "--config", cfg.toString());
            assertThat(show.exit()).as(show.err()).isZero();
            String writer = JSON.readTree(show.out()).path("writer").asText();
            String other = writer.equals("db1") ? "db2" : "db1";
            Cli untrusted = Cli.run("show", "--config", strangerCa.toString());
            assertThat(untrusted.exit()).isEqualTo(1);
            assertThat(untrusted.err().strip()).doesNotContain("\n").startsWith("ringmaster: TLS with the monitor at "
                    + https + " failed (SSLHandshakeException");

            RouterConfig rc = RouterConfig.defaults().withHoldTimeout(Duration.ZERO).withListeners(List.of(
                    new RouterConfig.Listener("writer", "writer", "127.0.0.1", BASE_PORT + 46, List.of()),
                    new RouterConfig.Listener("reader", "reader", "127.0.0.1", BASE_PORT + 47, List.of())));
            RouterConfig strangerRc = rc.withListeners(List.of(
                    new RouterConfig.Listener("writer", "writer", "127.0.0.1", BASE_PORT + 48, List.of())));
            try (StandaloneRouter router = new StandaloneRouter(rc, config, System::nanoTime);
                 StandaloneRouter refused = new StandaloneRouter(strangerRc, ConfigLoader.load(wrongToken),
                         System::nanoTime)) {
                router.start();
                refused.start();
                assertThat(router.monitor()).isEqualTo(URI.create("https://127.0.0.1:" + apiPort));
                await().atMost(Duration.ofSeconds(10)).until(() -> writerVia(BASE_PORT + 46).equals(writer));

                Cli move = Cli.run("move-role", "writer", other, "--config", cfg.toString());
                assertThat(move.exit()).as(move.err()).isZero();
                await().atMost(Duration.ofSeconds(5)).until(() -> writerVia(BASE_PORT + 46).equals(other));
                // the monitor waited for this router, which registered with the token, before fencing the writer
                assertThat(c.monitor.recoveries().get(0).steps()).anySatisfy(st ->
                        assertThat(st.step()).isEqualTo("wait for the routers to let go of " + writer));
                // the router with a wrong token never had a table: it routes no writes
                assertThat(refused.leaseValid()).isFalse();
                assertThat(writerVia(BASE_PORT + 48)).isEmpty();
            }
        } finally {
            c.stopMonitor();
        }
    }

    @Test
    void shouldConvertMmmsOpenMonitorIntoAnApiThatNeedsTheToken() throws Exception {
        Path mmm = Files.createDirectories(dir.resolve("mmm"));
        int port = BASE_PORT + 90;
        // hosts on ports where nothing listens: this monitor only serves its API, it touches no server
        Files.writeString(mmm.resolve("mmm_common.conf"), """
                active_master_role writer
                <host default>
                    replication_user     repl
                    replication_password repl-s3cret
                    monitor_user         mon
                    monitor_password     mon-s3cret
                </host>
                <host db1>
                    ip   127.0.0.1
                    mysql_port %d
                    mode master
                    peer db2
                </host>
                <host db2>
                    ip   127.0.0.1
                    mysql_port %d
                    mode master
                    peer db1
                </host>
                <role writer>
                    hosts db1, db2
                    mode  exclusive
                </role>
                """.formatted(BASE_PORT + 95, BASE_PORT + 96));
        Path mon = Files.writeString(mmm.resolve("mmm_mon.conf"), "include mmm_common.conf\n<monitor>\n"
                + "    ip   0.0.0.0\n    port " + port + "\n</monitor>\n");
        Path yaml = mmm.resolve("ringmaster.yml");

        Cli imported = Cli.run("import-mmm", mon.toString(), "--output", yaml.toString());

        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.err()).contains(mon + ":3: ip: warning: MMM's monitor listened on 0.0.0.0: Ringmaster's "
                + "API would be open on every interface").contains("${RINGMASTER_API_TOKEN}");
        assertThat(Files.readString(yaml)).contains("  listen: \"0.0.0.0:" + port + "\"\n",
                "  api_token: \"${RINGMASTER_API_TOKEN}\"\n").doesNotContain("s3cret");
        Map<String, String> passwords = Map.of("RINGMASTER_MONITOR_PASSWORD", "mon-s3cret",
                "RINGMASTER_REPLICATION_PASSWORD", "repl-s3cret");
        try (MonitorProcess refused = MonitorProcess.start(yaml, null, mmm.resolve("refused.log"), passwords)) {
            assertThat(refused.awaitExit(java.time.Duration.ofSeconds(60))).as(refused.output()).isEqualTo(2);
            assertThat(refused.output().strip()).doesNotContain("\n").isEqualTo("ringmaster: " + yaml
                    + ": monitor.api_token: environment variable RINGMASTER_API_TOKEN is not set");
        }
        String token = "mmm-" + HexFormat.of().formatHex(randomBytes(16));
        Map<String, String> env = new java.util.HashMap<>(passwords);
        env.put("RINGMASTER_API_TOKEN", token);
        Path log = mmm.resolve("monitor.log");
        try (MonitorProcess monitor = MonitorProcess.start(yaml, null, log, env)) {
            URI ping = URI.create("http://127.0.0.1:" + port + "/api/v1/ping");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> status(ping, null) == 401);
            assertThat(status(ping, "Bearer " + token)).isEqualTo(200);
            assertThat(status(URI.create("http://127.0.0.1:" + port + "/api/v1/status"), "Bearer x" + token))
                    .isEqualTo(401);
        }
        assertThat(Files.readString(log)).contains("token required for every request").doesNotContain(token)
                .doesNotContain("s3cret");
    }

    private static int status(URI uri, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** A copy of the sandbox's configuration, beside it (so it shares the state file), edited. */
    private static Path copy(String name, UnaryOperator<String> edit) throws IOException {
        Path f = c.sandbox.configFile().resolveSibling(name);
        Files.writeString(f, edit.apply(Files.readString(c.sandbox.configFile())));
        return f;
    }

    /** The sandbox's {@code api_token} line replaced by this value, or removed when null. */
    private static String withToken(String yaml, String value) {
        assertThat(yaml).containsPattern("\n  api_token: [^\n]+\n");
        return yaml.replaceFirst("\n  api_token: [^\n]+\n", java.util.regex.Matcher.quoteReplacement(
                value == null ? "\n" : "\n  api_token: " + value + "\n"));
    }

    private static HttpResponse<String> call(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/" + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = call("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String hostState(JsonNode status, String host) {
        for (JsonNode h : status.path("hosts")) {
            if (h.path("name").asText().equals(host)) {
                return h.path("state").asText();
            }
        }
        return "missing";
    }

    /** The host a new connection through a router port reaches, or "" when the router refuses it. */
    private static String writerVia(int port) {
        try (Connection conn = Connections.open("127.0.0.1", port, c.config.monitorUser(), Duration.ofSeconds(3));
             Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT @@port")) {
            rs.next();
            int p = rs.getInt(1);
            return c.config.hosts().stream().filter(h -> h.port() == p).map(HostConfig::name).findFirst()
                    .orElse("port " + p);
        } catch (SQLException e) {
            return "";
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
