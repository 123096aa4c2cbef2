package io.ringmaster.tools.mmm;

import io.ringmaster.core.config.ApiAccess;
import io.ringmaster.core.config.Durations;
import io.ringmaster.tools.mmm.MmmDocument.Entry;
import io.ringmaster.tools.mmm.MmmDocument.Section;
import io.ringmaster.tools.mmm.MmmNote.Kind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps MMM's {@code <monitor>} section: {@code ip}/{@code port} to {@code listen}, {@code status_path} to a
 * {@code state_file} beside it, {@code flap_duration}, {@code flap_count}, {@code auto_set_online} (MMM's seconds)
 * {@code mode}, {@code careful_startup} and {@code wait_for_other_master}; {@code ping_ips} (ICMP in MMM, TCP
 * address:port in Ringmaster) becomes a note that lists the addresses. Keys left unset keep Ringmaster's
 * defaults, which equal MMM's for these keys except {@code listen} without a {@code <monitor>} (127.0.0.1:9988 in
 * both). MMM's monitor port took commands from anyone who reached it; Ringmaster's API needs a token for commands,
 * and for every request beyond loopback: {@code api_token} is written as {@code ${RINGMASTER_API_TOKEN}}, required
 * (with a warning) when MMM listened beyond loopback, optional otherwise. Stateless.
 */
final class MmmMonitor {
    private MmmMonitor() {}

    /**
     * Adds the monitor keys the MMM files set.
     *
     * @param out monitor keys to YAML scalars, added to
     * @throws MmmConfigException when a value is out of range or not a number
     */
    static void map(MmmDocument doc, MmmConverter c, Map<String, String> out) {
        Section m = doc.unique("monitor");
        if (m == null) {
            out.put("api_token", YamlText.scalar("${" + API_TOKEN_VAR + ":-}"));
            return;
        }
        Entry ip = m.get("ip");
        Entry port = m.get("port");
        if (ip != null || port != null) {
            String address = ip == null ? "127.0.0.1" : ip.value();
            int p = port == null ? 9988 : c.integer(port, 1, 65535);
            out.put("listen", YamlText.scalar((address.contains(":") ? "[" + address + "]" : address) + ":" + p));
        }
        apiToken(ip, c, out);
        Entry status = m.get("status_path");
        if (status != null) {
            stateFile(status, c, out);
        }
        Entry flapDuration = m.get("flap_duration");
        if (flapDuration != null) {
            out.put("flap_duration", Durations.format(c.seconds(flapDuration, true)));
        }
        Entry flapCount = m.get("flap_count");
        if (flapCount != null) {
            out.put("flap_count", Integer.toString(c.integer(flapCount, 1, 1000)));
        }
        Entry autoOnline = m.get("auto_set_online");
        if (autoOnline != null) {
            out.put("auto_set_online", Durations.format(c.seconds(autoOnline, false)));
        }
        Entry mode = m.get("mode");
        if (mode != null) {
            String v = mode.value().toLowerCase(Locale.ROOT);
            if (!List.of("active", "manual", "wait", "passive").contains(v)) {
                throw c.error(mode, "mode must be active, manual, wait or passive, not '" + mode.value() + "'");
            }
            out.put("mode", v);
        }
        Entry pingIps = m.get("ping_ips");
        if (pingIps != null) {
            c.unmapped("monitor", pingIps, "Ringmaster's ping_ips are TCP targets (address:port), not ICMP; MMM "
                    + "pinged " + String.join(", ", MmmConverter.split(pingIps.value()))
                    + ": add e.g. 'ping_ips: [ADDRESS:22]' under monitor with a port that answers on each");
        }
        Entry careful = m.get("careful_startup");
        if (careful != null) {
            String v = careful.value().trim();
            if (!v.matches("[01]")) {
                throw c.error(careful, "careful_startup must be 0 or 1, not '" + v + "'");
            }
            out.put("careful_startup", v.equals("1") ? "true" : "false");
        }
        Entry waitOther = m.get("wait_for_other_master");
        if (waitOther != null) {
            out.put("wait_for_other_master", Durations.format(c.seconds(waitOther, false)));
        }
    }

    /**
     * The API token: required when MMM listened beyond loopback (the converted configuration then loads only with
     * {@code RINGMASTER_API_TOKEN} set, and a warning says so), optional otherwise (without it the monitor takes no
     * commands over its API).
     */
    private static void apiToken(Entry ip, MmmConverter c, Map<String, String> out) {
        String address = ip == null ? "127.0.0.1" : ip.value().replace("[", "").replace("]", "");
        if (ApiAccess.isLoopback(address)) {
            out.put("api_token", YamlText.scalar("${" + API_TOKEN_VAR + ":-}"));
            return;
        }
        out.put("api_token", YamlText.scalar("${" + API_TOKEN_VAR + "}"));
        boolean wildcard = address.equals("0.0.0.0") || address.equals("::");
        c.note(ip, "ip", Kind.WARNING, "MMM's monitor listened on " + address + ": Ringmaster's API would be open "
                + (wildcard ? "on every interface" : "to the network") + " and takes commands such as move-role, so "
                + "it needs api_token: the YAML reads it from ${" + API_TOKEN_VAR + "}; set that to a long random "
                + "value (openssl rand -hex 32) for the monitor and every client, or listen on 127.0.0.1");
    }

    /** The variable the converted YAML reads the API token from. */
    static final String API_TOKEN_VAR = "RINGMASTER_API_TOKEN";

    /** MMM's status file has another format, so the state file goes beside it under its own name. */
    private static void stateFile(Entry status, MmmConverter c, Map<String, String> out) {
        Path p;
        try {
            p = Path.of(status.value());
        } catch (InvalidPathException e) {
            throw c.error(status, "status_path '" + status.value() + "' is not a valid path");
        }
        String name = p.getFileName() == null ? "mmm_mond" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String file = p.resolveSibling(stem + ".ringmaster.json").toString();
        out.put("state_file", YamlText.scalar(file));
        String text = "state_file set to " + file + ", beside MMM's status file, which has another format that the "
                + "monitor would refuse";
        if (file.startsWith("/var/run/") || file.startsWith("/run/")) {
            text += "; that folder is emptied at boot: put the state under /var/lib so that it survives a reboot";
        }
        c.note(status, "status_path", Kind.NOTE, text);
    }
}
