package io.ringmaster.core.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an agent does with its host's role addresses (virtual IPs), given the monitor's last instruction and its
 * lease. Pure and thread-safe; the agent feeds it a monotonic clock.
 *
 * <p>The monitor tells the agent which addresses its host holds and renews that for {@code length}. The agent
 * counts the lease from when it <em>received</em> the instruction; the monitor, from when it <em>received the
 * agent's answer</em>, which is later, so the monitor never believes an address is gone while the agent may still
 * hold it. When the lease runs out without renewal the agent drops the writer's addresses and fences its own
 * server (read_only=ON, client sessions killed): an agent cut off from the monitor can no longer draw writes.
 * Reader addresses stay (a stale reader is better than no reader when the monitor is down, as in MMM), but are
 * still dropped when an instruction says so.
 *
 * @param writer     addresses of the exclusive (writer) role this host is told to hold; may be empty
 * @param reader     addresses of balanced roles this host is told to hold; may be empty
 * @param receivedAt monotonic nanoseconds when the instruction arrived
 * @param length     how long the instruction lasts without renewal, positive
 * @param writerRole true when this host holds the writer role (its server is writable), even with no writer
 *                   addresses configured: a writer role that runs out fences the server all the same
 */
public record AddressLease(Set<String> writer, Set<String> reader, long receivedAt, Duration length,
                           boolean writerRole) {
    /** The steps that bring a host's addresses in line; applied in order. */
    public sealed interface Step {
        /** The address concerned, or empty for {@link Fence}. */
        String address();
    }

    /** Add the address (after a duplicate-address check) and announce it with gratuitous ARP. */
    public record Add(String address, boolean writer) implements Step {}

    /** Remove the address from the interface. */
    public record Remove(String address, String reason) implements Step {}

    /** Set read_only=ON on the local server and kill its client sessions (the writer lease ran out). */
    public record Fence(String reason) implements Step {
        @Override
        public String address() {
            return "";
        }
    }

    public AddressLease {
        writer = Set.copyOf(writer);
        reader = Set.copyOf(reader);
        Objects.requireNonNull(length, "length");
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("lease length must be positive, not " + length);
        }
    }

    /** A lease whose writer role is held exactly when it lists writer addresses. */
    public AddressLease(Set<String> writer, Set<String> reader, long receivedAt, Duration length) {
        this(writer, reader, receivedAt, length, !writer.isEmpty());
    }

    /** True while the instruction is younger than its length at {@code now} (monotonic nanoseconds). */
    public boolean valid(long now) {
        return now - receivedAt < length.toNanos();
    }

    /**
     * The steps from what the interface holds now to what it should hold at {@code now}. Removals come first,
     * then the fence (so a fenced server has lost its writer address before it refuses writes), then additions.
     *
     * @param held     the role addresses the interface holds now (addresses that belong to no role must be left
     *                 out by the caller); never null
     * @param fenced   true when this lease's expiry already fenced the server (no second fence)
     * @return the steps; empty when nothing is to change
     */
    public List<Step> steps(Set<String> held, boolean fenced, long now) {
        boolean live = valid(now);
        Set<String> wanted = new LinkedHashSet<>(reader);
        if (live) {
            wanted.addAll(writer);
        }
        List<Step> out = new ArrayList<>();
        for (String a : held) {
            if (!wanted.contains(a)) {
                out.add(new Remove(a, writer.contains(a) ? "the writer lease ran out " + ageMillis(now)
                        + " ms after the last instruction" : "no longer assigned to this host"));
            }
        }
        if (!live && (writerRole || !writer.isEmpty()) && !fenced) {
            out.add(new Fence("the writer lease ran out " + ageMillis(now) + " ms after the last instruction"));
        }
        for (String a : wanted) {
            if (!held.contains(a)) {
                out.add(new Add(a, writer.contains(a)));
            }
        }
        return out;
    }

    private long ageMillis(long now) {
        return (now - receivedAt) / 1_000_000;
    }
}
