package io.ringmaster.tools.mmm;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The variables and sections MMM 2.2 accepts (its {@code MMM::Common::Config} rule set), so that a file MMM itself
 * would have refused is refused here too, with the file and line. Immutable.
 */
final class MmmSchema {
    /** The name of a template section ({@code <host default>}, {@code <check default>}). */
    static final String TEMPLATE = "default";

    /** The checks MMM knows; {@code <check NAME>} takes only these names (and {@code default}). */
    static final List<String> CHECKS = List.of("ping", "mysql", "rep_threads", "rep_backlog");

    /** Variables allowed outside any section. */
    static final Set<String> GLOBAL_KEYS = Set.of(
            "this", "debug", "active_master_role", "max_kill_retries", "default_copy_method", "clone_dirs");

    /** Variables whose value is a comma-separated list. */
    static final Set<String> LIST_KEYS = Set.of("clone_dirs", "hosts", "ips", "ping_ips");

    /**
     * One kind of section.
     *
     * @param type     the tag ({@code host})
     * @param named    true for {@code <host NAME>}, false for unique sections such as {@code <monitor>}
     * @param template true when {@code <TYPE default>} is a template for the others
     * @param keys     the variables the section accepts
     */
    record Kind(String type, boolean named, boolean template, Set<String> keys) {}

    static final Map<String, Kind> KINDS = Map.of(
            "host", new Kind("host", true, true, Set.of(
                    "ip", "mode", "peer", "pid_path", "bin_path", "agent_port", "cluster_interface",
                    "mysql_port", "mysql_pidfile", "mysql_rcscript", "mysql_cnf",
                    "agent_user", "agent_password", "monitor_user", "monitor_password",
                    "replication_user", "replication_password",
                    "ssh_user", "ssh_port", "ssh_parameters", "tools_user", "tools_password",
                    "backup_dir", "restore_dir", "lvm_bin_lvcreate", "lvm_bin_lvremove", "lvm_snapshot_size",
                    "lvm_logical_volume", "lvm_volume_group", "lvm_mount_dir", "lvm_mount_opts")),
            "role", new Kind("role", true, false, Set.of("mode", "hosts", "ips", "prefer")),
            "check", new Kind("check", true, true, Set.of(
                    "check_period", "trap_period", "timeout", "restart_after", "max_backlog")),
            "monitor", new Kind("monitor", false, false, Set.of(
                    "ip", "port", "pid_path", "bin_path", "status_path", "ping_interval", "ping_ips",
                    "flap_duration", "flap_count", "auto_set_online", "kill_host_bin", "careful_startup", "mode",
                    "wait_for_other_master")),
            "socket", new Kind("socket", false, false, Set.of("type", "cert_file", "key_file", "ca_file")),
            "copy_method", new Kind("copy_method", true, true, Set.of(
                    "backup_command", "restore_command", "incremental_command", "incremental", "single_run",
                    "true_copy")));

    private MmmSchema() {}

    /** True for a variable that holds a password; its value is never shown. */
    static boolean isSecret(String key) {
        return key.endsWith("_password");
    }

    /** The section kinds a variable belongs to, for "this key belongs in ..." messages; may be empty. */
    static List<String> kindsWithKey(String key) {
        return KINDS.values().stream().filter(k -> k.keys().contains(key)).map(Kind::type).sorted().toList();
    }
}
