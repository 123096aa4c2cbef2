package io.ringmaster.core.observe;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@code SHOW SLAVE STATUS} said about a host's replication from its master (the default connection).
 *
 * @param sourceHost        Master_Host, never null
 * @param sourcePort        Master_Port
 * @param ioRunning         Slave_IO_Running is {@code Yes}
 * @param ioState           Slave_IO_Running as reported: Yes, Connecting or No
 * @param sqlRunning        Slave_SQL_Running is {@code Yes}
 * @param lastIoErrno       Last_IO_Errno, 0 when none
 * @param lastIoError       Last_IO_Error, "" when none
 * @param lastSqlErrno      Last_SQL_Errno, 0 when none
 * @param lastSqlError      Last_SQL_Error, "" when none
 * @param usingGtid         Using_Gtid is Slave_Pos or Current_Pos
 * @param gtidIoPos         Gtid_IO_Pos: what the IO thread has received into the relay log
 * @param secondsBehindMaster Seconds_Behind_Master; empty when NULL (never trusted alone)
 */
public record ReplicaLink(
        String sourceHost,
        int sourcePort,
        boolean ioRunning,
        String ioState,
        boolean sqlRunning,
        int lastIoErrno,
        String lastIoError,
        int lastSqlErrno,
        String lastSqlError,
        boolean usingGtid,
        GtidPosition gtidIoPos,
        OptionalLong secondsBehindMaster) {

    public ReplicaLink {
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(ioState, "ioState");
        Objects.requireNonNull(lastIoError, "lastIoError");
        Objects.requireNonNull(lastSqlError, "lastSqlError");
        Objects.requireNonNull(gtidIoPos, "gtidIoPos");
        Objects.requireNonNull(secondsBehindMaster, "secondsBehindMaster");
    }

    /** Both replication threads run. */
    public boolean threadsRunning() {
        return ioRunning && sqlRunning;
    }

    /** True when this link reads from {@code host:port}. */
    public boolean readsFrom(String host, int port) {
        return sourcePort == port && sourceHost.equalsIgnoreCase(host);
    }

    /** A one-line account of a thread problem, or "" when both threads run. */
    public String problem() {
        if (threadsRunning()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (!ioRunning) {
            b.append("IO thread ").append(ioState);
            if (lastIoErrno != 0) {
                b.append(" (").append(lastIoErrno).append(": ").append(lastIoError).append(')');
            }
        }
        if (!sqlRunning) {
            if (!b.isEmpty()) {
                b.append("; ");
            }
            b.append("SQL thread stopped");
            if (lastSqlErrno != 0) {
                b.append(" (").append(lastSqlErrno).append(": ").append(lastSqlError).append(')');
            }
        }
        return b.toString();
    }
}
