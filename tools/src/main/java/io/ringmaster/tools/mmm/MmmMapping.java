package io.ringmaster.tools.mmm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Why an MMM key has no place in ringmaster.yml, by {@code TYPE.key} ({@code global.this}, {@code host.agent_port}).
 * Keys that are mapped, or whose note depends on their value ({@code ips}, {@code ping_ips}, {@code peer}, check
 * timings), are not listed here. Immutable.
 */
final class MmmMapping {
    private static final String AGENT_RUN = "Ringmaster's agent runs in the foreground under the service manager "
            + "('ringmaster agent --host NAME'), which keeps its pid";
    private static final String TOOLS = "a setting of MMM's tools (mmm_backup, mmm_clone, mmm_restore); "
            + "ringmaster.yml has no section for them";
    private static final String SOCKET = "the monitor-agent socket: Ringmaster's agents speak HTTP with agents.token; "
            + "for HTTPS set agents.tls_cert, tls_key and tls_ca (PEM)";

    /** Reasons by {@code TYPE.key}. */
    static final Map<String, String> UNMAPPED = build();

    private MmmMapping() {}

    private static Map<String, String> build() {
        Map<String, String> m = new HashMap<>();
        m.put("global.this", "names the agent's own host; Ringmaster's agent is told it with --host NAME, so one file "
                + "describes the whole cluster");
        m.put("global.debug", "use the logging configuration (logback) for debug output");
        m.put("global.max_kill_retries", "Ringmaster's monitor fences the old writer (read_only, KILL), each SQL action "
                + "bounded by monitor.action_timeout, and its agent retries the fence until it works");
        m.put("global.default_copy_method", TOOLS);
        m.put("global.clone_dirs", TOOLS);
        for (String k : List.of("pid_path", "bin_path")) {
            m.put("host." + k, AGENT_RUN);
        }
        String agentUser = "Ringmaster's agent works on its server with credentials.monitor (through the socket): "
                + "grant that account what agent_user had";
        m.put("host.agent_user", agentUser);
        m.put("host.agent_password", agentUser);
        for (String k : List.of("mysql_pidfile", "mysql_cnf", "ssh_user", "ssh_port",
                "ssh_parameters", "tools_user", "tools_password", "backup_dir", "restore_dir", "lvm_bin_lvcreate",
                "lvm_bin_lvremove", "lvm_snapshot_size", "lvm_logical_volume", "lvm_volume_group", "lvm_mount_dir",
                "lvm_mount_opts")) {
            m.put("host." + k, TOOLS);
        }
        m.put("check.restart_after", "Ringmaster has no checker processes to restart");
        m.put("monitor.pid_path", "the monitor runs in the foreground; the service manager keeps its pid");
        m.put("monitor.bin_path", "Ringmaster has no helper scripts");
        m.put("monitor.ping_interval", "Ringmaster checks ping_ips once per check period");
        m.put("monitor.kill_host_bin", "Ringmaster fences the old writer over SQL (read_only, KILL) and its agent "
                + "blocks client access meanwhile (nftables); a command of your own goes in agents.hosts[].kill_host, "
                + "run by the agent with 'block' or 'unblock'");
        for (String k : List.of("type", "cert_file", "key_file", "ca_file")) {
            m.put("socket." + k, SOCKET);
        }
        for (String k : MmmSchema.KINDS.get("copy_method").keys()) {
            m.put("copy_method." + k, TOOLS);
        }
        return Map.copyOf(m);
    }
}
