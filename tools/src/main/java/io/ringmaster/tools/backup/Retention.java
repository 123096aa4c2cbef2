package io.ringmaster.tools.backup;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which backups retention keeps and which it deletes, and whether one may be deleted by hand: pure functions of
 * the manifests, table-tested. Stateless.
 *
 * <p>Kept: of the full (and logical) backups, the newest of each of the last {@code daily} days that have one, of
 * each of the last {@code weekly} ISO weeks and of each of the last {@code monthly} months (UTC, like restic's
 * keep-daily/weekly/monthly); always the newest full backup and the newest verified full backup; every
 * incremental whose base is kept (a restore to it needs them all); and every parent of a kept backup.
 */
public final class Retention {
    private Retention() {}

    /**
     * Why {@code m} may not be deleted, or empty: an incremental builds on it, or it is the last verified full
     * backup.
     *
     * @param all every backup of the repository
     */
    public static Optional<String> deletionRefusal(List<Manifest> all, Manifest m) {
        List<String> children = all.stream().filter(b -> m.id().equals(b.parent())).map(Manifest::id).toList();
        if (!children.isEmpty()) {
            return Optional.of("refused: backup " + m.id() + " is the parent of " + String.join(", ", children)
                    + " (an incremental needs it to be restored); delete " + (children.size() == 1 ? "it" : "them")
                    + " first");
        }
        if (m.isFull() && m.verification().ok()
                && all.stream().filter(b -> b.isFull() && b.verification().ok()).count() == 1) {
            return Optional.of("refused: backup " + m.id() + " is the last verified full backup; verify a newer one "
                    + "first (ringmaster backup verify ID)");
        }
        return Optional.empty();
    }

    /**
     * The backups retention deletes, children before their parents.
     *
     * @param all every backup, any order
     */
    public static List<Manifest> toDelete(List<Manifest> all, int daily, int weekly, int monthly) {
        Map<String, Manifest> byId = all.stream().collect(Collectors.toMap(Manifest::id, Function.identity()));
        List<Manifest> bases = all.stream().filter(b -> !b.isIncremental())
                .sorted((a, b) -> b.started().compareTo(a.started())).toList();
        Set<String> keep = new LinkedHashSet<>();
        keepNewestPer(bases, daily, m -> day(m).toLocalDate().toString(), keep);
        keepNewestPer(bases, weekly, m -> day(m).get(IsoFields.WEEK_BASED_YEAR) + "-W"
                + day(m).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), keep);
        keepNewestPer(bases, monthly, m -> day(m).getYear() + "-" + day(m).getMonthValue(), keep);
        bases.stream().filter(Manifest::isFull).findFirst().ifPresent(m -> keep.add(m.id()));
        bases.stream().filter(m -> m.isFull() && m.verification().ok()).findFirst().ifPresent(m -> keep.add(m.id()));
        for (Manifest b : all) {
            if (b.isIncremental() && base(b, byId).map(keep::contains).orElse(true)) {
                keep.add(b.id());
            }
        }
        // every parent of a kept backup (an incremental whose base is gone is kept above, its parents with it)
        for (String id : new ArrayList<>(keep)) {
            Manifest at = byId.get(id);
            Set<String> seen = new HashSet<>();
            while (at != null && at.parent() != null && seen.add(at.id())) {
                keep.add(at.parent());
                at = byId.get(at.parent());
            }
        }
        return all.stream().filter(b -> !keep.contains(b.id()))
                .sorted((a, b) -> b.started().compareTo(a.started())).toList();
    }

    private static void keepNewestPer(List<Manifest> newestFirst, int n, Function<Manifest, String> bucket,
                                      Set<String> keep) {
        Set<String> seen = new HashSet<>();
        for (Manifest m : newestFirst) {
            if (seen.size() >= n) {
                return;
            }
            if (seen.add(bucket.apply(m))) {
                keep.add(m.id());
            }
        }
    }

    private static ZonedDateTime day(Manifest m) {
        return m.started().atZone(ZoneOffset.UTC);
    }

    /** The base id of an incremental's chain, or empty when a parent is missing. */
    private static Optional<String> base(Manifest m, Map<String, Manifest> byId) {
        Manifest at = m;
        Set<String> seen = new HashSet<>();
        while (at.isIncremental()) {
            if (!seen.add(at.id()) || at.parent() == null) {
                return Optional.empty();
            }
            at = byId.get(at.parent());
            if (at == null) {
                return Optional.empty();
            }
        }
        return Optional.of(at.id());
    }
}
