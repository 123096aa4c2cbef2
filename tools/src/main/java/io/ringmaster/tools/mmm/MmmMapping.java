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
    private static final String NO_AGENT = "Ringmaster runs no agent on the database hosts; the monitor does the "
            + "agent's work over SQL";
    private static final String NO_VIP = "Ringmaster manages no virtual IPs";
    private static final String TOOLS = "a setting of MMM's tools (mmm_backup, mmm_clone, mmm_restore); "
            + "ringmaster.yml has no section for them";
    private static final String SOCKET = "the monitor-agent socket; " + NO_AGENT;

    /** Reasons by {@code TYPE.key}. */
    static final Map<String, String> UNMAPPED = build();

    private MmmMapping() {}

    private static Map<String, String> build() {
        Map<String, String> m = new HashMap<>();
        m.put("global.this", "names the agent's own host; " + NO_AGENT + ", so one file describes the whole cluster");
        m.put("global.debug", "use the logging configuration (logback) for debug output");
        m.put("global.max_kill_retries", NO_AGENT + ": it fences the old writer itself (read_only, KILL), each SQL "
                + "action bounded by monitor.action_timeout");
        m.put("global.default_copy_method", TOOLS);
        m.put("global.clone_dirs", TOOLS);
        for (String k : List.of("pid_path", "bin_path", "agent_port")) {
            m.put("host." + k, NO_AGENT);
        }
        m.put("host.cluster_interface", NO_VIP + ", so there is no interface to put them on");
        String agentUser = NO_AGENT + " with credentials.monitor: grant that account what agent_user had";
        m.put("host.agent_user", agentUser);
        m.put("host.agent_password", agentUser);
        for (String k : List.of("mysql_pidfile", "mysql_rcscript", "mysql_cnf", "ssh_user", "ssh_port",
                "ssh_parameters", "tools_user", "tools_password", "backup_dir", "restore_dir", "lvm_bin_lvcreate",
                "lvm_bin_lvremove", "lvm_snapshot_size", "lvm_logical_volume", "lvm_volume_group", "lvm_mount_dir",
                "lvm_mount_opts")) {
            m.put("host." + k, TOOLS);
        }
        m.put("check.restart_after", "Ringmaster has no checker processes to restart");
        m.put("monitor.pid_path", "the monitor runs in the foreground; the service manager keeps its pid");
        m.put("monitor.bin_path", "Ringmaster has no helper scripts");
        m.put("monitor.ping_interval", "Ringmaster checks ping_ips once per check period");
        m.put("monitor.kill_host_bin", "Ringmaster has no kill-host hook; it fences the old writer over SQL "
                + "(read_only, KILL)");
        for (String k : List.of("type", "cert_file", "key_file", "ca_file")) {
            m.put("socket." + k, SOCKET);
        }
        for (String k : MmmSchema.KINDS.get("copy_method").keys()) {
            m.put("copy_method." + k, TOOLS);
        }
        return Map.copyOf(m);
    }
}
