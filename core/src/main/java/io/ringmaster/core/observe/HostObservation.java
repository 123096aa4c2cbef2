package io.ringmaster.core.observe;

import io.ringmaster.core.gtid.GtidPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one round of checks learned about one host. Produced by the probes, consumed by the pure decision
 * code. When {@code sqlOk} is false, every field after it holds its "unknown" value.
 *
 * @param host          host name from configuration
 * @param at            when the probe finished
 * @param reachable     ping: a TCP connection to the server port succeeded in time
 * @param sqlOk         mysql: logged in and ran the status queries in time
 * @param error         why ping or mysql failed; "" when both passed
 * @param readOnly      {@code @@read_only}
 * @param serverId      {@code @@server_id}
 * @param gtidDomainId  {@code @@gtid_domain_id}
 * @param uptimeSeconds status Uptime, s
 * @param binlogPos     {@code @@gtid_binlog_pos}
 * @param currentPos    {@code @@gtid_current_pos}: the most recent GTID applied or written per domain
 * @param replication   the default replication connection, empty when none is configured
 * @param lag           replication lag measured with the heartbeat table, empty when unknown
 * @param refused       the TCP connect to the server port was refused (RST): the host is up and nothing listens,
 *                      so the server process is gone. Strong evidence, unlike a timeout, which a slow or frozen
 *                      server or a lossy network gives alike. Always false when {@code reachable}.
 */
public record HostObservation(
        String host,
        Instant at,
        boolean reachable,
        boolean sqlOk,
        String error,
        boolean readOnly,
        long serverId,
        long gtidDomainId,
        long uptimeSeconds,
        GtidPosition binlogPos,
        GtidPosition currentPos,
        Optional<ReplicaLink> replication,
        Optional<Duration> lag,
        boolean refused) {

    public HostObservation {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(binlogPos, "binlogPos");
        Objects.requireNonNull(currentPos, "currentPos");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(lag, "lag");
        if (refused && reachable) {
            throw new IllegalArgumentException("a refused host is not reachable");
        }
    }

    /** An observation of a host that could not be reached or queried. */
    public static HostObservation failed(String host, Instant at, boolean reachable, String error) {
        return new HostObservation(host, at, reachable, false, error, false, 0, 0, 0, GtidPosition.empty(),
                GtidPosition.empty(), Optional.empty(), Optional.empty(), false);
    }

    /** An observation of a host whose server port refused the TCP connection: the server process is gone. */
    public static HostObservation refused(String host, Instant at, String error) {
        return new HostObservation(host, at, false, false, error, false, 0, 0, 0, GtidPosition.empty(),
                GtidPosition.empty(), Optional.empty(), Optional.empty(), true);
    }

    /** The same observation with the lag measured separately (the heartbeat is read after the status). */
    public HostObservation withLag(Optional<Duration> newLag) {
        return new HostObservation(host, at, reachable, sqlOk, error, readOnly, serverId, gtidDomainId,
                uptimeSeconds, binlogPos, currentPos, replication, newLag, refused);
    }
}
