package io.ringmaster.tools.archive;

import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.gtid.GtidPosition.Gtid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a point-in-time recovery stops, found in the archive: the full GTID state of the archived stream right
 * after a transaction (every domain, so that "up to G" also takes the other domains' transactions streamed before
 * G). Until a GTID: the state after G's own transaction (G included). Until a time T: the state after the last
 * transaction, in streaming order, whose commit time (its last event's timestamp, whole seconds, UTC) is at or
 * before T. Reads the files with {@link BinlogScanner}. Immutable result; stateless.
 *
 * @param state the state to stop at
 * @param gtid  the last transaction applied
 * @param time  its commit time
 */
public record StopPoint(GtidPosition state, Gtid gtid, Instant time) {

    /**
     * The state right after {@code g}.
     *
     * @throws ArchiveChain.NotCoveredException when no archived file holds {@code g} (naming the covered range)
     */
    public static StopPoint atGtid(ArchiveChain chain, Path dir, BinlogScanner scanner, Gtid g)
            throws IOException, ArchiveChain.NotCoveredException {
        for (ArchivedFile f : chain.files()) {
            if (f.start().seq(g.domain()) >= g.seq() || f.usableEnd().seq(g.domain()) < g.seq()) {
                continue;
            }
            GtidPosition state = f.start();
            for (BinlogTransaction t : scanner.scan(dir.resolve(f.file()), 4, false).transactions()) {
                if (!t.complete()) {
                    break;
                }
                state = state.union(GtidPosition.of(t.gtid()));
                if (t.gtid().domain() == g.domain() && t.gtid().seq() == g.seq()) {
                    if (t.gtid().serverId() != g.serverId()) {
                        throw new ArchiveChain.NotCoveredException("GTID " + g + " is not in the archive: it holds "
                                + t.gtid() + " at that sequence number");
                    }
                    return new StopPoint(state, t.gtid(), t.committed());
                }
            }
        }
        throw new ArchiveChain.NotCoveredException("GTID " + g + " is not in the archive (covered: "
                + chain.describeCovered() + ")");
    }

    /**
     * The state after the last transaction committed at or before {@code until}.
     *
     * @param currentUntil the archive is known complete up to this instant (the archiver's last report); a later
     *                     {@code until} is refused, since transactions committed since may be missing
     * @throws ArchiveChain.NotCoveredException when {@code until} is before the archive's first transaction or
     *                                          after what it is known to hold
     */
    public static StopPoint atTime(ArchiveChain chain, Path dir, BinlogScanner scanner, Instant until,
                                   Optional<Instant> currentUntil) throws IOException, ArchiveChain.NotCoveredException {
        List<ArchivedFile> files = chain.files().stream().filter(f -> !f.firstTime().isEmpty()).toList();
        if (files.isEmpty()) {
            throw new ArchiveChain.NotCoveredException("the archive holds no transaction yet");
        }
        Instant last = files.stream().map(f -> Instant.parse(f.lastTime())).max(Instant::compareTo).orElseThrow();
        Instant known = currentUntil.filter(c -> c.isAfter(last)).orElse(last);
        if (until.isAfter(known)) {
            throw new ArchiveChain.NotCoveredException("time " + until + " is after what the archive is known to hold"
                    + " (up to " + known + "; covered: " + chain.describeCovered() + ")");
        }
        StopPoint found = null;
        for (ArchivedFile f : files) {
            if (Instant.parse(f.firstTime()).isAfter(until)) {
                continue;
            }
            GtidPosition state = f.start();
            GtidPosition end = f.usableEnd();
            for (BinlogTransaction t : scanner.scan(dir.resolve(f.file()), 4, false).transactions()) {
                if (!t.complete() || t.gtid().seq() > end.seq(t.gtid().domain())) {
                    break;
                }
                state = state.union(GtidPosition.of(t.gtid()));
                if (!t.committed().isAfter(until)) {
                    found = new StopPoint(state, t.gtid(), t.committed());
                }
            }
        }
        if (found == null) {
            throw new ArchiveChain.NotCoveredException("no archived transaction committed at or before " + until
                    + " (first: " + files.get(0).firstTime() + "; covered: " + chain.describeCovered() + ")");
        }
        return found;
    }
}
