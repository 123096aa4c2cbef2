package io.ringmaster.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Operator commands run around writer changes ({@code hooks:} in the configuration), each as {@code /bin/sh -c}
 * with the change's details in {@code RINGMASTER_*} environment variables.
 *
 * @param preFailover    runs before an automatic failover; a non-zero exit vetoes it
 * @param postFailover   runs after a failover; a non-zero exit is reported as a failure
 * @param postSwitchover runs after a switchover; a non-zero exit is reported as a failure
 * @param timeout        bound on each hook; a hook that runs out is killed and counts as failed
 */
public record HooksConfig(Optional<String> preFailover, Optional<String> postFailover,
                          Optional<String> postSwitchover, Duration timeout) {
    public HooksConfig {
        Objects.requireNonNull(preFailover, "preFailover");
        Objects.requireNonNull(postFailover, "postFailover");
        Objects.requireNonNull(postSwitchover, "postSwitchover");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** No hooks. */
    public static HooksConfig none() {
        return new HooksConfig(Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(10));
    }
}
