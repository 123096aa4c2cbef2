package io.ringmaster.cli;

import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ringmaster config check}: the configuration, tested as {@code nginx -t} tests nginx's. */
@Command(name = "config", description = "Work with the configuration file.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("ringmaster: config: missing subcommand (check)");
        return CliException.USAGE;
    }

    /**
     * Parses and validates the file, then reaches every host with the monitor user (connect and one query, each
     * bounded by the check timeout, all hosts at once): one line per host, and exit 0 only when all is well.
     */
    @Command(name = "check", description = {
            "Parse and validate the configuration, then reach every host with the monitor user (like nginx -t):",
            "one line per host, then every agent with the agents' token; exit 0 when all answer, 1 when one does",
            "not, 2 when the file is invalid."})
    static final class Check implements Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() {
            RingmasterConfig cfg = config.load(); // exit 2 with the field named when invalid
            System.out.println("configuration " + cfg.source() + ": syntax is ok (" + cfg.hosts().size() + " hosts, "
                    + cfg.roles().size() + " roles)");
            Duration timeout = cfg.monitor().checkTimeout().plusSeconds(1);
            SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, cfg.monitorUser(), cfg.replicationUser(),
                    timeout);
            List<Future<String>> answers = new ArrayList<>();
            try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
                for (HostConfig h : cfg.hosts()) {
                    answers.add(each.submit(() -> sql.queryString(h,
                            "SELECT CONCAT(VERSION(), ', read_only=', IF(@@global.read_only, 'ON', 'OFF'))")));
                }
                int failed = 0;
                for (int i = 0; i < answers.size(); i++) {
                    HostConfig h = cfg.hosts().get(i);
                    String line;
                    try {
                        line = "OK (" + answers.get(i).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS) + ")";
                    } catch (ExecutionException e) {
                        failed++;
                        line = "ERROR: " + (e.getCause() instanceof SQLException se ? SqlErrors.describe(se)
                                : String.valueOf(e.getCause()));
                    } catch (TimeoutException e) {
                        failed++;
                        line = "ERROR: no answer within " + timeout.toMillis() * 2 + " ms";
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CliException(CliException.FAILED, "interrupted");
                    }
                    System.out.printf("%-8s %s as %s: %s%n", h.name(), h.endpoint(), cfg.monitorUser().user(),
                            line.replace('\n', ' '));
                }
                failed += agents(cfg, each);
                each.shutdownNow();
                if (failed > 0) {
                    throw new CliException(CliException.FAILED, "configuration " + cfg.source() + " test failed: "
                            + failed + " of " + (cfg.hosts().size() + cfg.agents().agents().size())
                            + " host(s) and agent(s) cannot be reached (or refuse the token)");
                }
            }
            System.out.println("configuration " + cfg.source() + " test is successful");
            return 0;
        }

        /**
         * Reaches every configured agent with the token (a POST that changes nothing), all at once: one line each.
         *
         * @return how many failed
         */
        private static int agents(RingmasterConfig cfg, ExecutorService each) {
            List<Future<String>> answers = new ArrayList<>();
            for (AgentConfig a : cfg.agents().agents()) {
                AgentClient client = new AgentClient(cfg.agents(), a);
                answers.add(each.submit(() -> {
                    String host = client.post("check", null).path("host").asText();
                    if (!host.equals(a.host())) {
                        throw new AgentException(a.host(), 0, "answers as the agent of '" + host + "', not of "
                                + a.host(), null);
                    }
                    return "OK (token accepted)";
                }));
            }
            int failed = 0;
            long waitMs = cfg.agents().timeout().toMillis() * 2;
            for (int i = 0; i < answers.size(); i++) {
                AgentConfig a = cfg.agents().agents().get(i);
                String line;
                try {
                    line = answers.get(i).get(waitMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    failed++;
                    line = "ERROR: " + e.getCause().getMessage();
                } catch (TimeoutException e) {
                    failed++;
                    line = "ERROR: no answer within " + waitMs + " ms";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(CliException.FAILED, "interrupted");
                }
                System.out.printf("%-8s agent %s: %s%n", a.host(), a.endpoint(), line.replace('\n', ' '));
            }
            return failed;
        }
    }
}
