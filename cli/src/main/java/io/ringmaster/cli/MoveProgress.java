package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Prints the progress of a writer change while {@code move-role --force} waits for the monitor's answer: each step
 * of the change as the monitor records it (from {@code GET recoveries}), and, while a step runs, how many of the
 * writer's transactions the new writer still lacks (from {@code GET roles/ROLE/loss}). Polls every
 * {@link #POLL}; stops with {@link #close()}, which prints the steps not printed yet.
 *
 * <p>Runs one polling thread; the output lines are printed whole. Failures to poll are ignored (the command's
 * own answer says how it ended).
 */
final class MoveProgress implements AutoCloseable {
    /** How often the monitor is asked. */
    static final Duration POLL = Duration.ofMillis(500);
    /** How often the missing transactions are printed while nothing else happens. */
    static final Duration LACK_EVERY = Duration.ofSeconds(2);

    private final ApiClient api;
    private final String role;
    private final String host;
    private final PrintStream out;
    private final Instant since;
    private final Thread thread;
    private volatile boolean stop;
    private String id;
    private int printed;
    private long lastLack = -2;
    private Instant lastLine = Instant.now();

    private MoveProgress(ApiClient api, String role, String host, PrintStream out) {
        this.api = api;
        this.role = role;
        this.host = host;
        this.out = out;
        this.since = Instant.now().minusSeconds(2); // the monitor's clock may differ a little from ours
        this.thread = Thread.ofVirtual().name("ringmaster-progress").unstarted(this::loop);
    }

    /** Starts printing the progress of the next change of {@code role} to {@code host}. */
    static MoveProgress start(ApiClient api, String role, String host, PrintStream out) {
        MoveProgress p = new MoveProgress(api, role, host, out);
        p.thread.start();
        return p;
    }

    private void loop() {
        while (!stop) {
            try {
                poll(true);
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the answer of the command itself tells how it ended
            }
        }
    }

    private synchronized void poll(boolean lack) {
        JsonNode rec = current();
        if (rec == null) {
            return;
        }
        JsonNode steps = rec.path("steps");
        for (; printed < steps.size(); printed++) {
            JsonNode st = steps.get(printed);
            String detail = st.path("detail").asText("");
            out.printf(Locale.ROOT, "  %s %s (%d ms)%s%n", st.path("ok").asBoolean() ? "ok  " : "FAIL",
                    st.path("step").asText(), st.path("millis").asLong(), detail.isEmpty() ? "" : ": " + detail);
            lastLine = Instant.now();
        }
        if (lack && rec.path("finished").isNull() && Duration.between(lastLine, Instant.now()).compareTo(LACK_EVERY) >= 0) {
            long missing = api.get("roles/" + ControlCommands.enc(role) + "/loss?host=" + ControlCommands.enc(host))
                    .path("missingTransactions").asLong(-1);
            if (missing != lastLack || missing != 0) {
                out.printf(Locale.ROOT, "  ... %s lacks %s transaction(s) of %s; step %d running%n", host,
                        missing < 0 ? "an unknown number of" : String.valueOf(missing), rec.path("from").asText(),
                        printed + 1);
            }
            lastLack = missing;
            lastLine = Instant.now();
        }
    }

    /** The change being watched: the newest one to {@code host} that started after this watch. */
    private JsonNode current() {
        for (JsonNode r : api.get("recoveries").path("recoveries")) {
            if (id != null) {
                if (id.equals(r.path("id").asText())) {
                    return r;
                }
                continue;
            }
            if (host.equals(r.path("to").asText()) && !Instant.parse(r.path("started").asText()).isBefore(since)) {
                id = r.path("id").asText();
                out.printf("  %s %s %s -> %s started%n", id, r.path("kind").asText(), r.path("from").asText("-"), host);
                return r;
            }
        }
        return null;
    }

    /** Stops polling and prints the steps not printed yet. */
    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            poll(false);
        } catch (RuntimeException e) {
            // the answer of the command itself tells how it ended
        }
    }
}
