package io.ringmaster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts client access to the local server's TCP port while the agent fences it, so that a server that thaws
 * (SIGSTOP, a stalled disk) cannot take or acknowledge a single write before read_only is set.
 *
 * <p>Built in: an nftables table of its own ({@code ringmaster_HOST_PORT}, so sandboxes side by side do not clash)
 * with an input chain that rejects {@code tcp dport PORT} and an output chain that rejects {@code tcp sport PORT}
 * (except the resets themselves),
 * both with a TCP reset: new connections are refused, established ones die at their next packet in either
 * direction (an answer the thawed server writes to a client already connected never arrives). Source (input) and
 * destination (output) addresses of the hosts that replicate from this one are exempt, except loopback and this
 * host's own address: every local client (and, in a sandbox, every replica and the monitor) connects from those,
 * so exempting them would exempt the clients the block exists for. Replicas that connect over loopback lose
 * their connection for the block's duration and reconnect by themselves (master_connect_retry).
 *
 * <p>Instead of nftables, the configured {@code kill_host} command (MMM's) runs with {@code block} or
 * {@code unblock} appended. Thread-safe (synchronized).
 */
public final class PortBlock {
    private static final Logger log = LoggerFactory.getLogger(PortBlock.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final Set<String> exempt;
    private final Optional<String> killHost;
    private boolean blocked;
    private String unavailable = "";

    /**
     * @param host     the host's name (the table is named after it)
     * @param port     the server's TCP port
     * @param exempt   addresses of replicas of this host that keep access (loopback and own address already left
     *                 out by the caller, see {@link #exemptable})
     * @param killHost the {@code kill_host} command, or empty for nftables
     */
    public PortBlock(String host, int port, Set<String> exempt, Optional<String> killHost) {
        this.host = host;
        this.port = port;
        this.exempt = new TreeSet<>(exempt);
        this.killHost = killHost;
    }

    /** True for an address a block may exempt: not loopback (127/8, ::1, localhost) and not {@code own}. */
    public static boolean exemptable(String address, String own) {
        return !(address.startsWith("127.") || address.equals("::1") || address.equalsIgnoreCase("localhost")
                || address.equals(own));
    }

    /** The nftables table's name: {@code ringmaster_HOST_PORT}, characters other than [A-Za-z0-9_] as {@code _}. */
    public String table() {
        return "ringmaster_" + host.replaceAll("[^A-Za-z0-9_]", "_") + "_" + port;
    }

    /** How the block is installed, for messages: {@code nft table inet NAME} or {@code kill_host}. */
    public String describe() {
        return killHost.isPresent() ? "kill_host" : "nft table inet " + table();
    }

    /** The nft script that installs the block atomically (replacing an older table of the same name). */
    public String script() {
        String t = table();
        List<String> l = new ArrayList<>();
        l.add("add table inet " + t);
        l.add("delete table inet " + t);
        l.add("table inet " + t + " {");
        l.add("  chain input {");
        l.add("    type filter hook input priority -10; policy accept;");
        if (!exempt.isEmpty()) {
            l.add("    ip saddr { " + String.join(", ", exempt) + " } tcp dport " + port + " accept");
        }
        l.add("    tcp dport " + port + " reject with tcp reset");
        l.add("  }");
        l.add("  chain output {");
        l.add("    type filter hook output priority -10; policy accept;");
        if (!exempt.isEmpty()) {
            l.add("    ip daddr { " + String.join(", ", exempt) + " } tcp sport " + port + " accept");
        }
        // the resets the input chain sends leave through this chain too: let them pass, or a client's connect
        // hangs until its timeout instead of being refused at once
        l.add("    tcp sport " + port + " tcp flags & rst == 0 reject with tcp reset");
        l.add("  }");
        l.add("}");
        return String.join("\n", l) + "\n";
    }

    /** True while the block is installed. */
    public synchronized boolean blocked() {
        return blocked;
    }

    /** Why the block cannot be installed here (no nft, not root), one line; empty when it can or was not tried. */
    public synchronized String unavailable() {
        return unavailable;
    }

    /**
     * True when a table of this block's name is installed though this object did not install it: an earlier agent
     * stopped (or was killed) while its fence was pending. Always false with {@code kill_host}, whose state cannot
     * be read.
     */
    public synchronized boolean leftBehind() throws InterruptedException {
        return killHost.isEmpty() && !blocked
                && HostCommand.run(List.of("nft", "list", "table", "inet", table()), COMMAND_TIMEOUT).ok();
    }

    /**
     * Installs the block.
     *
     * @param reason why, for the log
     * @return true when it is in place; false (logged in one line, {@link #unavailable()}) when it could not be
     */
    public synchronized boolean block(String reason) throws InterruptedException {
        HostCommand.Result r;
        if (killHost.isPresent()) {
            r = HostCommand.run(List.of("/bin/sh", "-c", killHost.get() + " block"), COMMAND_TIMEOUT);
        } else {
            Path f;
            try {
                f = Files.createTempFile("ringmaster-block-", ".nft");
                Files.writeString(f, script());
            } catch (IOException e) {
                return failed("cannot write the nft script: " + e.getMessage());
            }
            try {
                r = HostCommand.run(List.of("nft", "-f", f.toString()), COMMAND_TIMEOUT);
            } finally {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
            if (r.exitCode() == -1) {
                return failed("client block off: nftables' `nft` is not installed; fencing without it");
            }
        }
        if (!r.ok()) {
            return failed("client block not installed (" + (killHost.isPresent() ? "kill_host" : "nft -f " + table())
                    + "): " + r.oneLine() + "; fencing without it");
        }
        blocked = true;
        unavailable = "";
        log.warn("{}: blocked client access to port {} ({}; {})", host, port,
                killHost.isPresent() ? "kill_host block" : "nft table " + table(), reason);
        return true;
    }

    /**
     * Lifts the block (also when this object did not install it but a table of its name exists).
     *
     * @param reason why, for the log
     * @return true when no block is left
     */
    public synchronized boolean unblock(String reason) throws InterruptedException {
        HostCommand.Result r;
        if (killHost.isPresent()) {
            if (!blocked) {
                return true;
            }
            r = HostCommand.run(List.of("/bin/sh", "-c", killHost.get() + " unblock"), COMMAND_TIMEOUT);
        } else {
            r = HostCommand.run(List.of("nft", "delete", "table", "inet", table()), COMMAND_TIMEOUT);
            if (!r.ok() && !HostCommand.run(List.of("nft", "list", "table", "inet", table()), COMMAND_TIMEOUT).ok()) {
                if (blocked) {
                    log.info("{}: the client block on port {} was already gone ({})", host, port, reason);
                }
                blocked = false;
                return true; // nothing is there
            }
        }
        if (!r.ok()) {
            log.warn("{}: lifting the client block failed: {}", host, r.oneLine());
            return false;
        }
        blocked = false;
        log.info("{}: lifted the client block on port {} ({})", host, port, reason);
        return true;
    }

    private boolean failed(String why) {
        unavailable = why;
        log.warn("{}: {}", host, why);
        return false;
    }
}
