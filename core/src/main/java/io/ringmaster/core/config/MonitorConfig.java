package io.ringmaster.core.config;

import io.ringmaster.core.model.MonitorMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the monitor watches and acts. All durations are positive unless said otherwise.
 *
 * @param listenAddress   HTTP API address (default 127.0.0.1)
 * @param listenPort      HTTP API port (default 9988, MMM's monitor port)
 * @param checkPeriod     time between two rounds of checks (default 1 s)
 * @param trapPeriod      how long a check must fail without a break before it counts (default 3 s)
 * @param checkTimeout    bound on one check of one host: connect plus query (default 1 s)
 * @param maxBacklog      largest replication lag that still counts as healthy (default 10 s)
 * @param catchUpTimeout  bound on waiting for a new writer to apply its relay log (default 30 s)
 * @param actionTimeout   bound on one SQL action during a role change (default 5 s)
 * @param autoSetOnline   how long a recovered host waits in AWAITING_RECOVERY before it is set ONLINE by itself;
 *                        {@link Duration#ZERO} means never (an operator runs {@code set-online})
 * @param flapCount       falls from ONLINE within {@code flapDuration} beyond which the host is flapping (MMM: 3)
 * @param flapDuration    window for counting falls (MMM: 3600 s)
 * @param startMode       mode the monitor starts in when the state file has none
 * @param stateFile       where the monitor keeps its state, resolved against the config file's folder
 * @param heartbeatSchema schema holding the heartbeat table the monitor writes on the writer
 * @param api             the API's token and TLS ({@code api_token}, {@code tls_cert}, {@code tls_key}, {@code tls_ca})
 * @param lintPeriod      how often the monitor runs {@code ringmaster lint}'s checks and reports violations as
 *                        findings ({@code lint_period}, default {@link #DEFAULT_LINT_PERIOD}); zero turns it off
 */
public record MonitorConfig(
        String listenAddress,
        int listenPort,
        Duration checkPeriod,
        Duration trapPeriod,
        Duration checkTimeout,
        Duration maxBacklog,
        Duration catchUpTimeout,
        Duration actionTimeout,
        Duration autoSetOnline,
        int flapCount,
        Duration flapDuration,
        MonitorMode startMode,
        Path stateFile,
        String heartbeatSchema,
        ApiAccess api,
        Duration lintPeriod) {

    /** Default {@link #lintPeriod}: every 5 minutes. */
    public static final Duration DEFAULT_LINT_PERIOD = Duration.ofMinutes(5);

    /** Settings with the default lint period. */
    public MonitorConfig(String listenAddress, int listenPort, Duration checkPeriod, Duration trapPeriod,
                         Duration checkTimeout, Duration maxBacklog, Duration catchUpTimeout, Duration actionTimeout,
                         Duration autoSetOnline, int flapCount, Duration flapDuration, MonitorMode startMode,
                         Path stateFile, String heartbeatSchema, ApiAccess api) {
        this(listenAddress, listenPort, checkPeriod, trapPeriod, checkTimeout, maxBacklog, catchUpTimeout,
                actionTimeout, autoSetOnline, flapCount, flapDuration, startMode, stateFile, heartbeatSchema, api,
                DEFAULT_LINT_PERIOD);
    }

    /** Settings with no API token and plain HTTP ({@link ApiAccess#open()}). */
    public MonitorConfig(String listenAddress, int listenPort, Duration checkPeriod, Duration trapPeriod,
                         Duration checkTimeout, Duration maxBacklog, Duration catchUpTimeout, Duration actionTimeout,
                         Duration autoSetOnline, int flapCount, Duration flapDuration, MonitorMode startMode,
                         Path stateFile, String heartbeatSchema) {
        this(listenAddress, listenPort, checkPeriod, trapPeriod, checkTimeout, maxBacklog, catchUpTimeout,
                actionTimeout, autoSetOnline, flapCount, flapDuration, startMode, stateFile, heartbeatSchema,
                ApiAccess.open());
    }

    public MonitorConfig {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(lintPeriod, "lintPeriod");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(checkPeriod, "checkPeriod");
        Objects.requireNonNull(trapPeriod, "trapPeriod");
        Objects.requireNonNull(checkTimeout, "checkTimeout");
        Objects.requireNonNull(maxBacklog, "maxBacklog");
        Objects.requireNonNull(catchUpTimeout, "catchUpTimeout");
        Objects.requireNonNull(actionTimeout, "actionTimeout");
        Objects.requireNonNull(autoSetOnline, "autoSetOnline");
        Objects.requireNonNull(flapDuration, "flapDuration");
        Objects.requireNonNull(startMode, "startMode");
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(heartbeatSchema, "heartbeatSchema");
    }
}
