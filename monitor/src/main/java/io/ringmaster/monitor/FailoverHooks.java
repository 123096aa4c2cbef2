package io.ringmaster.monitor;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.plan.WriterChange;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured hooks around writer changes: {@code pre_failover} may veto a failover (then it is asked again
 * only after a pause, not every round), {@code post_failover} and {@code post_switchover} run after the change
 * and a failure is recorded in the change's audit. Hooks get the change's details as {@code RINGMASTER_*}
 * environment variables (never a secret).
 *
 * <p>Single-threaded: called by the monitor under its lock.
 */
final class FailoverHooks {
    private static final Logger log = LoggerFactory.getLogger(FailoverHooks.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private Instant vetoedUntil = Instant.MIN;

    FailoverHooks(RingmasterConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Runs {@code pre_failover}, if configured.
     *
     * @return why the failover is vetoed, or empty when it may go ahead
     */
    Optional<String> veto(WriterChange change, String why, long epoch) {
        Optional<String> hook = config.hooks().preFailover();
        if (hook.isEmpty()) {
            return Optional.empty();
        }
        if (clock.instant().isBefore(vetoedUntil)) {
            return Optional.of("pre_failover hook vetoed it; asking again at " + vetoedUntil);
        }
        HookRunner.Result r = HookRunner.run("pre_failover", hook.get(), env(change, "", why, epoch),
                config.hooks().timeout());
        if (r.ok()) {
            return Optional.empty();
        }
        vetoedUntil = clock.instant().plus(config.monitor().trapPeriod().multipliedBy(5).plusSeconds(5));
        String msg = "pre_failover hook vetoed the failover " + change.from().orElse("-") + " -> " + change.to()
                + " (exit " + r.exitCode() + (r.output().isEmpty() ? "" : ": " + r.output()) + "); asking again at "
                + vetoedUntil;
        log.error(msg);
        return Optional.of(msg);
    }

    /** Runs {@code post_failover} or {@code post_switchover}, if configured, recording the outcome in the audit. */
    void after(WriterChange change, RecoveryRecord audit, String reason, long epoch) {
        boolean switchover = change.kind() == WriterChange.Kind.SWITCHOVER;
        Optional<String> hook = switchover ? config.hooks().postSwitchover()
                : change.kind() == WriterChange.Kind.FAILOVER ? config.hooks().postFailover() : Optional.empty();
        if (hook.isEmpty()) {
            return;
        }
        String name = switchover ? "post_switchover" : "post_failover";
        long t0 = System.nanoTime();
        HookRunner.Result r = HookRunner.run(name, hook.get(), env(change, audit.id(), reason, epoch),
                config.hooks().timeout());
        audit.add(new RecoveryRecord.StepRecord("hook " + name, r.ok(), (System.nanoTime() - t0) / 1_000_000,
                "exit " + r.exitCode() + (r.output().isEmpty() ? "" : ": " + r.output())));
        if (!r.ok()) {
            audit.finish(true, audit.outcome() + "; but hook " + name + " FAILED (exit " + r.exitCode() + ")",
                    clock.instant());
            log.error("[{}] hook {} failed (exit {}): {}", audit.id(), name, r.exitCode(), r.output());
        }
    }

    private Map<String, String> env(WriterChange change, String id, String why, long epoch) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RINGMASTER_CLUSTER", config.cluster());
        env.put("RINGMASTER_KIND", change.kind().name());
        env.put("RINGMASTER_RECOVERY_ID", id);
        env.put("RINGMASTER_OLD_WRITER", change.from().orElse(""));
        env.put("RINGMASTER_NEW_WRITER", change.to());
        HostConfig to = config.host(change.to());
        env.put("RINGMASTER_NEW_WRITER_ADDRESS", to.address());
        env.put("RINGMASTER_NEW_WRITER_PORT", Integer.toString(to.port()));
        env.put("RINGMASTER_EPOCH", Long.toString(epoch));
        env.put("RINGMASTER_REASON", why);
        return env;
    }
}
