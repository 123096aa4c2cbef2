package io.ringmaster.tools.mmm;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.Durations;
import io.ringmaster.core.config.MonitorConfig;
import io.ringmaster.tools.mmm.MmmDocument.Entry;
import io.ringmaster.tools.mmm.MmmDocument.Section;
import io.ringmaster.tools.mmm.MmmNote.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps MMM's {@code <check NAME>} sections onto Ringmaster's single set of probe timings.
 *
 * <p>MMM ran four checks (ping, mysql, rep_threads, rep_backlog), each with its own {@code check_period},
 * {@code trap_period} and {@code timeout}; Ringmaster runs one probe per host per round, which does what MMM's ping
 * and mysql checks did together. So the timings are taken from the {@code mysql} check (after {@code <check
 * default>}), and {@code max_backlog} from {@code rep_backlog}; a check that says otherwise gets a note. A timing
 * set nowhere in the MMM files is not written, so Ringmaster's default applies, and one note lists where those
 * differ from MMM's. Values are MMM's seconds. Stateless.
 */
final class MmmChecks {
    /** MMM 2.2's defaults, in seconds. */
    private static final Map<String, Integer> MMM_DEFAULTS = Map.of(
            "check_period", 5, "trap_period", 10, "timeout", 2, "max_backlog", 60);
    private static final List<String> TIMINGS = List.of("check_period", "trap_period", "timeout");

    private MmmChecks() {}

    /**
     * Adds {@code check_period}, {@code trap_period}, {@code timeout} and {@code max_backlog} to the monitor keys
     * when the MMM files set them, and notes to the converter.
     *
     * @param out monitor keys to YAML scalars, added to
     * @throws MmmConfigException when a value is not a number of seconds, or is zero where Ringmaster needs more
     */
    static void map(MmmDocument doc, MmmConverter converter, Map<String, String> out) {
        Map<String, Section> checks = doc.sections("check");
        Section template = checks.get(MmmSchema.TEMPLATE);
        List<String> unset = new ArrayList<>();
        Set<Entry> noted = new HashSet<>();
        for (String key : TIMINGS) {
            map(key, "mysql", checks, template, converter, out, unset, noted);
        }
        map("max_backlog", "rep_backlog", checks, template, converter, out, unset, noted);
        if (!unset.isEmpty()) {
            converter.note(converter.firstFile(), 0, "checks", Kind.NOTE, "not set in the MMM files, so Ringmaster's "
                    + "defaults apply rather than MMM's: " + String.join(", ", unset));
        }
    }

    private static void map(String key, String source, Map<String, Section> checks, Section template,
                            MmmConverter converter, Map<String, String> out, List<String> unset, Set<Entry> noted) {
        boolean positive = !key.equals("trap_period");
        boolean setAnywhere = checks.values().stream().anyMatch(s -> s.get(key) != null);
        if (!setAnywhere) {
            unset.add(key + " " + Durations.format(ringmasterDefault(key)) + " (MMM " + MMM_DEFAULTS.get(key) + "s)");
            return;
        }
        Entry chosen = MmmConverter.effective(checks.get(source), template).get(key);
        Duration value = chosen == null ? Duration.ofSeconds(MMM_DEFAULTS.get(key))
                : converter.seconds(chosen, positive);
        out.put(key, Durations.format(value));
        for (String other : MmmSchema.CHECKS) {
            if (other.equals(source)) {
                continue;
            }
            Section s = checks.get(other);
            Entry e = key.equals("max_backlog")
                    ? (s == null ? null : s.get(key))
                    : MmmConverter.effective(s, template).get(key);
            if (e == null || e == chosen || !noted.add(e)) {
                continue;
            }
            Duration d = converter.seconds(e, positive);
            if (key.equals("max_backlog")) {
                converter.note(e.file(), e.line(), key, Kind.UNMAPPED, "only the rep_backlog check uses max_backlog");
            } else if (!d.equals(value)) {
                String where = template != null && template.get(key) == e ? "<check default>" : "the " + other
                        + " check";
                converter.note(e.file(), e.line(), key, Kind.UNMAPPED, "Ringmaster has one probe timing for all "
                        + "checks: the mysql check's " + Durations.format(value) + " is used, not the "
                        + Durations.format(d) + " of " + where);
            }
        }
    }

    /** Ringmaster's default for a timing, read from {@link ConfigLoader} itself so the two cannot drift apart. */
    private static Duration ringmasterDefault(String key) {
        MonitorConfig m = Defaults.MONITOR;
        return switch (key) {
            case "check_period" -> m.checkPeriod();
            case "trap_period" -> m.trapPeriod();
            case "timeout" -> m.checkTimeout();
            case "max_backlog" -> m.maxBacklog();
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** Holder so that the defaults are read once, on first use. */
    private static final class Defaults {
        static final MonitorConfig MONITOR = ConfigLoader.parse("""
                credentials:
                  monitor: {user: m}
                  replication: {user: r}
                hosts:
                  - {name: a, address: a}
                """, "defaults", Path.of("."), null, name -> null).monitor();
    }
}
