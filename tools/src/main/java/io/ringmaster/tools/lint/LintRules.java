package io.ringmaster.tools.lint;

import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of {@code ringmaster lint}: a pure function of the configuration and what was read from each host
 * ({@link HostFacts}) to the violations, each with the exact fix. The gotchas are those users of MMM, orchestrator and
 * MHA keep hitting (shared/DESIGN.md "What the people who run these topologies fight with"); the fixes agree with what
 * {@code ringmaster bootstrap} sets. Stateless, thread-safe.
 */
public final class LintRules {
    /** The {@code slave_net_timeout} bootstrap sets, s (Bootstrap.NET_TIMEOUT_SECONDS); longer is reported. */
    public static final int NET_TIMEOUT_SECONDS = 4;
    /** A semi-sync timeout shorter than this falls back to async on any hiccup, ms. */
    public static final long MIN_SEMI_SYNC_TIMEOUT_MS = 1000;
    /** Clocks further apart than this are reported, ms. */
    public static final double MAX_CLOCK_SKEW_MS = 1000;
    /** Tables named in one finding at most. */
    static final int MAX_TABLES_LISTED = 10;
    private static final List<String> FILTERS = List.of("replicate_do_db", "replicate_ignore_db",
            "replicate_do_table", "replicate_ignore_table", "replicate_wild_do_table", "replicate_wild_ignore_table");
    private static final Pattern VERSION = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)");

    private LintRules() {}

    /**
     * Every violation.
     *
     * @param config the topology (which hosts are masters, which replicate from which)
     * @param facts  by host name; a host missing here is reported as unreachable
     * @param writer the writer when known (the monitor's); empty: the one master with read_only OFF, the writer role's
     *               preferred host among several
     * @return the violations, host by host in configuration order, never null
     */
    public static List<LintFinding> check(RingmasterConfig config, Map<String, HostFacts> facts,
                                          Optional<String> writer) {
        List<LintFinding> out = new ArrayList<>();
        Map<String, HostFacts> read = new LinkedHashMap<>();
        for (HostConfig h : config.hosts()) {
            HostFacts f = facts.get(h.name());
            if (f == null || f.error().isPresent()) {
                out.add(new LintFinding(h.name(), LintCheck.UNREACHABLE, f == null ? "not read"
                        : f.error().get(), "make " + h.endpoint() + " answer the monitor account "
                        + config.monitorUser().user() + " (ringmaster config check), then lint again"));
            } else {
                read.put(h.name(), f);
            }
        }
        String w = writer.filter(read::containsKey).orElseGet(() -> guessWriter(config, read).orElse(""));
        serverIds(config, read, out);
        masters(config, read, out);
        for (HostConfig h : config.hosts()) {
            HostFacts f = read.get(h.name());
            if (f != null) {
                host(config, h, f, h.name().equals(w), out);
            }
        }
        versions(read, w, out);
        clocks(read, out);
        List<LintFinding> sorted = new ArrayList<>();
        for (HostConfig h : config.hosts()) {
            out.stream().filter(x -> x.host().equals(h.name())).forEach(sorted::add);
        }
        return sorted;
    }

    /** The one master with read_only OFF; among several the writer role's preferred host, else the first. */
    static Optional<String> guessWriter(RingmasterConfig config, Map<String, HostFacts> read) {
        List<String> writable = config.masters().stream().map(HostConfig::name)
                .filter(n -> read.containsKey(n) && !read.get(n).on("read_only")).toList();
        Optional<String> prefer = config.writerRole().flatMap(RoleConfig::prefer).filter(writable::contains);
        return prefer.isPresent() ? prefer : writable.stream().findFirst();
    }

    private static void serverIds(RingmasterConfig config, Map<String, HostFacts> read, List<LintFinding> out) {
        Map<Long, String> seen = new HashMap<>();
        long max = read.values().stream().mapToLong(f -> f.number("server_id", 0)).max().orElse(0);
        int i = 0;
        for (HostConfig h : config.hosts()) {
            HostFacts f = read.get(h.name());
            i++;
            if (f == null) {
                continue;
            }
            long id = f.number("server_id", 0);
            String other = seen.putIfAbsent(id, h.name());
            if (id == 0 || other != null) {
                long free = max + i;
                out.add(new LintFinding(h.name(), LintCheck.SERVER_ID, "server_id " + id + (id == 0 ? " (a server "
                        + "with server_id 0 refuses to replicate)" : " is also " + other + "'s: replication between "
                        + "them skips each other's events"), "SET GLOBAL server_id = " + free + "; add 'server_id = "
                        + free + "' under [mysqld] of " + h.name()));
            }
        }
    }

    private static void masters(RingmasterConfig config, Map<String, HostFacts> read, List<LintFinding> out) {
        List<HostConfig> masters = config.masters();
        Map<Long, String> domains = new HashMap<>();
        Map<Long, String> offsets = new HashMap<>();
        long maxDomain = read.values().stream().mapToLong(f -> f.number("gtid_domain_id", 0)).max().orElse(0);
        int index = 0;
        for (HostConfig m : masters) {
            index++;
            HostFacts f = read.get(m.name());
            if (f == null) {
                continue;
            }
            // a failover moves the replicas of a dead master under another one: each needs what it applied
            boolean hasReplicas = masters.size() >= 3 || config.hosts().stream().anyMatch(h -> !h.isMaster());
            if (hasReplicas && f.on("log_bin") && !f.on("log_slave_updates")) {
                out.add(new LintFinding(m.name(), LintCheck.LOG_SLAVE_UPDATES, "log_slave_updates is OFF on a "
                        + "master of a topology with replicas: its replicas (and those a failover moves under it) "
                        + "miss every change it applies from the other masters",
                        "add 'log_slave_updates = ON' under [mysqld] of " + m.name() + " and restart it"));
            }
            if (masters.size() < 2) {
                continue;
            }
            if (!f.var("gtid_domain_id").isEmpty()) {
                long d = f.number("gtid_domain_id", 0);
                String other = domains.putIfAbsent(d, m.name());
                if (other != null) {
                    long free = maxDomain + index;
                    out.add(new LintFinding(m.name(), LintCheck.GTID_DOMAIN_ID, "gtid_domain_id " + d + " is also "
                            + other + "'s: two masters writing in one domain break GTID replication after a failover",
                            "SET GLOBAL gtid_domain_id = " + free + "; add 'gtid_domain_id = " + free
                                    + "' under [mysqld] of " + m.name()));
                }
            }
            long inc = f.number("auto_increment_increment", 1);
            long off = f.number("auto_increment_offset", 1);
            String why = null;
            if (inc < masters.size()) {
                why = "auto_increment_increment " + inc + " is less than the " + masters.size() + " masters";
            } else if (off < 1 || off > inc) {
                why = "auto_increment_offset " + off + " is outside 1.." + inc + " (the server then ignores it)";
            } else if (offsets.containsKey(off)) {
                why = "auto_increment_offset " + off + " is also " + offsets.get(off) + "'s";
            }
            if (why == null) {
                offsets.put(off, m.name());
            } else {
                long fixInc = Math.max(inc, masters.size());
                long fixOff = index;
                while (offsets.containsKey(fixOff)) {
                    fixOff = fixOff % fixInc + 1;
                }
                offsets.put(fixOff, m.name());
                out.add(new LintFinding(m.name(), LintCheck.AUTO_INCREMENT, why + ": two masters can give out the "
                        + "same id, and replication stops on the duplicate key", "SET GLOBAL auto_increment_increment = "
                        + fixInc + ", auto_increment_offset = " + fixOff + "; add both under [mysqld] of " + m.name()));
            }
        }
    }

    private static void host(RingmasterConfig config, HostConfig h, HostFacts f, boolean writer,
                             List<LintFinding> out) {
        String n = h.name();
        if (!writer && !f.on("read_only")) {
            out.add(new LintFinding(n, LintCheck.READ_ONLY, "read_only is OFF on " + (h.isMaster() ? "a passive master"
                    : "a replica") + ": a client that connects to it directly writes there and the hosts diverge",
                    "SET GLOBAL read_only = ON; add 'read_only = ON' under [mysqld] of " + n
                            + " (the monitor turns it OFF on the writer only)"));
        }
        if (!f.on("log_bin")) {
            out.add(new LintFinding(n, LintCheck.BINLOG, "the binary log is off: it cannot be a source, be checksummed "
                    + "at a GTID position or take part in a failover", "add 'log_bin = " + n + "-bin' and "
                    + "'log_slave_updates = ON' under [mysqld] of " + n + " and restart it"));
        } else {
            String format = f.var("binlog_format").toUpperCase(Locale.ROOT);
            if (!format.isEmpty() && !format.equals("ROW")) {
                out.add(new LintFinding(n, LintCheck.BINLOG, "binlog_format is " + format + ": statement events replay "
                        + "non-deterministic statements differently, and sync/PITR need rows", "SET GLOBAL "
                        + "binlog_format = ROW; add 'binlog_format = ROW' under [mysqld] of " + n));
            }
            String image = f.var("binlog_row_image").toUpperCase(Locale.ROOT);
            if (!image.isEmpty() && !image.equals("FULL")) {
                out.add(new LintFinding(n, LintCheck.BINLOG, "binlog_row_image is " + image + ": row events lack the "
                        + "columns that repair and point-in-time recovery compare", "SET GLOBAL binlog_row_image = FULL;"
                        + " add 'binlog_row_image = FULL' under [mysqld] of " + n));
            }
        }
        if (!f.var("gtid_strict_mode").isEmpty() && !f.on("gtid_strict_mode")) {
            out.add(new LintFinding(n, LintCheck.GTID_STRICT_MODE, "gtid_strict_mode is OFF: an out-of-order or "
                    + "duplicate GTID is applied instead of stopping replication, so errant transactions go unseen",
                    "SET GLOBAL gtid_strict_mode = ON; add 'gtid_strict_mode = ON' under [mysqld] of " + n));
        }
        semiSync(h, f, writer, out);
        detection(config, h, f, out);
        for (String filter : FILTERS) {
            String v = f.var(filter).trim();
            if (!v.isEmpty()) {
                out.add(new LintFinding(n, LintCheck.REPLICATION_FILTERS, filter + " = '" + v + "': the hosts hold "
                        + "different data, and a failover to this host loses what it filters out", "remove "
                        + filter + " from [mysqld] of " + n + " (now: STOP SLAVE; SET GLOBAL " + filter
                        + " = ''; START SLAVE)"));
            }
        }
        if (!f.nonInnoDb().isEmpty()) {
            out.add(new LintFinding(n, LintCheck.NON_INNODB, f.nonInnoDb().size() + " table(s) not in InnoDB: "
                    + list(f.nonInnoDb()) + " (not crash-safe: a replica that crashes loses its position in them)",
                    String.join(" ", limit(f.nonInnoDb()).stream().map(t -> "ALTER TABLE "
                            + quoted(t.replaceAll(" \\(.*\\)$", "")) + " ENGINE=InnoDB;").toList())));
        }
        if (!f.withoutPrimaryKey().isEmpty()) {
            out.add(new LintFinding(n, LintCheck.NO_PRIMARY_KEY, f.withoutPrimaryKey().size()
                    + " table(s) without a primary key: " + list(f.withoutPrimaryKey()) + " (row events scan the "
                    + "whole table on replicas; checksum and sync cannot chunk them)",
                    String.join(" ", limit(f.withoutPrimaryKey()).stream().map(t -> "ALTER TABLE " + quoted(t)
                            + " ADD PRIMARY KEY (its unique NOT NULL columns), or ADD COLUMN id BIGINT UNSIGNED "
                            + "NOT NULL AUTO_INCREMENT PRIMARY KEY;").toList())));
        }
    }

    private static void semiSync(HostConfig h, HostFacts f, boolean writer, List<LintFinding> out) {
        String n = h.name();
        if (f.var("rpl_semi_sync_master_enabled").isEmpty()) {
            return; // no semi-sync on this server (MySQL without the plugin): nothing to read
        }
        if (h.isMaster()) {
            if (!f.on("rpl_semi_sync_master_enabled")) {
                out.add(new LintFinding(n, LintCheck.SEMI_SYNC, "semi-sync is off on a master: a commit it "
                        + "acknowledged can die with it in a failover", "SET GLOBAL rpl_semi_sync_master_wait_point = "
                        + "AFTER_SYNC; SET GLOBAL rpl_semi_sync_master_enabled = ON; add both under [mysqld] of " + n
                        + " (ringmaster bootstrap does it)"));
            } else {
                String point = f.var("rpl_semi_sync_master_wait_point").toUpperCase(Locale.ROOT);
                if (!point.isEmpty() && !point.equals("AFTER_SYNC")) {
                    out.add(new LintFinding(n, LintCheck.SEMI_SYNC, "rpl_semi_sync_master_wait_point is " + point
                            + ": other clients see a commit before any replica has it", "SET GLOBAL "
                            + "rpl_semi_sync_master_wait_point = AFTER_SYNC; add it under [mysqld] of " + n));
                }
                long timeout = f.number("rpl_semi_sync_master_timeout", 10_000);
                if (timeout < MIN_SEMI_SYNC_TIMEOUT_MS) {
                    out.add(new LintFinding(n, LintCheck.SEMI_SYNC, "rpl_semi_sync_master_timeout is " + timeout
                            + " ms: any replica hiccup longer than that silently turns replication asynchronous",
                            "SET GLOBAL rpl_semi_sync_master_timeout = 10000; add it under [mysqld] of " + n));
                }
                if (writer && !f.var("rpl_semi_sync_master_status").isEmpty()
                        && !f.on("rpl_semi_sync_master_status")) {
                    out.add(new LintFinding(n, LintCheck.SEMI_SYNC, "semi-sync is enabled but has fallen back to "
                            + "async (Rpl_semi_sync_master_status OFF): no replica acknowledged within "
                            + timeout + " ms, and commits now wait for none", "make a replica with "
                            + "rpl_semi_sync_slave_enabled = ON reconnect to " + n + " (STOP SLAVE IO_THREAD; START "
                            + "SLAVE IO_THREAD on it); watch Rpl_semi_sync_master_no_times"));
                }
            }
        }
        if (!f.on("rpl_semi_sync_slave_enabled")) {
            out.add(new LintFinding(n, LintCheck.SEMI_SYNC, "rpl_semi_sync_slave_enabled is OFF: it never "
                    + "acknowledges a commit, so semi-sync has one replica fewer to wait for", "SET GLOBAL "
                    + "rpl_semi_sync_slave_enabled = ON; STOP SLAVE IO_THREAD; START SLAVE IO_THREAD; add it under "
                    + "[mysqld] of " + n));
        }
    }

    private static void detection(RingmasterConfig config, HostConfig h, HostFacts f, List<LintFinding> out) {
        long trapS = (config.monitor().trapPeriod().toMillis() + 999) / 1000;
        long budget = Math.max(NET_TIMEOUT_SECONDS, trapS);
        long net = f.number("slave_net_timeout", 0);
        boolean replicates = f.replicating() || h.master().isPresent() || config.ringUpstreamOf(h.name()).isPresent();
        if (replicates && net > budget) {
            out.add(new LintFinding(h.name(), LintCheck.DETECTION_TIME, "slave_net_timeout is " + net + " s: it "
                    + "gives up a frozen or cut-off source only then, and the monitor fails such a writer over only "
                    + "when its replicas lost it too (trap_period " + trapS + " s)", "SET GLOBAL slave_net_timeout = "
                    + budget + "; STOP SLAVE; CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = " + budget / 2.0
                    + "; START SLAVE; add 'slave_net_timeout = " + budget + "' under [mysqld] of " + h.name()));
        }
        if (f.heartbeatSeconds().isPresent() && net > 0 && f.heartbeatSeconds().getAsDouble() * 2 > net) {
            double hb = f.heartbeatSeconds().getAsDouble();
            out.add(new LintFinding(h.name(), LintCheck.DETECTION_TIME, "the replication heartbeat period is " + hb
                    + " s, more than half of slave_net_timeout (" + net + " s): an idle source looks dead",
                    "STOP SLAVE; CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = " + net / 2.0 + "; START SLAVE"));
        }
    }

    private static void versions(Map<String, HostFacts> read, String writer, List<LintFinding> out) {
        Map<String, String> versions = new LinkedHashMap<>();
        read.forEach((n, f) -> {
            Matcher m = VERSION.matcher(f.var("version"));
            if (m.find()) {
                versions.put(n, m.group(1));
            }
        });
        if (versions.values().stream().distinct().count() < 2) {
            return;
        }
        String reference = versions.containsKey(writer) ? versions.get(writer) : mostCommon(versions);
        String whose = versions.containsKey(writer) ? "the writer " + writer + "'s" : "most hosts'";
        versions.forEach((n, v) -> {
            if (!v.equals(reference)) {
                out.add(new LintFinding(n, LintCheck.SERVER_VERSION, "runs " + v + ", " + whose + " is " + reference
                        + ": replication from a newer to an older server, clone and restore between them may fail",
                        "upgrade (or downgrade) " + n + " to " + reference + ", replicas before masters"));
            }
        });
    }

    private static String mostCommon(Map<String, String> versions) {
        Map<String, Integer> count = new LinkedHashMap<>();
        versions.values().forEach(v -> count.merge(v, 1, Integer::sum));
        return count.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static void clocks(Map<String, HostFacts> read, List<LintFinding> out) {
        List<Double> offsets = read.values().stream().filter(f -> f.clockOffsetMs().isPresent())
                .map(f -> f.clockOffsetMs().getAsDouble()).sorted().toList();
        if (offsets.size() < 2) {
            return;
        }
        double median = offsets.get(offsets.size() / 2);
        read.forEach((n, f) -> {
            if (f.clockOffsetMs().isPresent() && Math.abs(f.clockOffsetMs().getAsDouble() - median)
                    > MAX_CLOCK_SKEW_MS) {
                long d = Math.round(f.clockOffsetMs().getAsDouble() - median);
                out.add(new LintFinding(n, LintCheck.CLOCK, "its clock is " + (d > 0 ? "+" : "") + d + " ms from the "
                        + "other hosts': lag, audit times and time-based point-in-time recovery are off by as much",
                        "synchronise " + n + "'s clock (chrony or systemd-timesyncd against the others' NTP servers)"));
            }
        });
    }

    private static String list(List<String> tables) {
        return String.join(", ", limit(tables)) + (tables.size() > MAX_TABLES_LISTED ? " and "
                + (tables.size() - MAX_TABLES_LISTED) + " more" : "");
    }

    private static List<String> limit(List<String> tables) {
        return tables.subList(0, Math.min(tables.size(), MAX_TABLES_LISTED));
    }

    /** {@code schema.table} as {@code `schema`.`table`}. */
    private static String quoted(String table) {
        int dot = table.indexOf('.');
        return "`" + table.substring(0, dot).replace("`", "``") + "`.`" + table.substring(dot + 1).replace("`", "``")
                + "`";
    }
}
