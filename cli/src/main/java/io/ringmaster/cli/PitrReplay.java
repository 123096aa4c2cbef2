package io.ringmaster.cli;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.tools.archive.ArchiveIndex;
import io.ringmaster.tools.archive.BinlogFind;
import io.ringmaster.tools.archive.BinlogReplay;
import io.ringmaster.tools.backup.BackupException;
import io.ringmaster.tools.backup.Manifest;
import io.ringmaster.tools.backup.Restorer;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * The point-in-time part of {@code restore ID --to HOST --until-gtid G | --until-time T}: {@link #check} refuses,
 * before the base restore touches anything, a target the archive does not cover from the backup's GTID position;
 * {@link #apply} then replays the archive onto the restored server ({@link BinlogReplay}, as the monitor account)
 * and returns the position reached. Not thread-safe; one restore.
 */
final class PitrReplay implements Restorer.BinlogReplay {
    private final RingmasterConfig config;
    private final BinlogReplay replay;
    private final BinlogReplay.Until until;

    /** @return the replay, or {@link Restorer.BinlogReplay#NONE} when neither option is given */
    static Restorer.BinlogReplay of(RingmasterConfig config, String untilGtid, String untilTime) {
        if (untilGtid != null && untilTime != null) {
            throw new CliException(2, "give at most one of --until-gtid and --until-time");
        }
        if (untilGtid == null && untilTime == null) {
            return Restorer.BinlogReplay.NONE;
        }
        BinlogReplay.Until until;
        try {
            if (untilGtid != null) {
                List<GtidPosition.Gtid> g = GtidPosition.parse(untilGtid).gtids();
                if (g.size() != 1) {
                    throw new IllegalArgumentException("'" + untilGtid + "' is not one GTID (domain-server-seq)");
                }
                until = BinlogReplay.Until.gtid(g.get(0));
            } else {
                until = BinlogReplay.Until.time(BinlogFind.parseTime(untilTime, ZoneId.systemDefault()));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(2, (untilGtid != null ? "--until-gtid: " : "--until-time: ") + e.getMessage());
        }
        return new PitrReplay(config, until);
    }

    private PitrReplay(RingmasterConfig config, BinlogReplay.Until until) {
        this.config = config;
        this.replay = new BinlogReplay(new ArchiveIndex(config.backup().requireRepository()), Duration.ofHours(6));
        this.until = until;
    }

    /** Refuses, before anything changes, a stop the archive does not cover from {@code backup}'s position. */
    void check(Manifest backup) throws BackupException {
        try {
            replay.resolve(GtidPosition.parse(backup.gtidPosition()), until);
        } catch (BinlogReplay.ReplayException e) {
            throw new BackupException(BackupException.FAILED, "restore " + backup.id() + " " + until + ": "
                    + e.getMessage() + "; nothing was changed");
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "binlog archive: " + e.getMessage());
        }
    }

    @Override
    public String apply(HostConfig target, Manifest backup, String gtid) throws BackupException, InterruptedException {
        try {
            GtidPosition from = GtidPosition.parse(gtid).union(BinlogReplay.position(target, config.monitorUser()));
            BinlogReplay.Result r = replay.replay(target, config.monitorUser(), from, until, System.err::println);
            System.err.println("restore: replayed " + r.transactions() + " transaction(s) from the archive onto "
                    + target.name() + " in " + r.elapsed().toMillis() + " ms; it is at " + r.reached() + " (last "
                    + r.last().gtid() + ", committed " + r.last().time() + ")");
            return r.reached().toString();
        } catch (BinlogReplay.ReplayException e) {
            throw new BackupException(BackupException.FAILED, "restore " + backup.id() + ": the base is restored, the "
                    + "replay " + (e.applied() ? "failed part way" : "was refused") + ": " + e.getMessage());
        } catch (IOException e) {
            throw new BackupException(BackupException.FAILED, "restore " + backup.id() + ": the base is restored, the "
                    + "replay failed: " + e.getMessage());
        }
    }
}
