package io.ringmaster.core.analysis;

import io.ringmaster.core.gtid.GtidPosition;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds errant transactions: GTIDs a host has that the writer does not. Only the writer creates new
 * transactions, so no other host can legitimately be ahead of it in any domain; a host that is (a returning old
 * writer with writes that never replicated, or a write made on a replica) holds data the cluster does not
 * have. With {@code gtid_strict_mode} sequence numbers have no holes, so per domain the errant ones are
 * {@code writerSeq+1 .. hostSeq}. Pure and thread-safe.
 */
public final class ErrantTransactions {
    private ErrantTransactions() {}

    /**
     * The errant GTIDs of one domain.
     *
     * @param domain   replication domain
     * @param serverId server_id of the host's latest GTID in that domain
     * @param fromSeq  first errant sequence number (inclusive)
     * @param toSeq    last errant sequence number (inclusive)
     */
    public record Range(long domain, long serverId, long fromSeq, long toSeq) {
        /** How many transactions. */
        public long count() {
            return toSeq - fromSeq + 1;
        }

        @Override
        public String toString() {
            return fromSeq == toSeq ? domain + "-" + serverId + "-" + fromSeq
                    : domain + "-" + serverId + "-" + fromSeq + ".." + toSeq;
        }
    }

    /**
     * The GTIDs in {@code host} beyond {@code writer}, per domain.
     *
     * @param host   the host's {@code gtid_binlog_pos} (or {@code gtid_current_pos})
     * @param writer the writer's {@code gtid_binlog_pos}, read after the host's
     * @return the errant ranges, ordered by domain; empty when the host has nothing the writer lacks
     */
    public static List<Range> find(GtidPosition host, GtidPosition writer) {
        List<Range> out = new ArrayList<>();
        for (GtidPosition.Gtid g : host.gtids()) {
            long w = writer.seq(g.domain());
            if (g.seq() > w) {
                out.add(new Range(g.domain(), g.serverId(), w + 1, g.seq()));
            }
        }
        return out;
    }

    /** A one-line description: {@code 1-1-101..104 (4 transactions)}; "" when empty. */
    public static String describe(List<Range> ranges) {
        if (ranges.isEmpty()) {
            return "";
        }
        long n = ranges.stream().mapToLong(Range::count).sum();
        return String.join(", ", ranges.stream().map(Range::toString).toList()) + " (" + n + " transaction"
                + (n == 1 ? "" : "s") + ")";
    }
}
