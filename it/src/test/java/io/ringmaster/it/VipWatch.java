package io.ringmaster.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks at role addresses the way an operator would: every agent's {@code GET /api/v1/status} (which host says it
 * holds an address) and the kernel's own list ({@code ip -o addr show}, optionally inside a network namespace).
 * {@link #startSampling} runs a thread that does both every ~20 ms and counts, per sample, how many agents hold
 * the writer address and how many times the kernel lists it; {@link #close} stops it. Thread-safe.
 */
final class VipWatch implements AutoCloseable {
    private final Map<String, AgentClient> agents = new LinkedHashMap<>();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger maxHolders = new AtomicInteger();
    private final AtomicInteger maxListed = new AtomicInteger();
    private final AtomicLong lastSeenNanos = new AtomicLong();
    private final List<String> doubles = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    private Thread sampler;

    VipWatch(RingmasterConfig config) {
        // a short bound, so an agent that does not answer does not slow the sampling
        io.ringmaster.core.config.AgentsConfig brief = new io.ringmaster.core.config.AgentsConfig(
                config.agents().access(), config.agents().lease(), java.time.Duration.ofMillis(300),
                config.agents().agents());
        for (AgentConfig a : config.agents().agents()) {
            agents.put(a.host(), new AgentClient(brief, a));
        }
    }

    /** The {@code addresses} part of {@code host}'s agent status, or null when it does not answer. */
    JsonNode status(String host) {
        try {
            JsonNode s = agents.get(host).get("status");
            return s.has("addresses") ? s.path("addresses") : s;
        } catch (Exception e) {
            return null;
        }
    }

    /** The hosts whose agents say they hold {@code ip}. */
    List<String> holders(String ip) {
        List<String> out = new ArrayList<>();
        for (String h : agents.keySet()) {
            JsonNode s = status(h);
            if (s != null) {
                s.path("held").forEach(x -> {
                    if (x.asText().equals(ip)) {
                        out.add(h);
                    }
                });
            }
        }
        return out;
    }

    /** How many times {@code ip -o addr show} (in {@code netns}, or the root namespace when null) lists {@code ip}. */
    static int listed(String netns, String ip) {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("ip", "-o", "addr", "show"));
        String out = run(cmd);
        int n = 0;
        for (String line : out.split("\n")) {
            if (line.contains(" " + ip + "/")) {
                n++;
            }
        }
        return n;
    }

    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
            }
            return new String(p.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Samples every ~20 ms until {@link #close}: agents holding {@code ip}, and kernel listings of it in each of
     * {@code namespaces} (null: the root namespace).
     */
    VipWatch startSampling(String ip, List<String> namespaces) {
        sampler = new Thread(() -> {
            while (!stop) {
                List<String> h = holders(ip);
                int listed = 0;
                for (String ns : namespaces) {
                    listed += listed(ns, ip);
                }
                samples.incrementAndGet();
                maxHolders.accumulateAndGet(h.size(), Math::max);
                maxListed.accumulateAndGet(listed, Math::max);
                if (h.size() > 1 || listed > 1) {
                    doubles.add(System.currentTimeMillis() + ": agents " + h + ", listed " + listed);
                }
                if (listed > 0) {
                    lastSeenNanos.set(System.nanoTime());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vip-sampler");
        sampler.setDaemon(true);
        sampler.start();
        return this;
    }

    int samples() {
        return samples.get();
    }

    int maxHolders() {
        return maxHolders.get();
    }

    int maxListed() {
        return maxListed.get();
    }

    /** Samples that saw two holders or two listings, one line each. */
    List<String> doubles() {
        return List.copyOf(doubles);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        if (sampler != null) {
            sampler.interrupt();
            sampler.join(5000);
        }
    }
}
