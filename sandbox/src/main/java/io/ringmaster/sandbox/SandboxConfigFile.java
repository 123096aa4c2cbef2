package io.ringmaster.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders the {@code ringmaster.yml} of a sandbox: every host on 127.0.0.1, roles {@code writer} (exclusive over the
 * masters, preferring db1) and {@code reader} (balanced over every host), a fast monitor (1 s checks, 2 s trap
 * period) on {@code basePort + 88}, root as the monitor account, and the router's writer and reader listeners
 * (run inside the monitor) on the spec's router ports, and a random API token of its own (the CLI reads it from the
 * same file; commands over the API need it). The text is accepted by
 * {@link io.ringmaster.core.config.ConfigLoader}. Stateless, thread-safe.
 */
final class SandboxConfigFile {
    static final String FILE = "ringmaster.yml";
    static final String STATE_FILE = "ringmaster-state.json";
    static final String REPL_PASSWORD_ENV = "RINGMASTER_REPL_PASSWORD";
    static final String DEFAULT_REPL_PASSWORD = "sandbox-repl";

    private SandboxConfigFile() {}

    /** The YAML text for a sandbox built from {@code spec}, with a new random API token. */
    static String render(SandboxSpec spec) {
        byte[] token = new byte[24];
        new java.security.SecureRandom().nextBytes(token);
        return render(spec, java.util.HexFormat.of().formatHex(token));
    }

    /** As {@link #render(SandboxSpec, String, List, boolean)} with a new random API token. */
    static String render(SandboxSpec spec, List<String> cli, boolean vips) {
        return render(spec, randomToken(), cli, vips);
    }

    /** The YAML text for a sandbox built from {@code spec}, with this API token (at least 16 characters). */
    static String render(SandboxSpec spec, String apiToken) {
        return render(spec, apiToken, null, false);
    }

    /**
     * The YAML text, with an {@code agents:} section when {@code cli} is given.
     *
     * @param cli  the command that runs the Ringmaster CLI (e.g. {@code java -jar ringmaster.jar}), used for the
     *             agents' stop/start commands; null: no agents section
     * @param vips true (root): role addresses on {@code lo}, see {@link #roleAddresses}
     */
    static String render(SandboxSpec spec, String apiToken, List<String> cli, boolean vips) {
        return render(spec, apiToken, cli, vips, null);
    }

    /**
     * As {@link #render(SandboxSpec, String, List, boolean)}; with {@code servers} (by host name), the agents' stop
     * and start commands are the servers' own shell lines ({@link SandboxServer#stopCommand()}, {@link
     * SandboxServer#startCommand()}: no JVM per command), else {@code CLI sandbox stop|start HOST --dir DIR}.
     */
    static String render(SandboxSpec spec, String apiToken, List<String> cli, boolean vips,
                         java.util.Map<String, SandboxServer> servers) {
        String agentToken = cli == null ? "" : randomToken();
        List<SandboxHost> hosts = spec.hosts();
        List<String> l = new ArrayList<>();
        l.add("# Ringmaster configuration of a local sandbox, written by `ringmaster sandbox up`: "
                + spec.masters() + " master(s), " + spec.replicasPerMaster() + " replica(s) per master.");
        l.add("# Sandbox only: root connects from 127.0.0.1 without a password.");
        l.add("cluster: sandbox");
        l.add("monitor:");
        l.add("  listen: 127.0.0.1:" + spec.monitorPort());
        l.add("  api_token: " + apiToken + "   # sandbox only; in production use a ${VARIABLE}");
        l.add("  check_period: 1s");
        l.add("  trap_period: 2s");
        l.add("  timeout: 1s");
        l.add("  state_file: " + STATE_FILE);
        l.add("credentials:");
        l.add("  monitor: {user: root, password: \"\"}");
        l.add("  replication: {user: repl, password: \"${" + REPL_PASSWORD_ENV + ":-" + DEFAULT_REPL_PASSWORD + "}\"}");
        l.add("hosts:");
        for (SandboxHost h : hosts) {
            l.add("  - {name: " + h.name() + ", address: 127.0.0.1, port: " + h.port() + ", mode: "
                    + h.mode().label() + h.master().map(m -> ", master: " + m).orElse("") + "}");
        }
        l.add("roles:");
        List<String> ips = roleAddresses(spec.basePort());
        boolean withIps = cli != null && vips;
        l.add("  - {name: writer, mode: exclusive, hosts: [" + names(hosts, true) + "], prefer: db1"
                + (withIps ? ", ips: [" + ips.get(0) + "]" : "") + "}");
        l.add("  - {name: reader, mode: balanced, hosts: [" + names(hosts, false) + "]"
                + (withIps ? ", ips: [" + ips.get(1) + ", " + ips.get(2) + "]" : "") + "}");
        l.add("# The router runs inside `ringmaster monitor`; applications connect here, never to a server.");
        l.add("router:");
        l.add("  listeners:");
        l.add("    - {role: writer, listen: 127.0.0.1:" + spec.routerWriterPort() + "}");
        l.add("    - {role: reader, listen: 127.0.0.1:" + spec.routerReaderPort() + "}");
        if (cli != null) {
            l.add("# One agent per host (`ringmaster agent`), started and stopped by `ringmaster sandbox up|down`.");
            l.add("agents:");
            l.add("  token: " + agentToken + "   # sandbox only; in production use a ${VARIABLE}");
            l.add("  lease: 3s   # 3 x check_period");
            l.add("  hosts:");
            String dir = spec.dir().toString();
            for (SandboxHost h : hosts) {
                ServerLayout layout = new ServerLayout(spec.dir().resolve(h.name()));
                String base = shell(cli) + " sandbox ";
                String tail = " " + h.name() + " --dir " + shellQuote(dir);
                l.add("    - {name: " + h.name() + ", address: 127.0.0.1, port: " + agentPort(spec, h)
                        + (vips ? ", interface: lo" : "")
                        + ", data_dir: " + yaml(layout.dataDir().toString())
                        + ", socket: " + yaml(layout.socket().toString())
                        + ", stop: " + yaml(servers == null ? base + "stop" + tail
                                : servers.get(h.name()).stopCommand())
                        + ", start: " + yaml(servers == null ? base + "start" + tail
                                : servers.get(h.name()).startCommand()) + "}");
            }
        }
        return String.join("\n", l) + "\n";
    }

    /** The agent port of a host: basePort + 48 + its index. */
    static int agentPort(SandboxSpec spec, SandboxHost h) {
        return spec.basePort() + AGENT_OFFSET + h.index();
    }

    /** Agent ports start at basePort + 48 + 1. */
    static final int AGENT_OFFSET = 48;

    /** Role addresses of a sandbox: writer 127.(bp>>8).(bp&255).1, readers .2 and .3. */
    static List<String> roleAddresses(int basePort) {
        String prefix = "127." + (basePort >> 8) + "." + (basePort & 255) + ".";
        return List.of(prefix + "1", prefix + "2", prefix + "3");
    }

    static String randomToken() {
        byte[] token = new byte[24];
        new java.security.SecureRandom().nextBytes(token);
        return java.util.HexFormat.of().formatHex(token);
    }

    private static String shell(List<String> cmd) {
        return cmd.stream().map(SandboxConfigFile::shellQuote).collect(Collectors.joining(" "));
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=@+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String yaml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String names(List<SandboxHost> hosts, boolean mastersOnly) {
        return hosts.stream().filter(h -> !mastersOnly || h.isMaster()).map(SandboxHost::name)
                .collect(Collectors.joining(", "));
    }
}
