package io.ringmaster.tools.archive;

import io.ringmaster.core.gtid.GtidPosition;
import io.ringmaster.core.gtid.GtidPosition.Gtid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The archive's files in the order they were streamed, and what follows from them alone: the range covered per
 * GTID domain, the gaps, and which files (and which part of each) a replay from a position to a position needs.
 * A gap in domain d between two files: the later file's state before it ({@code Gtid_list}) is past what the
 * earlier ones reached, so transactions in between are in no file. Pure; immutable; thread-safe.
 */
public final class ArchiveChain {
    private final List<ArchivedFile> files;

    /** A range of one domain, {@code fromSeq..toSeq} inclusive. */
    public record Range(long domain, long fromSeq, long toSeq) {
        @Override
        public String toString() {
            return "domain " + domain + " seq " + fromSeq + ".." + toSeq;
        }
    }

    /** A gap: transactions {@code fromSeq..toSeq} of a domain are in no file; {@code before} is the next file. */
    public record Gap(long domain, long fromSeq, long toSeq, String before) {
        @Override
        public String toString() {
            return "domain " + domain + " seq " + fromSeq + ".." + toSeq + " missing before " + before;
        }
    }

    /**
     * One invocation of {@code mariadb-binlog} of a replay: a file, the exclusive start and inclusive stop
     * positions, and the domains to ignore (present in the file, nothing to take from them).
     */
    public record Step(ArchivedFile file, GtidPosition start, GtidPosition stop, Set<Long> ignoreDomains) {}

    public ArchiveChain(List<ArchivedFile> files) {
        this.files = List.copyOf(files);
    }

    /** The files, in streaming order. */
    public List<ArchivedFile> files() {
        return files;
    }

    /** The state the archive reaches: the per-domain maximum of every file's usable end. */
    public GtidPosition end() {
        GtidPosition end = GtidPosition.empty();
        for (ArchivedFile f : files) {
            end = end.union(f.usableEnd());
        }
        return end;
    }

    /** Per domain, the range of sequence numbers the archive holds (first transaction after the state before it). */
    public Map<Long, Range> covered() {
        Map<Long, Long> begin = new TreeMap<>();
        Map<Long, Range> out = new LinkedHashMap<>();
        for (ArchivedFile f : files) {
            GtidPosition s = f.start();
            for (Gtid g : f.usableEnd().gtids()) {
                begin.putIfAbsent(g.domain(), s.seq(g.domain()) + 1);
            }
        }
        GtidPosition end = end();
        begin.forEach((d, b) -> {
            if (end.seq(d) >= b) {
                out.put(d, new Range(d, b, end.seq(d)));
            }
        });
        return out;
    }

    /** The covered range on one line, e.g. {@code domain 1 seq 1..500, domain 2 seq 501..620}; "empty". */
    public String describeCovered() {
        Map<Long, Range> c = covered();
        return c.isEmpty() ? "empty" : String.join(", ", c.values().stream().map(Range::toString).toList());
    }

    /** Every gap, in streaming order; empty when the archive is continuous. */
    public List<Gap> gaps() {
        List<Gap> gaps = new ArrayList<>();
        GtidPosition reached = GtidPosition.empty();
        Set<Long> seen = new TreeSet<>();
        for (ArchivedFile f : files) {
            GtidPosition s = f.start();
            for (Gtid g : s.gtids()) {
                if (seen.contains(g.domain()) && g.seq() > reached.seq(g.domain())) {
                    gaps.add(new Gap(g.domain(), reached.seq(g.domain()) + 1, g.seq(), f.file()));
                }
            }
            reached = reached.union(f.usableEnd());
            seen.addAll(f.usableEnd().domains());
        }
        return gaps;
    }

    /**
     * The steps that take a server at {@code from} to exactly {@code stop} (every domain of {@code stop}).
     *
     * @throws NotCoveredException when the archive lacks part of the way, naming the covered range
     */
    public List<Step> plan(GtidPosition from, GtidPosition stop) throws NotCoveredException {
        if (from.contains(stop)) {
            throw new NotCoveredException("the target is already at or past " + stop + " (it is at " + from + ")");
        }
        List<Step> steps = new ArrayList<>();
        GtidPosition applied = from;
        for (ArchivedFile f : files) {
            GtidPosition end = f.usableEnd();
            GtidPosition start = f.start();
            List<Gtid> startList = new ArrayList<>();
            List<Gtid> stopList = new ArrayList<>();
            Set<Long> ignore = new TreeSet<>();
            for (Gtid e : end.gtids()) {
                long d = e.domain();
                long want = stop.seq(d);
                boolean hasEvents = e.seq() > start.seq(d);
                if (!hasEvents) {
                    continue;
                }
                if (want <= applied.seq(d) || e.seq() <= applied.seq(d)) {
                    ignore.add(d);
                    continue;
                }
                if (start.seq(d) > applied.seq(d)) {
                    throw new NotCoveredException("the archive has no transactions of domain " + d + " from seq "
                            + (applied.seq(d) + 1) + " to " + start.seq(d) + " (covered: " + describeCovered() + ")");
                }
                applied.gtids().stream().filter(g -> g.domain() == d).findFirst().ifPresent(startList::add);
                Gtid to = want <= e.seq() ? stop.gtids().stream().filter(g -> g.domain() == d).findFirst().orElseThrow()
                        : e;
                stopList.add(to);
            }
            if (stopList.isEmpty()) {
                continue;
            }
            GtidPosition stepStop = GtidPosition.of(stopList.toArray(Gtid[]::new));
            steps.add(new Step(f, GtidPosition.of(startList.toArray(Gtid[]::new)), stepStop, ignore));
            applied = applied.union(stepStop);
        }
        if (!applied.contains(stop)) {
            throw new NotCoveredException("the archive does not cover " + stop + " from " + from + " (covered: "
                    + describeCovered() + ")");
        }
        return steps;
    }

    /** A replay target outside what the archive holds. */
    public static final class NotCoveredException extends Exception {
        public NotCoveredException(String message) {
            super(message);
        }
    }
}
