package io.ringmaster.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings that keep the monitor from acting on a false alarm or acting twice (the {@code monitor:} keys
 * {@code ping_ips}, {@code writer_lease}, {@code failover_block_period}, {@code wait_for_other_master},
 * {@code careful_startup}).
 *
 * @param pingTargets         {@code address:port} targets the monitor must reach to trust its own network
 *                            (MMM's ping_ips); when none answers, every state is frozen. Empty disables the check.
 * @param writerLease         how long something outside the monitor (a standalone router) may still send writes to
 *                            the writer after the monitor last reached it; a failover of an unreachable writer
 *                            waits this out before promoting. Zero: no wait.
 * @param failoverBlockPeriod at most one automatic failover in this period unless an operator acknowledges
 *                            (orchestrator's RecoveryPeriodBlockSeconds); zero disables the block
 * @param waitForOtherMaster  in WAIT mode, how long to wait for every master to be ONLINE before going ACTIVE
 * @param carefulStartup      go PASSIVE at start when more than one host is writable (MMM's careful_startup)
 */
public record SafetyConfig(List<String> pingTargets, Duration writerLease, Duration failoverBlockPeriod,
                           Duration waitForOtherMaster, boolean carefulStartup) {
    public SafetyConfig {
        pingTargets = List.copyOf(pingTargets);
        Objects.requireNonNull(writerLease, "writerLease");
        Objects.requireNonNull(failoverBlockPeriod, "failoverBlockPeriod");
        Objects.requireNonNull(waitForOtherMaster, "waitForOtherMaster");
    }

    /** The defaults: no network check, no lease, a one-hour block, 120 s WAIT, careful start-up. */
    public static SafetyConfig defaults() {
        return new SafetyConfig(List.of(), Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(120), true);
    }
}
