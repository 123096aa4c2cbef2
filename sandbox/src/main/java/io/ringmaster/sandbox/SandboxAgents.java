package io.ringmaster.sandbox;

import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of a sandbox ({@code ringmaster agent --host NAME}, one process per host): started detached like
 * the servers, with {@code DIR/agents/NAME.pid} and {@code DIR/agents/NAME.log}; stopped after they released their
 * role addresses (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}). Whatever a killed agent left behind (its
 * loopback aliases, its nftables table) is removed by {@link #stopAll}. Thread-safe (no state of its own).
 */
final class SandboxAgents {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxAgents.class);
    static final String DIR = "agents";
    /** Bound on an agent's start: until it answers ping. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private SandboxAgents() {}

    /** True when this sandbox was brought up with agents. */
    static boolean present(Path dir) {
        return Files.isDirectory(dir.resolve(DIR));
    }

    /**
     * Starts every agent of the configuration at once and waits until each answers ping.
     *
     * @param cli the command that runs the Ringmaster CLI, e.g. {@code [java, -jar, ringmaster.jar]}
     * @throws SandboxException when an agent exits or does not answer in time (the message names it and its log)
     */
    static void startAll(Path dir, RingmasterConfig config, List<String> cli) {
        long begin = System.nanoTime();
        Path agents = dir.resolve(DIR);
        try {
            Files.createDirectories(agents);
        } catch (IOException e) {
            throw new SandboxException("cannot create " + agents + ": " + e.getMessage(), e);
        }
        Map<String, Process> started = new LinkedHashMap<>();
        for (AgentConfig a : config.agents().agents()) {
            List<String> cmd = new ArrayList<>();
            Platform.setsid().ifPresent(s -> cmd.add(s.toString()));
            cmd.addAll(cli);
            cmd.addAll(List.of("agent", "--config", dir.resolve(SandboxConfigFile.FILE).toString(), "--host",
                    a.host()));
            Path log = agents.resolve(a.host() + ".log");
            LOG.info("Starting the agent of {} on {} (sandbox up)", a.host(), a.endpoint());
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                started.put(a.host(), p);
            } catch (IOException e) {
                throw new SandboxException("agent of " + a.host() + ": cannot run " + cli.get(0) + ": "
                        + e.getMessage(), e);
            }
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (AgentConfig a : config.agents().agents()) {
            Process p = started.get(a.host());
            AgentClient client = new AgentClient(config.agents(), a);
            Path log = agents.resolve(a.host() + ".log");
            while (true) {
                try {
                    client.get("ping");
                    break;
                } catch (AgentException e) {
                    // not up yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException("interrupted while starting the agent of " + a.host(), e);
                }
                if (!p.isAlive() && p.exitValue() != 0) {
                    throw new SandboxException("agent of " + a.host() + " exited with code " + p.exitValue() + ": "
                            + Commands.errorLogTail(log, 3) + " (see " + log + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new SandboxException("agent of " + a.host() + " did not answer on " + a.endpoint()
                            + " within " + Commands.seconds(START_TIMEOUT) + " (see " + log + ")");
                }
                sleep(100);
            }
            long pid = p.isAlive() ? p.pid() : find(dir, a.host()).orElse(0);
            writePid(agents.resolve(a.host() + ".pid"), pid);
        }
        LOG.info("{} agent(s) answer in {} ms", started.size(), (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Asks every agent to release its role addresses, stops it (SIGTERM, SIGKILL after {@link #STOP_TIMEOUT}),
     * then removes what a killed agent may have left: its labelled aliases and its nftables table.
     */
    static void stopAll(Path dir, RingmasterConfig config, String reason) {
        Path agents = dir.resolve(DIR);
        for (AgentConfig a : config.agents().agents()) {
            OptionalLong pid = pid(dir, a.host());
            if (pid.isPresent()) {
                try {
                    new AgentClient(config.agents(), a).post("release", Map.of("reason", reason),
                            Duration.ofSeconds(3));
                } catch (AgentException e) {
                    LOG.warn("agent of {} did not release its addresses: {}", a.host(), e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                LOG.info("Stopping the agent of {} (pid {}) with SIGTERM ({})", a.host(), pid.getAsLong(), reason);
                ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
            }
        }
        for (AgentConfig a : config.agents().agents()) {
            OptionalLong pid = pid(dir, a.host());
            if (pid.isPresent()) {
                long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
                while (Platform.isAlive(pid.getAsLong()) && System.nanoTime() < deadline) {
                    sleep(50);
                }
                if (Platform.isAlive(pid.getAsLong())) {
                    LOG.warn("agent of {} (pid {}) did not stop within {}; sending SIGKILL", a.host(),
                            pid.getAsLong(), Commands.seconds(STOP_TIMEOUT));
                    ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            try {
                Files.deleteIfExists(agents.resolve(a.host() + ".pid"));
            } catch (IOException e) {
                LOG.warn("cannot remove the pid file of the agent of {}: {}", a.host(), e.getMessage());
            }
            cleanUp(config, a, reason);
        }
    }

    /** Kills every agent at once (JVM exit, failed up); leftovers are removed as by {@link #stopAll}. */
    static void killAll(Path dir, RingmasterConfig config, String reason) {
        for (AgentConfig a : config.agents().agents()) {
            pid(dir, a.host()).ifPresent(pid -> {
                LOG.info("Killing the agent of {} (pid {}) ({})", a.host(), pid, reason);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            });
            cleanUp(config, a, reason);
        }
    }

    private static void cleanUp(RingmasterConfig config, AgentConfig a, String reason) {
        if (!Platform.isRoot()) {
            return;
        }
        var host = config.findHost(a.host()).orElseThrow();
        String table = new io.ringmaster.agent.PortBlock(a.host(), host.port(), java.util.Set.of(),
                java.util.Optional.empty()).table();
        Commands.Result t = Commands.run(List.of("nft", "delete", "table", "inet", table), null,
                config.source().getParent().resolve(DIR).resolve("cleanup.log"), Duration.ofSeconds(5));
        if (t.ok()) {
            LOG.warn("removed nft table {} left by the agent of {} ({})", table, a.host(), reason);
        }
        a.networkInterface().ifPresent(iface -> io.ringmaster.agent.IpAddresses.label(iface, a.port()).ifPresent(
                label -> {
                    for (String ip : config.roleAddresses()) {
                        Commands.Result r = Commands.run(List.of("/bin/sh", "-c", "ip -o -4 addr show dev " + iface
                                + " label " + label + " | grep -q ' " + ip + "/32 ' && ip addr del " + ip
                                + "/32 dev " + iface), null,
                                config.source().getParent().resolve(DIR).resolve("cleanup.log"),
                                Duration.ofSeconds(5));
                        if (r.ok()) {
                            LOG.warn("removed {} (label {}) left by the agent of {} ({})", ip, label, a.host(),
                                    reason);
                        }
                    }
                }));
    }

    /** The pid of a host's agent when it runs (checked against its command line), else empty. */
    static OptionalLong pid(Path dir, String host) {
        Path f = dir.resolve(DIR).resolve(host + ".pid");
        try {
            long pid = Long.parseLong(Files.readString(f).strip());
            if (pid > 0 && Platform.isAlive(pid) && isAgent(pid, host)) {
                return OptionalLong.of(pid);
            }
        } catch (IOException | NumberFormatException e) {
            // no pid file: not running
        }
        return find(dir, host);
    }

    private static OptionalLong find(Path dir, String host) {
        String config = dir.resolve(SandboxConfigFile.FILE).toString();
        return ProcessHandle.allProcesses().filter(h -> {
            String cmd = Platform.commandLine(h.pid());
            return cmd.contains(" agent --config " + config + " --host " + host) && cmd.endsWith("--host " + host);
        }).mapToLong(ProcessHandle::pid).findFirst();
    }

    private static boolean isAgent(long pid, String host) {
        String cmd = Platform.commandLine(pid);
        return cmd.contains(" agent --config ") && cmd.endsWith("--host " + host);
    }

    private static void writePid(Path f, long pid) {
        try {
            Files.writeString(f, pid + "\n");
        } catch (IOException e) {
            throw new SandboxException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }
}
