package io.ringmaster.tools.backup;

import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The bulk transfers of backup and restore, on {@link AgentClient}'s plain-socket streams (TLS when
 * {@code agents.tls_cert} is set): a GET whose body is read straight from the connection, and a POST whose body is
 * written as 1 MiB chunks. The JDK's {@code HttpClient} relays bodies through many small buffers and costs about
 * half the throughput on a 1 GB stream on two cores; control requests stay on {@link AgentClient}'s JSON calls.
 * Not thread-safe: one transfer per connection.
 */
final class RawAgentHttp {
    static final int CHUNK = 1 << 20;

    private RawAgentHttp() {}

    /** An open answer: its status and its body (closing it closes the connection). */
    record Answer(int status, InputStream body, Socket socket) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }

        /** The agent's one-line error of a non-200 answer. */
        String error() throws IOException {
            String text = new String(body.readNBytes(8192), StandardCharsets.UTF_8);
            try {
                return Manifest.JSON.readTree(text).path("error").asText(text);
            } catch (IOException e) {
                return text.strip();
            }
        }
    }

    /**
     * GET of a stream ({@link AgentClient#openStream}, connecting within {@code agents.timeout}).
     *
     * @param readTimeout bound on each read: a stream that delivers nothing for this long fails
     * @throws IOException when the agent cannot be reached or its answer is no HTTP answer
     */
    static Answer get(AgentsConfig agents, AgentClient agent, String pathAndQuery, Duration readTimeout)
            throws IOException {
        try {
            return answer(agent.openStream(pathAndQuery, agents.timeout(), readTimeout));
        } catch (AgentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * POST of a body read from {@code body} to its end, chunked ({@link AgentClient#postStream}); returns the
     * answer (its body is the JSON).
     *
     * @param readTimeout bound on each read of the answer (the agent answers once it has unpacked the body)
     * @throws IOException when the agent cannot be reached or the body cannot be sent
     */
    static Answer post(AgentsConfig agents, AgentClient agent, String pathAndQuery, InputStream body,
                       Duration readTimeout) throws IOException {
        try {
            return answer(agent.postStream(pathAndQuery, body, readTimeout));
        } catch (AgentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Answer answer(AgentClient.Stream s) {
        return new Answer(s.status(), s.body(), s.socket());
    }
}
