package io.ringmaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code mmm_control} verbs, talking to a running monitor over its HTTP API. */
final class ControlCommands {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private ControlCommands() {}

    /** Formats the show view as mmm_control does. */
    static String formatShow(JsonNode s) {
        StringBuilder b = new StringBuilder();
        b.append("# Mode: ").append(s.path("mode").asText());
        if (!s.path("ready").asBoolean(true)) {
            b.append(" (starting: not every host checked yet)");
        }
        b.append('\n');
        if ("PASSIVE".equals(s.path("mode").asText())) {
            b.append("# --- Monitor is in PASSIVE MODE: it changes nothing until set-active ---\n");
        }
        for (JsonNode h : s.path("hosts")) {
            List<String> roles = ShowFormat.roles(h, ""); // reader(127.0.x.2), writer(127.0.x.1); plain without
            b.append("  ").append(h.path("name").asText()).append('(').append(h.path("address").asText()).append(") ")
                    .append(h.path("mode").asText()).append('/').append(h.path("state").asText())
                    .append(". Roles: ").append(String.join(", ", roles));
            String reason = h.path("reason").asText("");
            if (!"ONLINE".equals(h.path("state").asText()) && !reason.isEmpty()) {
                b.append("  (").append(reason).append(')');
            }
            b.append('\n');
        }
        for (JsonNode r : s.path("routes")) {
            List<String> backends = new ArrayList<>();
            r.path("backends").forEach(be -> backends.add(be.path("name").asText() + " (open " + be.path("open").asLong()
                    + ", total " + be.path("total").asLong() + ")"));
            b.append("# Route ").append(r.path("name").asText()).append(" (").append(r.path("role").asText())
                    .append(") on ").append(r.path("listen").asText()).append(" -> ")
                    .append(backends.isEmpty() ? "(none)" : String.join(", ", backends))
                    .append("; held ").append(r.path("held").asLong()).append(", refused ")
                    .append(r.path("refused").asLong()).append('\n');
        }
        for (JsonNode f : s.path("findings")) {
            b.append("# Finding: ").append(f.isTextual() ? f.asText() : f.path("summary").asText()
                    + " [" + f.path("code").asText() + "; to clear: " + f.path("howToClear").asText() + "]")
                    .append('\n');
        }
        return b.toString();
    }

    @Command(name = "show", description = {"Show every host's mode, state and roles, then the replication tree "
            + "(source, lag, read_only of each host).",
            "--mmm prints exactly mmm_control show's lines, for scripts that parse them; --json the whole view."})
    static final class Show implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--json", description = "Print JSON.") boolean json;
        @Option(names = "--mmm", description = "Print exactly MMM's mmm_control show lines.") boolean mmm;

