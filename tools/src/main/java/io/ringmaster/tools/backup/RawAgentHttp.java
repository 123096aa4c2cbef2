package io.ringmaster.tools.backup;

import io.ringmaster.agent.AgentClient;
import io.ringmaster.core.config.AgentsConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bulk transfers of backup and restore on a plain socket (TLS when {@code agents.tls_cert} is set): a GET whose
 * body is read straight from the connection (HTTP/1.0: the agent sends the stream undelimited up to the connection's
 * end), and a POST whose body is written as 1 MiB chunks. The JDK's {@code HttpClient} relays bodies through many
 * small buffers and costs about half the throughput on a 1 GB stream on two cores; control requests stay on
 * {@link AgentClient}. Not thread-safe: one transfer per connection.
 */
final class RawAgentHttp {
    private static final Pattern STATUS = Pattern.compile("HTTP/\\d\\.\\d (\\d{3}).*");
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
     * GET of a stream.
     *
     * @param readTimeout bound on each read: a stream that delivers nothing for this long fails
     */
    static Answer get(AgentsConfig agents, AgentClient agent, String pathAndQuery, Duration readTimeout)
            throws IOException {
        Socket s = connect(agents, agent, readTimeout);
        try {
            OutputStream out = s.getOutputStream();
            out.write(head("GET", agents, agent, pathAndQuery, "HTTP/1.0", "").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), CHUNK);
            return new Answer(status(in), in, s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * POST of a body read from {@code body} to its end, chunked; returns the answer (its body is the JSON).
     *
     * @param readTimeout bound on each read of the answer (the agent answers once it has unpacked the body)
     */
    static Answer post(AgentsConfig agents, AgentClient agent, String pathAndQuery, InputStream body,
                       Duration readTimeout) throws IOException {
        Socket s = connect(agents, agent, readTimeout);
        try {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), CHUNK + 64);
            out.write(head("POST", agents, agent, pathAndQuery, "HTTP/1.1", "Content-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = body.readNBytes(buf, 0, buf.length)) > 0) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(buf, 0, n);
                out.write('\r');
                out.write('\n');
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            return new Answer(status(in), in, s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Socket connect(AgentsConfig agents, AgentClient agent, Duration readTimeout) throws IOException {
        Socket s = agents.access().tls().isPresent()
                ? agents.access().tls().get().clientContext().getSocketFactory().createSocket() : new Socket();
        try {
            s.setReceiveBufferSize(CHUNK);
            s.setSendBufferSize(CHUNK);
            s.connect(new InetSocketAddress(agent.agent().address(), agent.agent().port()),
                    (int) Math.max(1, agents.timeout().toMillis()));
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, readTimeout.toMillis())));
            if (s instanceof javax.net.ssl.SSLSocket ssl) {
                javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                ssl.startHandshake();
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw new IOException("agent of " + agent.host() + " (" + agent.agent().endpoint() + ") cannot be "
                    + "reached: " + e.getMessage(), e);
        }
    }

    private static String head(String method, AgentsConfig agents, AgentClient agent, String pathAndQuery,
                               String version, String extra) {
        StringBuilder b = new StringBuilder(method).append(" /api/v1/").append(pathAndQuery).append(' ')
                .append(version).append("\r\nHost: ").append(agent.agent().endpoint()).append("\r\n").append(extra);
        if (agents.access().hasToken()) {
            b.append("Authorization: Bearer ").append(agents.access().token().reveal()).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** Reads the status line and the headers; returns the status. */
    private static int status(InputStream in) throws IOException {
        String line = line(in);
        Matcher m = STATUS.matcher(line);
        if (!m.matches()) {
            throw new IOException("not an HTTP answer: " + line.substring(0, Math.min(80, line.length())));
        }
        int headers = 0;
        while (!line(in).isEmpty()) {
            if (++headers > 100) {
                throw new IOException("more than 100 header lines");
            }
        }
        return Integer.parseInt(m.group(1));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 8192) {
                throw new IOException("a header line longer than 8 KiB");
            }
        }
        if (c < 0 && b.isEmpty()) {
            throw new IOException("the connection closed before the answer's headers ended");
        }
        return b.toString();
    }
}
