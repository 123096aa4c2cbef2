package io.ringmaster.core;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.observe.ReplicaLink;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** A mutable builder of {@link HostObservation}s for tests: healthy and not replicating unless told. */
public final class Obs {
    private final String host;
    private Instant at = Instant.EPOCH;
    private boolean reachable = true;
    private boolean sqlOk = true;
    private boolean refused;
    private Boolean readOnly;
    private String error = "";
    private long domain;
    private long uptime = 1000;
    private GtidPosition pos = GtidPosition.empty();
    private HostConfig source;
    private boolean io = true;
    private boolean sql = true;
    private GtidPosition received;
    private Optional<Duration> lag = Optional.empty();

    private Obs(String host) {
        this.host = host;
    }

    public static Obs of(String host) {
        return new Obs(host);
    }

    public Obs at(Instant when) {
        this.at = when;
        return this;
    }

    /** Not reachable at all: ping and mysql fail. */
    public Obs unreachable(String why) {
        reachable = false;
        sqlOk = false;
        error = why;
        return this;
    }

    /** Answers with read_only as given (by default: read_only exactly when it replicates). */
    public Obs readOnly(boolean ro) {
        this.readOnly = ro;
        return this;
    }

    /** The server port refused the TCP connection: the server process is gone. */
    public Obs refused(String why) {
        unreachable(why);
        refused = true;
        return this;
    }

    /** Reachable, but the SQL check fails. */
    public Obs sqlFails(String why) {
        reachable = true;
        sqlOk = false;
        error = why;
        return this;
    }

    public Obs domain(long gtidDomainId) {
        this.domain = gtidDomainId;
        return this;
    }

    public Obs uptime(long seconds) {
        this.uptime = seconds;
        return this;
    }

    public Obs pos(String gtidCurrentPos) {
        this.pos = GtidPosition.parse(gtidCurrentPos);
        return this;
    }

    public Obs pos(GtidPosition gtidCurrentPos) {
        this.pos = gtidCurrentPos;
        return this;
    }

    /** Replicates from {@code src} with both threads running. */
    public Obs replicatingFrom(HostConfig src) {
        this.source = src;
        return this;
    }

    public Obs notReplicating() {
        this.source = null;
        return this;
    }

    public Obs threads(boolean ioRunning, boolean sqlRunning) {
        this.io = ioRunning;
        this.sql = sqlRunning;
        return this;
    }

    /** What the IO thread has received (Gtid_IO_Pos); defaults to the applied position. */
    public Obs received(String gtidIoPos) {
        this.received = GtidPosition.parse(gtidIoPos);
        return this;
    }

    public Obs lag(Duration l) {
        this.lag = Optional.of(l);
        return this;
    }

    public HostObservation build() {
        if (refused) {
            return HostObservation.refused(host, at, error);
        }
        if (!sqlOk) {
            return HostObservation.failed(host, at, reachable, error);
        }
        Optional<ReplicaLink> link = Optional.ofNullable(source).map(s -> new ReplicaLink(s.address(), s.port(),
                io, io ? "Yes" : "Connecting", sql, io ? 0 : 2003, io ? "" : "Can't connect", sql ? 0 : 1062,
                sql ? "" : "Duplicate entry '1' for key 'PRIMARY'", true, received == null ? pos : received,
                OptionalLong.of(lag.map(Duration::toSeconds).orElse(0L))));
        return new HostObservation(host, at, true, true, "", readOnly == null ? source != null : readOnly,
                100 + host.hashCode() % 100, domain,
                uptime, pos, pos, link, lag, false);
    }
}
