package io.ringmaster.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The monitor's scheduled table checksum ({@code checksum:} in the configuration): how often it runs and which
 * schemas it covers. Drift it finds is reported as a finding in {@code show} and the API.
 *
 * @param every     time between the end of one run and the start of the next; zero disables the schedule
 * @param databases schemas to check; empty means every schema but the system ones
 */
public record ChecksumSchedule(Duration every, List<String> databases) {
    public ChecksumSchedule {
        Objects.requireNonNull(every, "every");
        databases = List.copyOf(databases);
    }

    /** No scheduled checksum. */
    public static ChecksumSchedule off() {
        return new ChecksumSchedule(Duration.ZERO, List.of());
    }

    /** True when the monitor should run checksums. */
    public boolean enabled() {
        return !every.isZero();
    }
}
