package io.ringmaster.monitor;

import io.ringmaster.core.plan.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injection hook for the integration tests, off by default: the system property
 * {@code ringmaster.fault.haltAfterStep}, read once when this class loads, names a step boundary of the next
 * registered change (a failover, switchover...) at which the monitor's JVM halts at once ({@link Runtime#halt}, as a
 * SIGKILL would: no shutdown hooks, nothing flushed): {@code registered} halts right after the change was registered,
 * before its first step; a number {@code N} halts right after step {@code N} (0-based index into the plan) ran and,
 * when it succeeded, was recorded done. Any other value is refused at start. Thread-safe.
 */
final class FaultInjection {
    private static final Logger log = LoggerFactory.getLogger(FaultInjection.class);
    /** The system property. */
    static final String PROPERTY = "ringmaster.fault.haltAfterStep";
    /** -2: off; -1: after the registration; N: after step N. */
    private static final int HALT_AT = parse(System.getProperty(PROPERTY));
    /** Exit status of the halted JVM, so a test can tell the injected halt from a crash. */
    static final int HALT_STATUS = 86;

    private FaultInjection() {}

    private static int parse(String value) {
        if (value == null || value.isBlank()) {
            return -2;
        }
        if (value.equals("registered")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(PROPERTY + " must be 'registered' or a step index >= 0, not '" + value
                + "'");
    }

    /** Logs, loudly, when a halt is armed (the monitor calls it at start). */
    static void logIfArmed() {
        if (HALT_AT != -2) {
            log.warn("fault injection armed ({}={}): this monitor halts in its next change", PROPERTY,
                    System.getProperty(PROPERTY));
        }
    }

    /** Called once the change is registered, before its first step. */
    static void afterRegistration(String id) {
        if (HALT_AT == -1) {
            halt(id, "after the registration");
        }
    }

    /** Called once step {@code index} ran (and was recorded done when it succeeded). */
    static void afterStep(String id, int index, Step step) {
        if (HALT_AT == index) {
            halt(id, "after step " + index + " (" + step.describe() + ")");
        }
    }

    private static void halt(String id, String where) {
        log.error("[{}] fault injection ({}): halting the monitor {}", id, PROPERTY, where);
        System.err.println("ringmaster fault injection: halting [" + id + "] " + where);
        System.err.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
