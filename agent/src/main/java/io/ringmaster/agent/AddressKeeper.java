package io.ringmaster.agent;

import io.ringmaster.core.lease.AddressLease;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one interface's role addresses in line with the monitor's last instruction ({@link AddressLease}): on
 * every instruction and on every {@link #tick()} it reads what the interface holds and applies the lease's steps.
 * When the writer lease runs out it removes the writer's addresses and then fences the local server through
 * {@link Fencer}, once per lease; a lease that says the host holds the writer role fences so even without writer
 * addresses. Addresses that belong to no role of the configuration are never touched. Without an interface
 * (virtual IPs off) it keeps the lease and fences all the same, and holds no address.
 *
 * <p>Thread-safe: instructions and ticks may come from any thread; changes are serialised.
 */
public final class AddressKeeper {
    private static final Logger log = LoggerFactory.getLogger(AddressKeeper.class);

    /** Sets read_only=ON on the local server and kills its client sessions. */
    @FunctionalInterface
    public interface Fencer {
        /**
         * Fences the local server.
         *
         * @param reason why, for the log and the audit
         * @throws Exception when the server could not be fenced (the keeper retries on the next tick)
         */
        void fence(String reason) throws Exception;
    }

    private final IpAddresses addresses;
    private final Set<String> roleAddresses;
    private final Fencer fencer;
    private final LongSupplier nanoClock;
    private AddressLease lease;
    private boolean fenced;
    private String lastProblem = "";

    /**
     * @param addresses     the interface; null when virtual IPs are off
     * @param roleAddresses every address of every role in the configuration; only these are added or removed
     * @param fencer        what fences the local server when the writer lease runs out
     * @param nanoClock     monotonic nanoseconds, {@code System::nanoTime} outside tests
     */
    public AddressKeeper(IpAddresses addresses, Set<String> roleAddresses, Fencer fencer, LongSupplier nanoClock) {
        this.addresses = addresses;
        this.roleAddresses = Set.copyOf(roleAddresses);
        this.fencer = fencer;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes a new instruction from the monitor, counted from now, and applies it.
     *
     * @param writer addresses of the writer role this host holds; may be empty
     * @param reader addresses of balanced roles this host holds; may be empty
     * @param length how long the instruction lasts without renewal
     * @return the addresses the interface holds afterwards (role addresses only)
     * @throws IllegalArgumentException when an address is not a role address of the configuration
     */
    public synchronized Set<String> instruct(Set<String> writer, Set<String> reader, Duration length)
            throws InterruptedException {
        return instruct(!writer.isEmpty(), writer, reader, length, false, "");
    }

    /**
     * Takes a new instruction from the monitor, counted from now, and applies it.
     *
     * @param writerRole true when this host holds the writer role (its server is writable)
     * @param writer     addresses of the writer role; ignored (held by no one here) unless {@code writerRole}
     * @param reader     addresses of balanced roles this host holds
     * @param length     how long the instruction lasts without renewal
     * @param fence      true when the role went away and the server must be fenced now: the writer addresses are
     *                   removed first, then {@link Fencer#fence} runs (once, unless already fenced)
     * @param reason     why, for the log
     * @return the role addresses the interface holds afterwards
     * @throws IllegalArgumentException when an address is not a role address of the configuration
     */
    public synchronized Set<String> instruct(boolean writerRole, Set<String> writer, Set<String> reader,
                                             Duration length, boolean fence, String reason)
            throws InterruptedException {
        if (!writerRole || fence) {
            writer = Set.of();
            writerRole = false;
        }
        for (String a : union(writer, reader)) {
            if (!roleAddresses.contains(a)) {
                throw new IllegalArgumentException(a + " is not an address of any role in the configuration");
            }
        }
        boolean renewal = lease != null && lease.writer().equals(Set.copyOf(writer))
                && lease.writerRole() == writerRole && !fenced;
        lease = new AddressLease(writer, reader, nanoClock.getAsLong(), length, writerRole);
        if (!renewal && !fence) {
            fenced = false;
        }
        Set<String> out = apply();
        if (fence) { // always: a server fenced before may have been made writable since; the fencer skips a pending one
            String why = "the monitor took the writer role away" + (reason.isEmpty() ? "" : ": " + reason);
            try {
                log.warn("fencing the local server: {}", why);
                fencer.fence(why);
                fenced = true;
            } catch (Exception e) {
                lastProblem = "fence: " + e.getMessage();
                log.warn("{}", lastProblem);
            }
        }
        return out;
    }

    /**
     * Adopts the role addresses the interface already holds (an agent restarted on its host finds what it added
     * before, marked by its label) as a lease counted from now: the writer addresses among them fence the server
     * when no instruction renews them in time. Does nothing when a lease exists or nothing is held.
     *
     * @param writerAddresses the writer role's addresses in the configuration
     * @return the addresses adopted
     */
    public synchronized Set<String> adopt(Set<String> writerAddresses, Duration length) throws InterruptedException {
        Set<String> held = held();
        if (lease != null || held.isEmpty()) {
            return Set.of();
        }
        Set<String> w = new LinkedHashSet<>(held);
        w.retainAll(writerAddresses);
        Set<String> r = new LinkedHashSet<>(held);
        r.removeAll(writerAddresses);
        lease = new AddressLease(w, r, nanoClock.getAsLong(), length, !w.isEmpty());
        log.info("adopted {} (added by this agent before a restart; the writer's fall when no instruction renews "
                + "them within {} ms)", held, length.toMillis());
        return held;
    }

    /** Applies the current lease once more (called every check interval by the agent). */
    public synchronized Set<String> tick() throws InterruptedException {
        return lease == null ? held() : apply();
    }

    /** The current instruction, if any. */
    public synchronized Optional<AddressLease> lease() {
        return Optional.ofNullable(lease);
    }

    /** True when the last lease ran out and the server was fenced for it. */
    public synchronized boolean fenced() {
        return fenced;
    }

    /** The last problem applying the lease (one line), or empty. */
    public synchronized String lastProblem() {
        return lastProblem;
    }

    /** Removes every role address the interface holds (the agent is stopping, or the sandbox goes down). */
    public synchronized void releaseAll(String reason) throws InterruptedException {
        if (addresses != null) {
            for (String a : held()) {
                addresses.remove(a, reason);
            }
        }
        lease = null;
    }

    private Set<String> apply() throws InterruptedException {
        long now = nanoClock.getAsLong();
        List<AddressLease.Step> steps = lease.steps(held(), fenced, now);
        String problem = "";
        for (AddressLease.Step s : steps) {
            if (addresses == null && !(s instanceof AddressLease.Fence)) {
                continue; // virtual IPs off: the lease still fences
            }
            try {
                switch (s) {
                    case AddressLease.Remove r -> addresses.remove(r.address(), r.reason());
                    case AddressLease.Add a -> addresses.add(a.address(), a.writer() ? "this host holds the writer role"
                            : "this host holds a reader address");
                    case AddressLease.Fence f -> {
                        log.warn("fencing the local server: {}", f.reason());
                        fencer.fence(f.reason());
                        fenced = true;
                    }
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                problem = (s.address().isEmpty() ? "fence" : s.address()) + ": " + e.getMessage();
                log.warn("{}", problem);
                if (s instanceof AddressLease.Remove) {
                    break; // never add or fence past a removal that failed: the next tick tries again
                }
            }
        }
        lastProblem = problem;
        return held();
    }

    /** The role addresses the interface holds now (this agent's, when its addresses carry a label). */
    public synchronized Set<String> held() throws InterruptedException {
        if (addresses == null) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>(addresses.held());
        out.retainAll(roleAddresses);
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }
}
