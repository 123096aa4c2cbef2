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

    /** The YAML text for a sandbox built from {@code spec}, with this API token (at least 16 characters). */
    static String render(SandboxSpec spec, String apiToken) {
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
        l.add("  - {name: writer, mode: exclusive, hosts: [" + names(hosts, true) + "], prefer: db1}");
        l.add("  - {name: reader, mode: balanced, hosts: [" + names(hosts, false) + "]}");
        l.add("# The router runs inside `ringmaster monitor`; applications connect here, never to a server.");
        l.add("router:");
        l.add("  listeners:");
        l.add("    - {role: writer, listen: 127.0.0.1:" + spec.routerWriterPort() + "}");
        l.add("    - {role: reader, listen: 127.0.0.1:" + spec.routerReaderPort() + "}");
        return String.join("\n", l) + "\n";
    }

    private static String names(List<SandboxHost> hosts, boolean mastersOnly) {
        return hosts.stream().filter(h -> !mastersOnly || h.isMaster()).map(SandboxHost::name)
                .collect(Collectors.joining(", "));
    }
}
