package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** {@code --log-format}: json lines that parse, with the log context's fields; a bad value is refused. */
class LogFormatTest {

    @AfterEach
    void backToText() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        JoranConfigurator c = new JoranConfigurator();
        c.setContext(context);
        context.reset();
        c.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    }

    @Test
    void shouldWriteJsonLinesWithClusterHostAndRecoveryWhenAVerbIsGivenLogFormatJson() throws Exception {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            // the option after the verb (every verb inherits it); the missing file fails the verb, which is fine
            Main.execute("ping", "--log-format", "json", "--config", "/nonexistent/ringmaster.yml");
            MDC.put("cluster", "prod");
            MDC.put("host", "db2");
            MDC.put("recovery", "F-1-1");
            try {
                LoggerFactory.getLogger("io.ringmaster.monitor.StepRunner").info("[{}] promote {}: done", "F-1-1", "db2");
            } finally {
                MDC.clear();
            }
        } finally {
            System.setErr(oldErr);
        }
        String last = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no JSON line in: " + err));
        JsonNode line = new ObjectMapper().readTree(last);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("io.ringmaster.monitor.StepRunner");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("[F-1-1] promote db2: done");
        assertThat(line.path("timestamp").asLong()).isPositive();
        assertThat(line.path("mdc").path("cluster").asText()).isEqualTo("prod");
        assertThat(line.path("mdc").path("host").asText()).isEqualTo("db2");
        assertThat(line.path("mdc").path("recovery").asText()).isEqualTo("F-1-1");
    }

    @Test
    void shouldRefuseAnUnknownLogFormatNamingTheOption() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute("--log-format", "yaml", "help");
        } finally {
            System.setErr(oldErr);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("ringmaster: --log-format must be text or json, not 'yaml'");
    }
}
