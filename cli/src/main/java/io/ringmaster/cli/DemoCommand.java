package io.ringmaster.cli;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.monitor.HttpApi;
import io.ringmaster.monitor.Monitor;
import io.ringmaster.monitor.StatusView;
import io.ringmaster.mysql.MariaDbDialect;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster demo}: a sandbox of 2 masters with a replica each, the monitor, a write load on the writer,
 * SIGKILL of the writer, the failover as it happens, the write-unavailable window, and a check that every
 * acknowledged row is on the new writer and every replica. Exits 0 only if nothing acknowledged was lost.
 */
@Command(name = "demo", description = {
        "Bring up a sandbox (2 masters, 1 replica each), start the monitor, write to the writer, SIGKILL it,",
        "show the failover, print how long writes were unavailable, check that no acknowledged row was lost,",
        "and tear everything down. Exit 0 only if nothing acknowledged was lost."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Sandbox folder (default: a new temporary folder, removed afterwards).")
    Path dir;
    @Option(names = "--base-port", defaultValue = "23400", description = "Servers listen on BASE+1.. (default ${DEFAULT-VALUE}).")
    int basePort;
    @Option(names = "--keep", description = "Leave the sandbox running afterwards.")
    boolean keep;

    private long t0 = System.nanoTime();

    private void say(String fmt, Object... args) {
        System.out.printf("[%6.2f s] %s%n", (System.nanoTime() - t0) / 1e9, String.format(fmt, args));
        System.out.flush();
    }

    @Override
    public Integer call() throws Exception {
        Path where = dir != null ? dir : Files.createTempDirectory("ringmaster-demo-");
        Path sandboxDir = dir != null ? dir : where.resolve("sandbox");
        Path logFile = Files.createTempFile("ringmaster-demo-", ".log");
        say("the monitor's and the sandbox's log lines go to %s", logFile);
        Runnable restoreLog = DemoLog.toFile(logFile);
        say("bringing up a sandbox in %s: 2 masters (db1, db2), a replica under each (db3, db4)", sandboxDir);
        Sandbox sandbox = Sandbox.up(SandboxSpec.of(sandboxDir).withBasePort(basePort));
        try {
            return run(sandbox);
        } finally {
            if (keep) {
                sandbox.detach();
                say("leaving the sandbox running (--keep): ringmaster sandbox down --dir %s", sandboxDir);
            } else {
                say("tearing down");
                sandbox.close();
                if (dir == null) {
                    io.ringmaster.sandbox.FileTrees.deleteQuietly(where);
                }
            }
            restoreLog.run();
        }
    }

    private int run(Sandbox sandbox) throws Exception {
        RingmasterConfig cfg = sandbox.config();
        say("config: %s", sandbox.configFile());
        try (Monitor monitor = new Monitor(cfg, Clock.systemUTC()); HttpApi api = new HttpApi(monitor)) {
            api.start();
            monitor.start();
            say("monitor started (API http://%s:%d/api/v1/)", cfg.monitor().listenAddress(), api.port());
            if (!await(Duration.ofSeconds(30), () -> monitor.ready() && writer(monitor).isPresent()
                    && monitor.state().hosts().values().stream().allMatch(h -> h.state() == HostState.ONLINE))) {
                say("FAILED: the cluster did not come ONLINE within 30 s");
                System.out.print(ControlCommands.formatShow(json(monitor)));
                return 1;
            }
            System.out.print(ControlCommands.formatShow(json(monitor)));
            String oldWriter = writer(monitor).orElseThrow();
            WriteLoad.prepare(cfg.host(oldWriter), cfg.monitorUser(), Duration.ofSeconds(5));
            try (WriteLoad load = new WriteLoad(() -> writer(monitor).map(cfg::host), cfg.monitorUser(),
                    Duration.ofSeconds(1)).start()) {
                Thread.sleep(3000);
                say("write load running: %d rows acknowledged so far", load.acknowledged().size());
                say("SIGKILL the writer %s", oldWriter);
                long killedAt = System.nanoTime();
                sandbox.kill(oldWriter);
                watchFailover(monitor, oldWriter, load, killedAt);
                Optional<String> newWriter = writer(monitor).filter(w -> !w.equals(oldWriter));
                if (newWriter.isEmpty()) {
                    say("FAILED: no new writer within 60 s");
                    return 1;
                }
                monitor.recoveries().stream().filter(r -> r.kind().equals("FAILOVER")).reduce((a, b) -> b)
                        .ifPresent(this::sayRecovery);
                Thread.sleep(2000);
                load.close();
                List<long[]> outages = load.outages();
                long after = outages.stream().filter(o -> o[1] > killedAt).mapToLong(o -> o[1]).min().orElse(0);
                say("writes were unavailable for %.2f s (kill to first successful write on %s); %d statements failed",
                        (after - killedAt) / 1e9, newWriter.get(), load.failures());
                return verify(cfg, monitor, newWriter.get(), oldWriter, load.acknowledged());
            }
        }
    }

    private void sayRecovery(io.ringmaster.monitor.RecoveryRecord r) {
        say("%s %s: %s -> %s, %s", r.kind(), r.id(), r.from(), r.to(), r.reason());
        for (var step : r.steps()) {
            say("  %5d ms  %s: %s%s", step.millis(), step.step(), step.ok() ? "ok" : "FAILED",
                    step.detail() == null || step.detail().isEmpty() ? "" : ": " + step.detail());
        }
    }

    private void watchFailover(Monitor monitor, String oldWriter, WriteLoad load, long killedAt)
            throws InterruptedException {
        String last = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            ClusterState s = monitor.state();
            StringBuilder b = new StringBuilder();
            for (HostConfig h : monitor.config().hosts()) {
                var r = s.host(h.name());
                b.append(h.name()).append('=').append(r == null ? "?" : r.state()).append(s.rolesOf(h.name())).append(' ');
            }
            String line = b.toString().trim();
            if (!line.equals(last)) {
                say("%s", line);
                last = line;
            }
            boolean moved = writer(monitor).filter(w -> !w.equals(oldWriter)).isPresent();
            if (moved && load.lastSuccessNanos() > killedAt) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private int verify(RingmasterConfig cfg, Monitor monitor, String newWriter, String deadHost, List<Long> acked)
            throws Exception {
        SqlActions sql = new SqlActions(MariaDbDialect.INSTANCE, cfg.monitorUser(), cfg.replicationUser(),
                Duration.ofSeconds(5));
        GtidPosition target = sql.binlogPosition(cfg.host(newWriter));
        int lost = 0;
        List<String> report = new ArrayList<>();
        for (HostConfig h : cfg.hosts()) {
            if (h.name().equals(deadHost)) {
                continue;
            }
            boolean caughtUp = sql.waitForGtid(h, target, Duration.ofSeconds(30), "demo: verify acknowledged rows");
            List<Long> missing = WriteLoad.missingOn(h, cfg.monitorUser(), Duration.ofSeconds(10), acked);
            lost = Math.max(lost, missing.size());
            report.add(String.format("%s: %d of %d acknowledged rows present%s%s", h.name(), acked.size() - missing.size(),
                    acked.size(), caughtUp ? "" : " (did not catch up in 30 s)",
                    missing.isEmpty() ? "" : ", MISSING " + missing.subList(0, Math.min(10, missing.size()))));
        }
        report.forEach(r -> say("%s", r));
        System.out.print(ControlCommands.formatShow(json(monitor)));
        if (lost == 0) {
            say("OK: no acknowledged write was lost; %s is the writer", newWriter);
            return 0;
        }
        say("FAILED: acknowledged writes were lost");
        return 1;
    }

    private static com.fasterxml.jackson.databind.JsonNode json(Monitor m) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(StatusView.show(m));
    }

    private static Optional<String> writer(Monitor m) {
        return m.config().writerRole().flatMap(r -> m.state().holder(r.name()));
    }

    private static boolean await(Duration limit, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return cond.getAsBoolean();
    }
}
