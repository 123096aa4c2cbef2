package io.ringmaster.cli;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.bootstrap.Bootstrap;
import io.ringmaster.tools.bootstrap.BootstrapException;
import io.ringmaster.tools.bootstrap.BootstrapPlan;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster bootstrap}: checks and builds replication for the configured topology. */
@Command(name = "bootstrap", description = {
        "Check every host and build replication for the configured topology: unique server_id, binary log,",
        "log_slave_updates on masters, a gtid_domain_id per master, auto_increment spacing, read_only on all but",
        "the initial writer, a least-privilege replication user, MASTER_USE_GTID=slave_pos links; then wait until",
        "replication flows. Settings that need a restart are reported with the exact config line to add."})
final class BootstrapCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--dry-run", description = "Print the plan and change nothing.") boolean dryRun;
    @Option(names = "--async", description = "Leave semi-synchronous replication off (a failover may then lose acknowledged commits).")
    boolean async;
    @Option(names = "--wait", defaultValue = "60s", description = "Bound on waiting for replication to flow (default ${DEFAULT-VALUE}).")
    String waitText;

    @Override
    public Integer call() {
        RingmasterConfig cfg = config.load();
        Duration wait;
        try {
            wait = io.ringmaster.core.config.Durations.parse(waitText);
        } catch (IllegalArgumentException e) {
            throw new CliException(2, "--wait: " + e.getMessage());
        }
        Bootstrap b = new Bootstrap(cfg, System.out::println, !async);
        try {
            BootstrapPlan plan = b.plan();
            System.out.println("initial writer: " + plan.initialWriter());
            if (dryRun) {
                System.out.println(plan.actions().isEmpty() ? "nothing to change" : "plan:");
                plan.actions().forEach(a -> System.out.println("  " + a));
            } else {
                b.apply(plan, wait);
            }
            plan.notes().forEach(n -> System.out.println("note: " + n));
            return 0;
        } catch (BootstrapException e) {
            e.problems().forEach(p -> System.err.println("ringmaster: " + p));
            return 1;
        }
    }
}
