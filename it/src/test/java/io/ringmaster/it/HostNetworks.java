package io.ringmaster.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test kit: one network namespace per database host ({@code PREFIXN}), as separate machines on one LAN: a bridge
 * {@code PREFIXbr} in this (the root) namespace with address {@code NET.1/24}, where the monitor and the test's
 * clients run, and per host a veth pair whose root end is on the bridge and whose other end ({@code PREFIXNn}, the
 * host's "eth0") has {@code NET.(10+N)/24} inside the host's namespace. {@link #cutFromMonitor} drops, with an
 * nftables table inside the host's namespace, everything to and from {@code NET.1}, and nothing else (the hosts
 * still reach each other). {@link #close} removes namespaces, links and tables, also after a failed test.
 */
final class HostNetworks implements AutoCloseable {
    final String prefix;
    final String net;
    final int hosts;

    private HostNetworks(String prefix, String net, int hosts) {
        this.prefix = prefix;
        this.net = net;
        this.hosts = hosts;
    }

    /**
     * Creates the bridge and {@code hosts} namespaces.
     *
     * @param prefix names of namespaces, links and tables start with it (at most 8 characters)
     * @param net    the first three octets with a trailing dot, e.g. {@code "10.232.77."}
     */
    static HostNetworks create(String prefix, String net, int hosts) throws Exception {
        HostNetworks n = new HostNetworks(prefix, net, hosts);
        n.close(); // what a killed earlier run left
        try {
            sh("ip", "link", "add", n.bridge(), "type", "bridge");
            sh("ip", "addr", "add", net + "1/24", "dev", n.bridge());
            sh("ip", "link", "set", n.bridge(), "up");
            for (int i = 1; i <= hosts; i++) {
                String ns = n.namespace(i);
                sh("ip", "netns", "add", ns);
                sh("ip", "link", "add", prefix + i + "h", "type", "veth", "peer", "name", n.device(i));
                sh("ip", "link", "set", n.device(i), "netns", ns);
                sh("ip", "link", "set", prefix + i + "h", "master", n.bridge());
                sh("ip", "link", "set", prefix + i + "h", "up");
                n.exec(i, "ip", "addr", "add", n.address(i) + "/24", "dev", n.device(i));
                n.exec(i, "ip", "link", "set", n.device(i), "up");
                n.exec(i, "ip", "link", "set", "lo", "up");
            }
        } catch (Exception e) {
            n.close();
            throw e;
        }
        return n;
    }

    String bridge() {
        return prefix + "br";
    }

    /** The namespace of host {@code i} (from 1). */
    String namespace(int i) {
        return prefix + i;
    }

    /** Host {@code i}'s interface inside its namespace. */
    String device(int i) {
        return prefix + i + "n";
    }

    /** Host {@code i}'s own address. */
    String address(int i) {
        return net + (10 + i);
    }

    /** The monitor's (and the test clients') address: the bridge's. */
    String monitorAddress() {
        return net + "1";
    }

    /** The MAC address of host {@code i}'s interface. */
    String mac(int i) throws Exception {
        return sh("ip", "netns", "exec", namespace(i), "cat", "/sys/class/net/" + device(i) + "/address").strip();
    }

    /** The root namespace's neighbour entry for {@code ip} ({@code ip neigh show IP}), "" when none. */
    String neighbour(String ip) throws Exception {
        return sh("ip", "neigh", "show", ip, "dev", bridge()).strip();
    }

    /** The command prefix that runs a program inside host {@code i}'s namespace. */
    List<String> inNamespace(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Runs a command inside host {@code i}'s namespace; its output. */
    String exec(int i, String... cmd) throws Exception {
        List<String> all = new ArrayList<>(inNamespace(i));
        all.addAll(List.of(cmd));
        return sh(all.toArray(String[]::new));
    }

    /** Drops every packet between host {@code i} and the monitor's address, inside host {@code i}'s namespace. */
    void cutFromMonitor(int i) throws Exception {
        String t = prefix + "cut";
        exec(i, "nft", "add", "table", "inet", t);
        exec(i, "nft", "add", "chain", "inet", t, "in", "{ type filter hook input priority -10 ; }");
        exec(i, "nft", "add", "chain", "inet", t, "out", "{ type filter hook output priority -10 ; }");
        exec(i, "nft", "add", "rule", "inet", t, "in", "ip", "saddr", monitorAddress(), "drop");
        exec(i, "nft", "add", "rule", "inet", t, "out", "ip", "daddr", monitorAddress(), "drop");
    }

    /** Lifts {@link #cutFromMonitor}. */
    void restore(int i) throws Exception {
        exec(i, "nft", "delete", "table", "inet", prefix + "cut");
    }

    @Override
    public void close() {
        for (int i = 1; i <= hosts; i++) {
            quietly("ip", "netns", "del", namespace(i)); // takes its veth end, and so the pair, with it
            quietly("ip", "link", "del", prefix + i + "h");
        }
        quietly("ip", "link", "del", bridge());
    }

    private static void quietly(String... cmd) {
        try {
            sh(cmd);
        } catch (Exception ignored) {
            // not there
        }
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
