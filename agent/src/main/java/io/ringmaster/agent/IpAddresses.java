package io.ringmaster.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role addresses (virtual IPs) of one network interface, changed with iproute2's {@code ip} and announced
 * with iputils' {@code arping}, as MMM's agent and keepalived do: a duplicate-address check ({@code arping -D})
 * before an address is added (at most 1 s), then gratuitous ARP, unsolicited requests ({@code -U}) and replies
 * ({@code -A}), a burst at once and another after 5 s, in the background (HA-NOTES: keepalived sends a burst twice). Interfaces without ARP (loopback, {@code NOARP}) get neither.
 * Every address is a /32. Thread-safe: each call runs its own commands; the caller serialises changes.
 */
public final class IpAddresses {
    private static final Logger log = LoggerFactory.getLogger(IpAddresses.class);
    private static final Pattern INET = Pattern.compile("\\binet (\\d+\\.\\d+\\.\\d+\\.\\d+)/32\\b");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Gratuitous ARP packets per burst, one a second (iputils' arping takes whole seconds between packets;
     * keepalived sends 5 at once, HA-NOTES section 4).
     */
    static final int GARP_COUNT = 3;
    /** Delay of the second burst of gratuitous ARP after an address is added, ms (keepalived: 5 s). */
    static final long SECOND_BURST_MS = 5_000;
    /** Announcements run here, one at a time, so that adding an address does not wait for them. */
    private final java.util.concurrent.ExecutorService announcer = java.util.concurrent.Executors
            .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("agent-garp").factory());

    /** Longest address label the kernel takes (IFNAMSIZ - 1). */
    static final int MAX_LABEL = 15;

    private final String iface;
    private final boolean arp;
    private final String label;

    private IpAddresses(String iface, boolean arp, String label) {
        this.iface = iface;
        this.arp = arp;
        this.label = label;
    }

    /**
     * The label an agent puts on the addresses it adds ({@code IFACE:rmPORT}, or {@code IFACE:PORT} when that is
     * too long), so that agents sharing one interface (a sandbox on {@code lo}) see only their own addresses and an
     * agent restarted on a real host recognises its own. The agent's API port is unique on a machine.
     *
     * @return the label, or empty when the interface name is too long for any label
     */
    public static Optional<String> label(String iface, int agentPort) {
        for (String l : List.of(iface + ":rm" + agentPort, iface + ":" + agentPort)) {
            if (l.length() <= MAX_LABEL) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * As {@link #open(String)}, with the addresses this object sees and adds limited to one label.
     *
     * @param label the label (see {@link #label}); empty: every /32 of the interface
     */
    public static Opened open(String iface, Optional<String> label) throws InterruptedException {
        Opened o = open(iface);
        return o.addresses().isEmpty() || label.isEmpty() ? o
                : new Opened(Optional.of(new IpAddresses(iface, o.addresses().get().arp, label.get())), "");
    }

    /** The label of the addresses this object sees and adds, or empty for all of the interface. */
    public String labelName() {
        return label;
    }

    /**
     * Opens an interface for changes, or says why it cannot be.
     *
     * @param iface the interface name, such as {@code eth0} or {@code lo}
     * @return the interface, or an empty result with the one-line reason in {@code why} (no {@code ip}, not
     *         root, no such interface)
     * @throws InterruptedException when interrupted while asking {@code ip}
     */
    public static Opened open(String iface) throws InterruptedException {
        Objects.requireNonNull(iface, "iface");
        HostCommand.Result link = HostCommand.run(List.of("ip", "-o", "link", "show", "dev", iface), COMMAND_TIMEOUT);
        if (link.exitCode() == -1) {
            return new Opened(Optional.empty(), "virtual IPs are off: iproute2's `ip` is not installed");
        }
        if (!link.ok()) {
            return new Opened(Optional.empty(), "virtual IPs are off: interface " + iface + ": " + link.oneLine());
        }
        if (!isRoot()) {
            return new Opened(Optional.empty(), "virtual IPs are off: changing addresses on " + iface
                    + " needs root (or CAP_NET_ADMIN); the agent runs as uid " + uid());
        }
        boolean noArp = link.output().contains("LOOPBACK") || link.output().contains("NOARP");
        return new Opened(Optional.of(new IpAddresses(iface, !noArp, "")), "");
    }

    /**
     * The outcome of {@link #open}.
     *
     * @param addresses the interface, when it can be changed
     * @param why       why it cannot, one line; empty when it can
     */
    public record Opened(Optional<IpAddresses> addresses, String why) {}

    /** The interface's name. */
    public String iface() {
        return iface;
    }

    /**
     * The /32 addresses the interface holds now (its own primary address, with a wider prefix, is left out).
     *
     * @throws AddressException when {@code ip} fails
     */
    public Set<String> held() throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-o", "-4", "addr", "show", "dev", iface));
        if (!label.isEmpty()) {
            cmd.addAll(List.of("label", label));
        }
        HostCommand.Result r = HostCommand.run(cmd, COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new AddressException("ip addr show dev " + iface + ": " + r.oneLine());
        }
        Set<String> out = new LinkedHashSet<>();
        Matcher m = INET.matcher(r.output());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * Adds {@code address}/32 after checking that no other host answers for it, then announces it.
     *
     * @param reason why, for the log
     * @throws AddressException when another host has the address, or {@code ip} fails
     */
    public void add(String address, String reason) throws InterruptedException {
        if (held().contains(address)) {
            log.debug("{}: {} is already there ({})", iface, address, reason);
            return;
        }
        if (arp) {
            // one probe, at most 1 s: this runs before the writer's address goes up (iputils' arping takes whole
            // seconds for -i, so more probes would cost a second each)
            HostCommand.Result dup = HostCommand.run(List.of("arping", "-D", "-q", "-c", "1", "-w", "1",
                    "-I", iface, address), COMMAND_TIMEOUT);
            if (dup.exitCode() == 1) {
                throw new AddressException(address + " is already in use on the network of " + iface
                        + " (arping -D got an answer); not adding it");
            }
            if (!dup.ok()) {
                log.warn("{}: duplicate check of {} not done: {}", iface, address, dup.exitCode() == -1
                        ? "arping is not installed" : dup.oneLine());
            }
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "addr", "add", address + "/32", "dev", iface));
        if (!label.isEmpty()) {
            cmd.addAll(List.of("label", label));
        }
        HostCommand.Result r = HostCommand.run(cmd, COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new AddressException(String.join(" ", cmd) + ": " + r.oneLine());
        }
        log.info("{}: added {}{} ({})", iface, address, label.isEmpty() ? "" : " label " + label, reason);
        if (arp) {
            announcer.execute(() -> announceWhileHeld(address));
        }
    }

    /**
     * Announces an address just added, in the background so that the agent answers the monitor at once: a burst
     * now and another after {@value #SECOND_BURST_MS} ms (as keepalived does), each only while the address is still
     * here (announcing an address this host gave up would pull traffic back to it).
     */
    private void announceWhileHeld(String address) {
        try {
            for (int burst = 0; burst < 2; burst++) {
                if (burst > 0) {
                    Thread.sleep(SECOND_BURST_MS);
                }
                if (!held().contains(address)) {
                    return;
                }
                announce(address);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("{}: gratuitous ARP for {} not sent: {}", iface, address, e.getMessage());
        }
    }

    /**
     * Sends a burst of gratuitous ARP for {@code address} (requests, then replies), so that neighbours' caches
     * point at this host; does nothing on an interface without ARP. Failures are logged, not thrown: the
     * address works, only caches may be stale until they expire.
     */
    public void announce(String address) throws InterruptedException {
        if (!arp) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (String mode : List.of("-U", "-A")) {
            HostCommand.Result r = HostCommand.run(List.of("arping", mode, "-q", "-c", String.valueOf(GARP_COUNT),
                    "-w", String.valueOf(GARP_COUNT), "-I", iface, address), COMMAND_TIMEOUT.plusSeconds(GARP_COUNT));
            if (r.exitCode() == -1) {
                problems.add("arping is not installed");
                break;
            }
            if (!r.ok() && !(mode.equals("-A") && r.exitCode() == 1)) { // replies are never answered
                problems.add("arping " + mode + ": " + r.oneLine());
            }
        }
        if (!problems.isEmpty()) {
            log.warn("{}: gratuitous ARP for {} not sent: {}", iface, address, String.join("; ", problems));
        }
    }

    /**
     * Removes {@code address}/32; an address that is not there is not an error.
     *
     * @param reason why, for the log
     * @throws AddressException when {@code ip} fails otherwise
     */
    public void remove(String address, String reason) throws InterruptedException {
        if (!held().contains(address)) {
            log.debug("{}: {} is not there ({})", iface, address, reason);
            return;
        }
        HostCommand.Result r = HostCommand.run(List.of("ip", "addr", "del", address + "/32", "dev", iface),
                COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new AddressException("ip addr del " + address + "/32 dev " + iface + ": " + r.oneLine());
        }
        log.info("{}: removed {} ({})", iface, address, reason);
    }

    /** A change of an interface's addresses that did not happen; the message is one line. */
    public static final class AddressException extends RuntimeException {
        AddressException(String message) {
            super(message);
        }
    }

    private static boolean isRoot() throws InterruptedException {
        return "0".equals(uid());
    }

    private static String uid() throws InterruptedException {
        HostCommand.Result r = HostCommand.run(List.of("id", "-u"), COMMAND_TIMEOUT);
        return r.ok() ? r.output().strip() : "unknown";
    }
}
