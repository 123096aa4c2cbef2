package io.ringmaster.tools.lint;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ringmaster lint}: reads every host in parallel ({@link LintReader}, as the monitor account) and applies
 * {@link LintRules}. Only reads. Stateless; thread-safe.
 */
public final class Lint {
    /** Default bound on reading one host. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The result of one run.
     *
     * @param findings  the violations, host by host
     * @param elapsed   how long the run took
     */
    public record Report(List<LintFinding> findings, Duration elapsed) {
        public Report {
            findings = List.copyOf(findings);
        }

        /** The exit code: the OR of the bits of the checks that found something (0: clean). */
        public int exitCode() {
            Set<LintStatus> bits = EnumSet.noneOf(LintStatus.class);
            findings.forEach(f -> bits.add(f.check().status()));
            return LintStatus.code(bits);
        }
    }

    private Lint() {}

    /**
     * Lints every host of {@code config}.
     *
     * @param writer  the writer when known (the monitor's); empty to take the one master with read_only OFF
     * @param timeout bound on each host (connect and each statement); a host not read within twice it is unreachable
     * @throws InterruptedException when interrupted while waiting for the hosts
     */
    public static Report run(RingmasterConfig config, Optional<String> writer, Duration timeout)
            throws InterruptedException {
        long start = System.nanoTime();
        Map<String, HostFacts> facts = new LinkedHashMap<>();
        Map<String, Future<HostFacts>> asked = new LinkedHashMap<>();
        try (ExecutorService each = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("ringmaster-lint-", 1).factory())) {
            for (HostConfig h : config.hosts()) {
                asked.put(h.name(), each.submit(() -> LintReader.read(h, config.monitorUser(), timeout,
                        config.monitor().heartbeatSchema())));
            }
            long deadline = System.nanoTime() + timeout.multipliedBy(2).toNanos() + TimeUnit.SECONDS.toNanos(1);
            for (var e : asked.entrySet()) {
                try {
                    facts.put(e.getKey(), e.getValue().get(Math.max(1, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS));
                } catch (TimeoutException x) {
                    e.getValue().cancel(true);
                    facts.put(e.getKey(), HostFacts.unreadable(e.getKey(), "not read within "
                            + timeout.multipliedBy(2).toMillis() + " ms"));
                } catch (ExecutionException x) {
                    facts.put(e.getKey(), HostFacts.unreadable(e.getKey(), String.valueOf(x.getCause())));
                }
            }
            each.shutdownNow();
        }
        return new Report(LintRules.check(config, facts, writer), Duration.ofNanos(System.nanoTime() - start));
    }
}