        @Override
        public Integer call() {
            var cfg = config.load();
            JsonNode s = new ApiClient(cfg).get("status");
            System.out.print(json ? ApiClient.pretty(s) + "\n" : mmm ? ShowFormat.mmm(s, cfg)
                    : formatShow(s) + ShowFormat.tree(s));
            return 0;
        }
    }

    @Command(name = "checks", description = "Show the latest check results of every host, or of HOST, or only CHECK "
            + "(ping, mysql, rep_threads, rep_backlog).")
    static final class Checks implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--json", description = "Print JSON.") boolean json;
        @Parameters(index = "0", arity = "0..1", defaultValue = "all", paramLabel = "HOST",
                description = "A host name, or all (default).") String host;
        @Parameters(index = "1", arity = "0..1", defaultValue = "all", paramLabel = "CHECK",
                description = "A check name, or all (default).") String check;

        @Override
        public Integer call() {
            var cfg = config.load();
            if (!host.equals("all") && cfg.findHost(host).isEmpty()) {
                throw new CliException(CliException.UNKNOWN, "unknown host '" + host + "'");
            }
            String wanted;
            try {
                wanted = check.equals("all") ? "all" : io.ringmaster.core.model.CheckName.parse(check).label();
            } catch (IllegalArgumentException e) {
                throw new CliException(CliException.UNKNOWN, e.getMessage());
            }
            JsonNode c = new ApiClient(cfg).get("checks");
            if (json) {
                System.out.println(ApiClient.pretty(c));
                return 0;
            }
            for (JsonNode h : c.path("hosts")) {
                if (!host.equals("all") && !host.equals(h.path("name").asText())) {
                    continue;
                }
                for (JsonNode k : h.path("checks")) {
                    if (!wanted.equals("all") && !wanted.equals(k.path("check").asText())) {
                        continue;
                    }
                    String when = k.path("lastChange").isNull() ? "never"
                            : WHEN.format(Instant.parse(k.path("lastChange").asText()));
                    String result = k.path("ok").asBoolean() ? "OK" : "ERROR: " + k.path("message").asText();
                    System.out.printf("%-6s %-12s [last change: %s]  %s%n", h.path("name").asText(),
                            k.path("check").asText(), when, result);
                }
            }
            return 0;
        }
    }

    @Command(name = "set-online", aliases = "set_online", description = "Bring a host back ONLINE (from ADMIN_OFFLINE or AWAITING_RECOVERY).")
    static final class SetOnline implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            System.out.println(new ApiClient(config.load()).post("hosts/" + enc(host) + "/set-online").path("message").asText());
            return 0;
        }
    }

    @Command(name = "set-offline", aliases = "set_offline", description = "Take a host out (ADMIN_OFFLINE); the writer role is moved away first.")
    static final class SetOffline implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            System.out.println(new ApiClient(config.load()).post("hosts/" + enc(host) + "/set-offline").path("message").asText());
            return 0;
        }
    }

    @Command(name = "move-role", aliases = "move_role", description = {
            "Move an exclusive role (switchover of the writer): move-role [--force] ROLE HOST.",
            "--force also takes a host in REPLICATION_DELAY or REPLICATION_FAIL, printing the estimated loss first."})
    static final class MoveRole implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--force", description = "Allow a host in REPLICATION_DELAY or REPLICATION_FAIL (may lose transactions).")
        boolean force;
        @Parameters(index = "0", paramLabel = "ROLE") String role;
        @Parameters(index = "1", paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            ApiClient api = new ApiClient(config.load());
            if (!force) {
                System.out.println(api.post("roles/" + enc(role) + "/move?host=" + enc(host)).path("message").asText());
                return 0;
            }
            JsonNode est = api.get("roles/" + enc(role) + "/loss?host=" + enc(host));
            if (!est.path("from").asText().equals(host)) {
                System.out.printf("estimated loss: %d transaction(s) of '%s' not applied on '%s' (%s)%n",
                        est.path("missingTransactions").asLong(), est.path("from").asText(), host,
                        est.path("state").asText());
            }
            String message;
            try (MoveProgress progress = MoveProgress.start(api, role, host, System.out)) {
                message = api.post("roles/" + enc(role) + "/move?host=" + enc(host) + "&force=1")
                        .path("message").asText();
            }
            System.out.println(message);
            return 0;
        }
    }

    @Command(name = "errant", description = "Show the GTIDs a host has that the writer does not (errant transactions).")
    static final class Errant implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--json", description = "Print JSON.") boolean json;
        @Parameters(paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            JsonNode r = new ApiClient(config.load()).get("hosts/" + enc(host) + "/errant");
            if (json) {
                System.out.println(ApiClient.pretty(r));
            } else if (host.equals(r.path("writer").asText())) {
                System.out.printf("%s is the writer: errant transactions are those a host has and the writer lacks, "
                        + "so the writer has none%n", host);
            } else if (r.path("count").asLong() == 0) {
                System.out.printf("%s: no errant transactions (%s has everything %s has)%n", host,
                        r.path("writer").asText(), host);
            } else {
                List<String> ranges = new ArrayList<>();
                r.path("errant").forEach(x -> ranges.add(x.asText()));
                System.out.printf("%s: %d errant transaction(s) that writer %s does not have: %s%n", host,
                        r.path("count").asLong(), r.path("writer").asText(), String.join(", ", ranges));
            }
            return 0;
        }
    }

    @Command(name = "acknowledge", description = "Acknowledge the last automatic failover: lifts the anti-flap block.")
    static final class Acknowledge implements Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() {
            System.out.println(new ApiClient(config.load()).post("recoveries/acknowledge").path("message").asText());
            return 0;
        }
    }

    @Command(name = "mode", description = "Print the monitor mode (ACTIVE, MANUAL, WAIT, PASSIVE).")
    static final class Mode implements Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() {
            System.out.println(new ApiClient(config.load()).get("status").path("mode").asText());
            return 0;
        }
    }

    abstract static class SetMode implements Callable<Integer> {
        @Mixin ConfigOption config;

        abstract String mode();

        @Override
        public Integer call() {
            System.out.println(new ApiClient(config.load()).post("mode/" + mode()).path("message").asText());
            return 0;
        }
    }

    @Command(name = "set-active", aliases = "set_active", description = "Switch the monitor to ACTIVE mode.")
    static final class SetActive extends SetMode {
        String mode() {
            return "ACTIVE";
        }
    }

    @Command(name = "set-manual", aliases = "set_manual", description = "Switch the monitor to MANUAL mode.")
    static final class SetManual extends SetMode {
        String mode() {
            return "MANUAL";
        }
    }

    @Command(name = "set-passive", aliases = "set_passive", description = "Switch the monitor to PASSIVE mode.")
    static final class SetPassive extends SetMode {
        String mode() {
            return "PASSIVE";
        }
    }

    @Command(name = "recoveries", description = "List recent writer changes with every step and its timing.")
    static final class Recoveries implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() {
            JsonNode r = new ApiClient(config.load()).get("recoveries");
            if (json) {
                System.out.println(ApiClient.pretty(r));
                return 0;
            }
            for (JsonNode rec : r.path("recoveries")) {
                String started = rec.path("started").isTextual()
                        ? WHEN.format(Instant.parse(rec.path("started").asText())) : "?";
                System.out.printf("%s %s %s %s -> %s: %s%n", started, rec.path("id").asText(), rec.path("kind").asText(),
                        rec.path("from").asText("").isEmpty() ? "-" : rec.path("from").asText(),
                        rec.path("to").asText(), rec.path("finished").isNull() ? "running" : rec.path("outcome").asText());
                System.out.printf("    trigger: %s%n", rec.path("reason").asText("?"));
                for (JsonNode st : rec.path("steps")) {
                    System.out.printf("    %s %s (%d ms) %s%n", st.path("ok").asBoolean() ? "ok  " : "FAIL",
                            st.path("step").asText(), st.path("millis").asLong(), st.path("detail").asText());
                }
                for (String when : new String[] {"before", "after"}) {
                    rec.path("positions").path(when).fields().forEachRemaining(p -> System.out.printf(
                            "    GTID %-6s %s: %s%n", when, p.getKey(), p.getValue().asText()));
                }
                long lost = rec.path("transactionsLost").asLong(-1);
                System.out.printf("    transactions lost: %s%n", lost < 0 ? "unknown" : String.valueOf(lost));
            }
            return 0;
        }
    }

    @Command(name = "ping", description = "Check that the monitor is alive (like mmm_control ping).")
    static final class Ping implements Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() {
            try {
                new ApiClient(config.load()).get("ping");
            } catch (CliException e) {
                if (e.exitCode() != CliException.UNREACHABLE) {
                    throw e;
                }
                System.out.println("ERROR: Can't connect to monitor daemon!");
                throw e;
            }
            System.out.println("OK: Pinged successfully!");
            return 0;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
