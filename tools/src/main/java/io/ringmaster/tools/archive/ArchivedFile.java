package io.ringmaster.tools.archive;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.ringmaster.core.gtid.GtidPosition;

/**
 * One archived binary log file, as the index ({@code REPO/binlog/index.json}) records it. The file is named by
 * server and GTID range ({@code S<server_id>-<binlog>-<first GTID>..<last GTID>.binlog}, or under
 * {@code live/} while it is being written), never by the server's binlog file name alone. Immutable.
 *
 * @param file         the file's path relative to {@code REPO/binlog}
 * @param host         the host it was streamed from
 * @param serverId     that host's {@code server_id}
 * @param binlog       the server's binlog file name ({@code db1-bin.000003})
 * @param session      the archiver session that streamed it (one per writer stint)
 * @param startState   the GTID state before the file (its {@code Gtid_list} event)
 * @param endState     the state after its last complete transaction
 * @param usableUntil  where the archive's history leaves this file ("" = its end): set when the next writer
 *                     never had the file's last transactions (lost in a failover), so a replay stops there
 * @param first        its first GTID, "" when it has none
 * @param last         its last complete GTID, "" when it has none
 * @param firstTime    commit time of the first transaction (ISO-8601), "" when none
 * @param lastTime     commit time of the last complete transaction, "" when none
 * @param transactions complete transactions in the file
 * @param bytes        bytes scanned so far
 * @param complete     true once the file will not grow (rotated, or its session ended)
 */
public record ArchivedFile(String file, String host, long serverId, String binlog, String session, String startState,
                           String endState, String usableUntil, String first, String last, String firstTime,
                           String lastTime, long transactions, long bytes, boolean complete) {

    /** {@link #startState} parsed. */
    @JsonIgnore
    public GtidPosition start() {
        return GtidPosition.parse(startState);
    }

    /** The end of what a replay may take from this file: {@link #endState}, cut at {@link #usableUntil}. */
    @JsonIgnore
    public GtidPosition usableEnd() {
        GtidPosition end = GtidPosition.parse(endState);
        if (usableUntil.isEmpty()) {
            return end;
        }
        GtidPosition cut = GtidPosition.parse(usableUntil);
        java.util.List<GtidPosition.Gtid> kept = new java.util.ArrayList<>();
        for (GtidPosition.Gtid g : end.gtids()) {
            GtidPosition.Gtid c = cut.gtids().stream().filter(x -> x.domain() == g.domain()).findFirst().orElse(g);
            kept.add(c.seq() < g.seq() ? c : g);
        }
        return GtidPosition.of(kept.toArray(GtidPosition.Gtid[]::new));
    }

    /** A copy with another file name. */
    public ArchivedFile withFile(String newFile, boolean nowComplete) {
        return new ArchivedFile(newFile, host, serverId, binlog, session, startState, endState, usableUntil, first,
                last, firstTime, lastTime, transactions, bytes, nowComplete);
    }

    /** A copy whose history ends at {@code until}. */
    public ArchivedFile withUsableUntil(GtidPosition until) {
        return new ArchivedFile(file, host, serverId, binlog, session, startState, endState, until.toString(), first,
                last, firstTime, lastTime, transactions, bytes, complete);
    }
}
