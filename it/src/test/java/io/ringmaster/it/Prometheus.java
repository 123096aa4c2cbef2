package io.ringmaster.it;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes a {@code /metrics} endpoint and parses it with the Prometheus project's own Python parser
 * ({@code prometheus_client.parser}, Debian's python3-prometheus-client, run by {@code /usr/bin/python3}: pyenv's
 * shims would shadow the system's modules), so a format error fails the test as it would fail Prometheus.
 */
final class Prometheus {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** One sample: its full name ({@code _total}, {@code _bucket}...), labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    /** The samples of one scrape. */
    record Scrape(String contentType, List<Sample> samples) {
        /** The value of the sample with this name whose labels include {@code labels} (key, value...). */
        OptionalDouble value(String name, String... labels) {
            return samples.stream().filter(s -> s.name().equals(name) && matches(s, labels))
                    .mapToDouble(Sample::value).findFirst();
        }

        /** The samples with this name. */
        List<Sample> named(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        private static boolean matches(Sample s, String... labels) {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private Prometheus() {}

    /** GET {@code url} (200 expected) and parse it. */
    static Scrape scrape(String url) throws IOException, InterruptedException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        if (c.getResponseCode() != 200) {
            throw new IOException("GET " + url + ": HTTP " + c.getResponseCode());
        }
        String body;
        try (InputStream in = c.getInputStream()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Scrape(c.getContentType(), parse(body));
    }

    /** Parses exposition text with prometheus_client. */
    static List<Sample> parse(String text) throws IOException, InterruptedException {
        Path script = Files.createTempFile("prometheus_parse", ".py");
        try {
            try (InputStream in = Prometheus.class.getResourceAsStream("/prometheus_parse.py")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(false).start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("prometheus_client parser did not finish in 20 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("prometheus_client could not parse the scrape: " + err.strip());
            }
            List<Sample> samples = new ArrayList<>();
            for (JsonNode s : JSON.readTree(out)) {
                Map<String, String> labels = new LinkedHashMap<>();
                s.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(s.get("name").asText(), labels, s.get("value").asDouble()));
            }
            return samples;
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
