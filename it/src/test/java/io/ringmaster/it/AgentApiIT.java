package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ringmaster.agent.Agent;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.sandbox.ServerTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's API as an operator meets it, without database servers: the token from {@code agents.token}
 * (through {@code ${ENV}}) is needed for every command and never shown, HTTPS with a certificate of the
 * configuration, a wrong agent or host named in one line. Agents run in-process on ports 30951.. (a range no
 * other test uses).
 */
class AgentApiIT {
    private static final int PORT = 30951;
    private static final String TOKEN = "agent-api-it-token-0123456789";

    @TempDir
    Path dir;

    private RingmasterConfig config(String agentsExtra, Map<String, String> env) throws Exception {
        Path f = dir.resolve("ringmaster.yml");
        Files.writeString(f, """
                credentials:
                  monitor: {user: mon}
                  replication: {user: repl}
                hosts:
                  - {name: db1, address: 127.0.0.1, port: 30941}
                  - {name: db2, address: 127.0.0.1, port: 30942}
                agents:
                  token: ${AGENT_TOKEN}
                %s  hosts:
                    - {name: db1, port: %d}
                    - {name: db2, port: %d}
                """.formatted(agentsExtra, PORT, PORT + 1));
        return ConfigLoader.load(f, env::get);
    }

    @Test
    void shouldTakeCommandsOnlyWithTheTokenAndNeverShowIt() throws Exception {
        RingmasterConfig cfg = config("", Map.of("AGENT_TOKEN", TOKEN));
        try (Agent agent = new Agent(cfg, "db1")) {
            agent.start();
            AgentClient client = new AgentClient(cfg.agents(), cfg.agents().agent("db1").orElseThrow());
            assertThat(client.get("ping").path("host").asText()).isEqualTo("db1");
            assertThat(client.post("check", null).path("ok").asBoolean()).isTrue();

            // without the token a read on loopback works, a command does not
            HttpClient http = HttpClient.newHttpClient();
            URI check = URI.create("http://127.0.0.1:" + PORT + "/api/v1/check");
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(check).POST(
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("missing API token").contains("agents.token").doesNotContain(TOKEN);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/api/v1/status"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            RingmasterConfig wrong = config("", Map.of("AGENT_TOKEN", TOKEN + "x"));
            AgentException e = catchThrowableOfType(AgentException.class, () -> new AgentClient(wrong.agents(),
                    wrong.agents().agent("db1").orElseThrow()).post("check", null));
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).startsWith("agent of db1: wrong API token").doesNotContain(TOKEN);

            AgentException missing = catchThrowableOfType(AgentException.class, () -> client.get("nothing-here"));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.getMessage()).isEqualTo("agent of db1: no such resource: GET /api/v1/nothing-here");
        }
    }

    @Test
    void shouldSayWhenTheAgentCannotBeReachedNamingHostAndAddress() throws Exception {
        RingmasterConfig cfg = config("", Map.of("AGENT_TOKEN", TOKEN));
        AgentException e = catchThrowableOfType(AgentException.class, () -> new AgentClient(cfg.agents(),
                cfg.agents().agent("db2").orElseThrow()).get("ping"));

        assertThat(e.unreachable()).isTrue();
        assertThat(e.getMessage()).doesNotContain("\n").startsWith("agent of db2 (127.0.0.1:" + (PORT + 1)
                + ") cannot be reached");
    }

    @Test
    void shouldSpeakHttpsOnlyWithTheConfiguredCertificate() throws Exception {
        ServerTls tls = ServerTls.create(dir.resolve("tls")).orElseThrow();
        RingmasterConfig cfg = config("  tls_cert: " + tls.certificate() + "\n  tls_key: " + tls.key() + "\n",
                Map.of("AGENT_TOKEN", TOKEN));
        try (Agent agent = new Agent(cfg, "db1")) {
            agent.start();
            AgentClient client = new AgentClient(cfg.agents(), cfg.agents().agent("db1").orElseThrow());
            assertThat(client.uri("ping").getScheme()).isEqualTo("https");
            assertThat(client.post("check", null).path("host").asText()).isEqualTo("db1");
            // plain HTTP gets nothing
            AgentException plain = catchThrowableOfType(AgentException.class, () -> new AgentClient(
                    config("", Map.of("AGENT_TOKEN", TOKEN)).agents(), cfg.agents().agent("db1").orElseThrow())
                    .get("ping"));
            assertThat(plain).isNotNull();
        }
    }

    @Test
    void shouldRefuseAHostWithoutAnAgentAndAnUnsetTokenVariable() throws Exception {
        RingmasterConfig cfg = config("", Map.of("AGENT_TOKEN", TOKEN));
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> new Agent(cfg, "db9"));
        assertThat(e.getMessage()).startsWith("--host: 'db9' is not a host of");

        ConfigException unset = catchThrowableOfType(ConfigException.class, () -> config("", Map.of()));
        assertThat(unset.getMessage()).contains("agents.token: environment variable AGENT_TOKEN is not set");
        assertThat(Duration.ofSeconds(3)).isEqualTo(cfg.agents().lease());
    }
}
