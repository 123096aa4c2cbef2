package io.ringmaster.tools.mmm;

import io.ringmaster.tools.mmm.MmmConverter.AgentEntry;
import io.ringmaster.tools.mmm.MmmConverter.Credential;
import io.ringmaster.tools.mmm.MmmConverter.Host;
import io.ringmaster.tools.mmm.MmmConverter.Role;
import java.util.List;
import java.util.Map;

/**
 * Writes the converted configuration as ringmaster.yml, with only the keys {@code ConfigLoader} accepts, in its
 * order: cluster, monitor, credentials, hosts, roles, agents. Stateless.
 */
final class RingmasterYaml {
    /** The variable the agents' token is read from. */
    static final String AGENT_TOKEN_VAR = "RINGMASTER_AGENT_TOKEN";

    private RingmasterYaml() {}

    /**
     * Renders the configuration.
     *
     * @param files   the MMM files it came from, named in a comment
     * @param cluster the cluster name, or null for Ringmaster's default
     * @param monitor monitor keys to YAML scalars, may be empty
     * @param agents  one agent per host, may be empty (no agents: section)
     * @param loopback true when every host is on loopback (the agents' token is then optional)
     * @return the YAML text, ending with a line break
     */
    static String render(List<String> files, String cluster, Map<String, String> monitor, Credential monitorUser,
                         Credential replicationUser, List<Host> hosts, List<Role> roles, List<AgentEntry> agents,
                         boolean loopback) {
        StringBuilder y = new StringBuilder();
        y.append("# Converted by 'ringmaster import-mmm' from ")
                .append(io.ringmaster.core.config.ConfigException.oneLine(String.join(", ", files))).append(".\n")
                .append("# Passwords are not copied: set the ${...} variables in the environment. MMM keys with no\n")
                .append("# equivalent here were listed on standard error.\n");
        if (cluster != null) {
            y.append("cluster: ").append(YamlText.scalar(cluster)).append('\n');
        }
        if (!monitor.isEmpty()) {
            y.append("monitor:\n");
            monitor.forEach((k, v) -> {
                if (k.equals("api_token")) {
                    y.append("  # Commands over the API (move-role, set-online...) need this token; a listener beyond\n")
                            .append("  # loopback needs it for every request. Set the variable for the monitor and\n")
                            .append("  # every client to a long random value: openssl rand -hex 32\n");
                }
                y.append("  ").append(k).append(": ").append(v).append('\n');
            });
        }
        y.append("credentials:\n");
        credential(y, "monitor", monitorUser);
        credential(y, "replication", replicationUser);
        y.append("hosts:\n");
        for (Host h : hosts) {
            y.append("  - name: ").append(YamlText.scalar(h.name())).append('\n')
                    .append("    address: ").append(YamlText.scalar(h.address())).append('\n')
                    .append("    port: ").append(h.port()).append('\n')
                    .append("    mode: ").append(h.isMaster() ? "master" : "replica").append('\n');
            if (h.master() != null) {
                y.append("    master: ").append(YamlText.scalar(h.master())).append('\n');
            }
        }
        if (!roles.isEmpty()) {
            y.append("roles:\n");
            for (Role r : roles) {
                y.append("  - name: ").append(YamlText.scalar(r.name())).append('\n')
                        .append("    mode: ").append(r.mode()).append('\n')
                        .append("    hosts: ").append(YamlText.list(r.hosts())).append('\n');
                if (r.prefer() != null) {
                    y.append("    prefer: ").append(YamlText.scalar(r.prefer())).append('\n');
                }
                if (!r.ips().isEmpty()) {
                    y.append("    ips: ").append(YamlText.list(r.ips())).append('\n');
                }
            }
        }
        if (!agents.isEmpty()) {
            y.append("agents:\n")
                    .append("  # The monitor, the CLI and the agents authenticate with this token: set the variable for\n")
                    .append("  # each of them to one long random value: openssl rand -hex 32\n")
                    .append("  token: ").append(YamlText.scalar("${" + AGENT_TOKEN_VAR + (loopback ? ":-}" : "}")))
                    .append('\n').append("  hosts:\n");
            for (AgentEntry a : agents) {
                y.append("    - name: ").append(YamlText.scalar(a.host())).append('\n');
                if (a.port() != 0) {
                    y.append("      port: ").append(a.port()).append('\n');
                }
                if (a.networkInterface() != null) {
                    y.append("      interface: ").append(YamlText.scalar(a.networkInterface())).append('\n');
                }
                if (a.rcScript() != null) {
                    y.append("      stop: ").append(YamlText.scalar(a.rcScript() + " stop")).append('\n')
                            .append("      start: ").append(YamlText.scalar(a.rcScript() + " start")).append('\n');
                }
            }
        }
        return y.toString();
    }

    private static void credential(StringBuilder y, String what, Credential c) {
        y.append("  ").append(what).append(":\n").append("    user: ").append(c.user()).append('\n');
        if (c.password() != null) {
            y.append("    password: ").append(c.password()).append('\n');
        }
    }
}
