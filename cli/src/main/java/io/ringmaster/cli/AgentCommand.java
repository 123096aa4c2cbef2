package io.ringmaster.cli;

import io.ringmaster.agent.Agent;
import io.ringmaster.agent.AgentParts;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster agent --host NAME}: the agent of one database host, in the foreground until SIGTERM or SIGINT.
 */
@Command(name = "agent", description = {
        "Run the agent of one database host in the foreground: its HTTP API (port 9989 by default, MMM's agent",
        "port) puts the role addresses (virtual IPs) the monitor gives the host on its interface, on a lease that",
        "fences the server when it runs out, and does the host's part of clone and rebuild.",
        "SIGTERM stops it cleanly (the role addresses it holds are removed)."})
final class AgentCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--host", required = true, paramLabel = "NAME", description = "The host this agent runs beside.")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        Agent agent;
        try {
            agent = new Agent(cfg, host);
        } catch (IllegalArgumentException e) {
            throw new CliException(3, e.getMessage());
        } catch (IOException e) {
            throw new CliException(1, e.getMessage());
        }
        try {
            AgentParts.install(agent);
        } catch (RuntimeException | IOException e) {
            agent.close();
            throw new CliException(1, e.getMessage());
        }
        agent.start();
        System.out.println("agent of " + host + " listening on " + agent.agentConfig().listenAddress() + ":"
                + agent.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "ringmaster-shutdown"));
        stopped.await();
        return 0;
    }
}
