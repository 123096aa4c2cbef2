package io.ringmaster.core.gtid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position: at most one {@code domain-server-seq} per replication domain, as in
 * {@code @@gtid_binlog_pos}, {@code @@gtid_slave_pos}, {@code @@gtid_current_pos} or {@code Gtid_IO_Pos}.
 * Within a domain, sequence numbers only grow (with {@code gtid_strict_mode}), so positions compare per domain.
 * See https://mariadb.com/kb/en/gtid/ ("The domain ID", "gtid_strict_mode").
 *
 * <p>Immutable and thread-safe.
 */
public final class GtidPosition {
    private static final GtidPosition EMPTY = new GtidPosition(Map.of());

    /**
     * One GTID: replication domain, originating server_id, sequence number.
     *
     * @throws IllegalArgumentException when a component is negative (beyond {@link Long#MAX_VALUE} unsigned)
     */
    public record Gtid(long domain, long serverId, long seq) {
        public Gtid {
            if (domain < 0 || serverId < 0 || seq < 0) {
                throw new IllegalArgumentException("GTID component out of range: " + Long.toUnsignedString(domain)
                        + "-" + Long.toUnsignedString(serverId) + "-" + Long.toUnsignedString(seq));
            }
        }

        @Override
        public String toString() {
            return domain + "-" + serverId + "-" + seq;
        }
    }

    private final Map<Long, Gtid> byDomain;

    private GtidPosition(Map<Long, Gtid> byDomain) {
        this.byDomain = Collections.unmodifiableMap(new TreeMap<>(byDomain));
    }

    /** The empty position (nothing applied). */
    public static GtidPosition empty() {
        return EMPTY;
    }

    /**
     * Parses a comma-separated list such as {@code 1-1-100,2-2-7}; null or blank gives the empty position.
     * When a domain appears more than once the highest sequence number wins (on a tie, the highest server_id).
     *
     * @throws IllegalArgumentException on anything that is not a GTID list, or a number above
     *                                  {@link Long#MAX_VALUE}
     */
    public static GtidPosition parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        Map<Long, Gtid> byDomain = new TreeMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] f = p.split("-");
            if (f.length != 3) {
                throw new IllegalArgumentException("not a GTID: '" + p + "'");
            }
            try {
                Gtid g = new Gtid(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
                byDomain.merge(g.domain(), g, GtidPosition::later);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a GTID: '" + p + "'");
            }
        }
        return new GtidPosition(byDomain);
    }

    /** Builds a position from GTIDs (highest seq per domain wins; on a tie, the highest server_id). */
    public static GtidPosition of(Gtid... gtids) {
        Map<Long, Gtid> byDomain = new TreeMap<>();
        for (Gtid g : gtids) {
            byDomain.merge(g.domain(), g, GtidPosition::later);
        }
        return new GtidPosition(byDomain);
    }

    /** The sequence number reached in a domain; 0 when the domain is absent. */
    public long seq(long domain) {
        Gtid g = byDomain.get(domain);
        return g == null ? 0 : g.seq();
    }

    /** The GTIDs, one per domain, ordered by domain. */
    public List<Gtid> gtids() {
        return new ArrayList<>(byDomain.values());
    }

    /** The domains present. */
    public java.util.Set<Long> domains() {
        return byDomain.keySet();
    }

    /** True when no domain is present. */
    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    /** True when, in every domain of {@code other}, this position has reached at least the same sequence number. */
    public boolean contains(GtidPosition other) {
        return other.byDomain.values().stream().allMatch(g -> seq(g.domain()) >= g.seq());
    }

    /**
     * How many transactions this position lacks to reach {@code target}: the sum over the target's domains of
     * the sequence gap. Exact under {@code gtid_strict_mode}, where sequence numbers have no holes per domain.
     * Never negative; a sum beyond {@link Long#MAX_VALUE} is reported as {@link Long#MAX_VALUE}.
     */
    public long missingFrom(GtidPosition target) {
        long missing = 0;
        for (Gtid g : target.byDomain.values()) {
            long gap = Math.max(0, g.seq() - seq(g.domain()));
            missing = missing > Long.MAX_VALUE - gap ? Long.MAX_VALUE : missing + gap;
        }
        return missing;
    }

    /** The position restricted to the given domain (empty if absent). */
    public GtidPosition onlyDomain(long domain) {
        Gtid g = byDomain.get(domain);
        return g == null ? EMPTY : new GtidPosition(Map.of(domain, g));
    }

    /** The per-domain maximum of this and {@code other} (commutative, associative and idempotent). */
    public GtidPosition union(GtidPosition other) {
        Map<Long, Gtid> merged = new TreeMap<>(byDomain);
        other.byDomain.values().forEach(g -> merged.merge(g.domain(), g, GtidPosition::later));
        return new GtidPosition(merged);
    }

    /**
     * Of two GTIDs of one domain, the one with the higher sequence number; on a tie (two servers wrote the same
     * sequence number: the positions diverged) the higher server_id, so that the result does not depend on the
     * order of the arguments.
     */
    private static Gtid later(Gtid a, Gtid b) {
        if (a.seq() != b.seq()) {
            return a.seq() > b.seq() ? a : b;
        }
        return a.serverId() >= b.serverId() ? a : b;
    }

    /** The canonical text, {@code domain-server-seq} joined by commas, ordered by domain; "" when empty. */
    @Override
    public String toString() {
        return String.join(",", byDomain.values().stream().map(Gtid::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GtidPosition p && p.byDomain.equals(byDomain);
    }

    @Override
    public int hashCode() {
        return byDomain.hashCode();
    }
}
