package io.ringmaster.tools.mmm;

import io.ringmaster.core.config.Durations;
import io.ringmaster.core.config.Secret;
import io.ringmaster.tools.mmm.MmmDocument.Entry;
import io.ringmaster.tools.mmm.MmmDocument.Section;
import io.ringmaster.tools.mmm.MmmNote.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gives meaning to an {@link MmmDocument}: hosts, roles, credentials, monitor and check settings become the keys
 * {@code ConfigLoader} accepts, and every other key becomes a note that says why it has no equivalent.
 *
 * <p>Templates ({@code <host default>}, {@code <check default>}) fill what a section leaves unset, as in MMM. A
 * value that Ringmaster would refuse, a reference to an undefined host or role, or a section without a required
 * key is an {@link MmmConfigException} naming the file and line. Passwords never reach the YAML or a note: the YAML
 * says {@code ${RINGMASTER_MONITOR_PASSWORD}} and the value is kept in {@link MmmConversion#secrets()}.
 *
 * <p>Pure: no file or network access. Not thread-safe; one instance per conversion.
 */
final class MmmConverter {
    static final String MONITOR_USER_VAR = "RINGMASTER_MONITOR_USER";
    static final String MONITOR_PASSWORD_VAR = "RINGMASTER_MONITOR_PASSWORD";
    static final String REPLICATION_USER_VAR = "RINGMASTER_REPLICATION_USER";
    static final String REPLICATION_PASSWORD_VAR = "RINGMASTER_REPLICATION_PASSWORD";

    /** Ringmaster's names (as ConfigLoader checks them). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern CLUSTER_FILE = Pattern.compile("mmm_mon_(.+)\\.conf");

    private final MmmDocument doc;
    private final List<String> inputs;
    private final List<MmmNote> notes = new ArrayList<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    /** Unmapped keys by type, key and reason: the first entry and how many times it was seen. */
    private final Map<String, Entry> unmappedFirst = new LinkedHashMap<>();
    private final Map<String, Integer> unmappedCount = new LinkedHashMap<>();

    private final Map<String, String> monitorOut = new LinkedHashMap<>();
    private final List<Host> hosts = new ArrayList<>();
    private final List<Role> roles = new ArrayList<>();
    private String cluster;
    private Credential monitorUser;
    private Credential replicationUser;

    /** A host as it will be written; {@code master} is null for masters. */
    record Host(String name, Section section, Map<String, Entry> entries, String address, int port,
                boolean isMaster, String master) {}

    /** A role as it will be written; {@code prefer} may be null; {@code ips} may be empty. */
    record Role(String name, String mode, List<String> hosts, String prefer, List<String> ips) {}

    /**
     * A host's agent as it will be written under {@code agents.hosts}; {@code port} 0 for the default,
     * {@code networkInterface} and {@code rcScript} may be null.
     */
    record AgentEntry(String host, int port, String networkInterface, String rcScript) {}

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private final List<AgentEntry> agents = new ArrayList<>();
    private static final int DEFAULT_AGENT_PORT = io.ringmaster.core.config.AgentConfig.DEFAULT_PORT;

    /** An account as written in YAML (user and password already as scalars; password may be null). */
    record Credential(String user, String password) {}

    /**
     * @param doc    the parsed files
     * @param inputs the files the operator named (not the includes), as shown; the first names the cluster when it
     *               is {@code mmm_mon_CLUSTER.conf}
     */
    MmmConverter(MmmDocument doc, List<String> inputs) {
        this.doc = doc;
        this.inputs = List.copyOf(inputs);
    }

    /**
     * Converts.
     *
     * @return the YAML with notes and secrets, never null
     * @throws MmmConfigException when the MMM configuration is incomplete or holds a value Ringmaster refuses
     */
    MmmConversion convert() {
        notes.addAll(doc.notes);
        clusterName();
        globals();
        hosts();
        roles();
        replicaMasters();
        monitorUser = credential("monitor", MONITOR_USER_VAR, MONITOR_PASSWORD_VAR);
        replicationUser = credential("replication", REPLICATION_USER_VAR, REPLICATION_PASSWORD_VAR);
        agents();
        MmmMonitor.map(doc, this, monitorOut);
        MmmChecks.map(doc, this, monitorOut);
        unmappedKeys();
        flushUnmapped();
        List<String> order = doc.files;
        List<MmmNote> sorted = new ArrayList<>(notes);
        sorted.sort(Comparator.comparingInt((MmmNote n) -> order.indexOf(n.file())).thenComparingInt(MmmNote::line));
        String yaml = RingmasterYaml.render(doc.files, cluster, monitorOut, monitorUser, replicationUser, hosts, roles,
                agents, allLoopback());
        return new MmmConversion(yaml, sorted, secrets, doc.files);
    }

    // ---- top level -------------------------------------------------------------------------------------------

    private void clusterName() {
        for (String input : inputs) {
            String base = Path.of(input).getFileName().toString();
            var m = CLUSTER_FILE.matcher(base);
            if (m.matches()) {
                if (NAME.matcher(m.group(1)).matches()) {
                    cluster = m.group(1);
                    note(input, 0, "cluster", Kind.NOTE, "named '" + cluster + "' after the file name, as "
                            + "mmm_control @" + cluster + " did");
                } else {
                    note(input, 0, "cluster", Kind.NOTE, "'" + m.group(1) + "' is not a valid cluster name; "
                            + "the default name is used");
                }
                return;
            }
        }
    }

    private void globals() {
        Entry amr = doc.globals.get("active_master_role");
        if (amr != null && !doc.sections("role").containsKey(amr.value())) {
            throw error(amr, "active_master_role names role '" + amr.value() + "', which is not defined (no <role "
                    + amr.value() + "> section)");
        }
        Entry self = doc.globals.get("this");
        if (self != null && (!doc.sections("host").containsKey(self.value())
                || self.value().equals(MmmSchema.TEMPLATE))) {
            throw error(self, "'this' names host '" + self.value() + "', which is not defined (no <host "
                    + self.value() + "> section)");
        }
    }

    // ---- hosts -------------------------------------------------------------------------------------------------

    private void hosts() {
        Map<String, Section> all = doc.sections("host");
        Section template = all.get(MmmSchema.TEMPLATE);
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (Section s : all.values()) {
            if (s == template) {
                continue;
            }
            requireName(s);
            Map<String, Entry> e = effective(s, template);
            Entry ip = required(s, e, "ip", "the host's address");
            Entry mode = required(s, e, "mode", "master or slave");
            boolean isMaster = switch (mode.value().toLowerCase(Locale.ROOT)) {
                case "master" -> true;
                case "slave", "replica" -> false;
                default -> throw error(mode, "mode must be master or slave, not '" + mode.value() + "'");
            };
            Entry portEntry = e.get("mysql_port");
            int port = portEntry == null ? 3306 : integer(portEntry, 1, 65535);
            Entry peer = e.get("peer");
            if (peer != null && (!all.containsKey(peer.value()) || peer.value().equals(MmmSchema.TEMPLATE))) {
                throw error(peer, "peer '" + peer.value() + "' is not defined (no <host " + peer.value()
                        + "> section)");
            }
            String endpoint = ip.value() + ":" + port;
            String other = endpoints.putIfAbsent(endpoint, s.name);
            if (other != null) {
                throw error(ip, "host " + s.name + " has the same address and port as host " + other + " ("
                        + endpoint + ")");
            }
            hosts.add(new Host(s.name, s, e, ip.value(), port, isMaster, null));
        }
        if (hosts.isEmpty()) {
            throw new MmmConfigException(firstFile(), 0, "no <host NAME> section: there is nothing to manage");
        }
        if (hosts.stream().noneMatch(Host::isMaster)) {
            Host h = hosts.get(0);
            throw new MmmConfigException(h.section().file, h.section().line,
                    "no host has mode master: Ringmaster needs at least one master");
        }
    }

    /** Gives each slave the master it replicates from: its peer when that is a master, else the writer's choice. */
    private void replicaMasters() {
        Role writer = roles.stream().filter(r -> r.mode().equals("exclusive")).findFirst().orElse(null);
        String hint;
        String why;
        if (writer != null && writer.prefer() != null) {
            hint = writer.prefer();
            why = "the preferred host of role " + writer.name();
        } else if (writer != null) {
            hint = writer.hosts().get(0);
            why = "the first host of role " + writer.name();
        } else {
            hint = hosts.stream().filter(Host::isMaster).findFirst().orElseThrow().name();
            why = "the first master";
        }
        for (int i = 0; i < hosts.size(); i++) {
            Host h = hosts.get(i);
            Entry peer = h.entries().get("peer");
            if (h.isMaster()) {
                if (peer != null) {
                    unmapped("host", peer, "Ringmaster's masters replicate from every other master; no peer is named");
                }
                continue;
            }
            String master;
            if (peer != null && isMaster(peer.value())) {
                master = peer.value();
                note(peer, h.name(), Kind.NOTE, "MMM slaves follow whichever master is active; Ringmaster needs a "
                        + "fixed master: set to " + master + ", this slave's peer");
            } else {
                if (peer != null) {
                    unmapped("host", peer, "the peer of a slave names no master");
                }
                master = hint;
                note(h.section().file, h.section().line, h.name(), Kind.NOTE, "MMM slaves follow whichever master "
                        + "is active; Ringmaster needs a fixed master: set to " + master + " (" + why + "); change "
                        + "hosts[].master if " + h.name() + " replicates from another master");
            }
            hosts.set(i, new Host(h.name(), h.section(), h.entries(), h.address(), h.port(), false, master));
        }
    }

    private boolean isMaster(String name) {
        return hosts.stream().anyMatch(h -> h.name().equals(name) && h.isMaster());
    }

    // ---- roles -------------------------------------------------------------------------------------------------

    private void roles() {
        Map<String, Section> all = doc.sections("role");
        Entry amr = doc.globals.get("active_master_role");
        String writer = amr == null ? null : amr.value();
        for (Section s : all.values()) {
            requireName(s);
            Entry mode = required(s, s.entries, "mode", "exclusive or balanced");
            String kind = mode.value().toLowerCase(Locale.ROOT);
            if (!kind.equals("exclusive") && !kind.equals("balanced")) {
                throw error(mode, "mode must be exclusive or balanced, not '" + mode.value() + "'");
            }
            Entry hostsEntry = required(s, s.entries, "hosts", "the hosts that may take the role");
            List<String> members = members(hostsEntry);
            Entry preferEntry = s.get("prefer");
            String prefer = preferEntry == null ? null : preferEntry.value();
            if (prefer != null && !members.contains(prefer)) {
                throw error(preferEntry, "prefer '" + prefer + "' is not one of the role's hosts");
            }
            List<String> ips = ips(s.get("ips"), kind);
            if (kind.equals("exclusive")) {
                if (writer == null) {
                    writer = s.name;
                } else if (!writer.equals(s.name)) {
                    unmapped("role", mode, "role " + s.name + " left out: Ringmaster has one exclusive role, the "
                            + "writer (" + writer + ")");
                    continue;
                }
                List<String> masters = members.stream().filter(this::isMaster).toList();
                for (String m : members) {
                    if (!masters.contains(m)) {
                        unmapped("role", hostsEntry, m + " left out of role " + s.name + ": it is a slave, and only "
                                + "masters take an exclusive role");
                    }
                }
                if (masters.isEmpty()) {
                    throw error(hostsEntry, "role " + s.name + " is exclusive but none of its hosts is a master");
                }
                if (prefer != null && !masters.contains(prefer)) {
                    prefer = null;
                }
                members = masters;
            } else if (s.name.equals(writer)) {
                throw error(mode, "active_master_role " + writer + " is a balanced role; it must be exclusive");
            }
            roles.add(new Role(s.name, kind, members, prefer, ips));
        }
        if (all.isEmpty()) {
            note(firstFile(), 0, "roles", Kind.NOTE, "no <role> section: Ringmaster's default roles apply (writer "
                    + "on the masters, reader on every host)");
        }
    }

    /** A role's {@code ips}: IPv4 addresses; an exclusive role keeps its first (Ringmaster gives it one). */
    private List<String> ips(Entry entry, String kind) {
        if (entry == null) {
            return List.of();
        }
        List<String> ips = split(entry.value());
        Set<String> seen = new HashSet<>();
        for (String ip : ips) {
            if (!IPV4.matcher(ip).matches()) {
                throw error(entry, "'" + ip + "' is not an IPv4 address");
            }
            if (!seen.add(ip)) {
                throw error(entry, "address " + ip + " is listed twice");
            }
            if (hosts.stream().anyMatch(h -> h.address().equals(ip))) {
                throw error(entry, "address " + ip + " is a host's own address, not a role address");
            }
        }
        if (kind.equals("exclusive") && ips.size() > 1) {
            unmapped("role", entry, "an exclusive role has one address in Ringmaster: kept " + ips.get(0)
                    + ", left out " + String.join(", ", ips.subList(1, ips.size())));
            return List.of(ips.get(0));
        }
        note(entry, "roles[].ips", Kind.NOTE, "the agents put " + String.join(", ", ips) + " on the role's holders, "
                + "as MMM's agents did, on a lease from the monitor");
        return ips;
    }

    // ---- agents ------------------------------------------------------------------------------------------------

    /**
     * One agent per host, as MMM ran {@code mmm_agentd} on each: {@code agent_port}, {@code cluster_interface} and
     * {@code mysql_rcscript} (stop and start of the server, for clone) map to {@code agents.hosts[]}.
     */
    private void agents() {
        Set<String> agentEndpoints = new HashSet<>();
        boolean roleIps = roles.stream().anyMatch(r -> !r.ips().isEmpty());
        for (Host h : hosts) {
            Entry port = h.entries().get("agent_port");
            Entry iface = h.entries().get("cluster_interface");
            Entry rc = h.entries().get("mysql_rcscript");
            boolean holdsIps = roles.stream().anyMatch(r -> !r.ips().isEmpty() && r.hosts().contains(h.name()));
            if (holdsIps && iface == null) {
                throw new MmmConfigException(h.section().file, h.section().line, h.section().tag() + " has no "
                        + "cluster_interface, which its agent needs to put the role addresses on");
            }
            int p = port == null ? 0 : integer(port, 1, 65535);
            int effective = p == 0 ? DEFAULT_AGENT_PORT : p;
            while (!agentEndpoints.add(h.address() + ":" + effective)) {
                effective++; // hosts on one address (a test setup): each agent needs a port of its own
            }
            if (effective != (p == 0 ? DEFAULT_AGENT_PORT : p)) {
                note(h.section().file, h.section().line, h.name(), Kind.NOTE, "another host's agent already uses "
                        + h.address() + ":" + (p == 0 ? DEFAULT_AGENT_PORT : p) + ": this host's agent gets port "
                        + effective);
                p = effective;
            }
            agents.add(new AgentEntry(h.name(), p, iface == null ? null : iface.value(),
                    rc == null ? null : rc.value()));
        }
        note(firstFile(), 0, "agents", Kind.NOTE, "one agent per host, as MMM's mmm_agentd: run 'ringmaster agent "
                + "--config FILE --host NAME' on each (the monitor waits for the old writer's agent before it promotes "
                + "another host, or for its lease to run out)" + (roleIps ? "" : "; no role has ips, so the agents "
                + "only fence and clone"));
    }

    /** True when every host's address is loopback (then the agents need no token). */
    private boolean allLoopback() {
        return hosts.stream().allMatch(h -> io.ringmaster.core.config.ApiAccess.isLoopback(h.address()));
    }

    private List<String> members(Entry hostsEntry) {
        List<String> members = split(hostsEntry.value());
        if (members.isEmpty()) {
            throw error(hostsEntry, "hosts names no host");
        }
        Set<String> seen = new HashSet<>();
        for (String m : members) {
            if (m.equals(MmmSchema.TEMPLATE) || hosts.stream().noneMatch(h -> h.name().equals(m))) {
                throw error(hostsEntry, "host '" + m + "' is not defined (no <host " + m + "> section)");
            }
            if (!seen.add(m)) {
                throw error(hostsEntry, "host '" + m + "' is listed twice");
            }
        }
        return members;
    }

    // ---- credentials -------------------------------------------------------------------------------------------

    /** One account for all hosts, from {@code WHAT_user} / {@code WHAT_password}; the password as a variable. */
    private Credential credential(String what, String userVar, String passwordVar) {
        String userKey = what + "_user";
        String passwordKey = what + "_password";
        Entry user = agreed(userKey);
        Entry password = agreed(passwordKey);
        String subject = "credentials." + what;
        if (user == null) {
            note(firstFile(), 0, subject, Kind.NOTE, "no " + userKey + " in the MMM files: written as ${" + userVar
                    + "} and ${" + passwordVar + "}; set both before starting Ringmaster");
            return new Credential(ref(userVar), ref(passwordVar));
        }
        if (what.equals("monitor")) {
            note(user, subject, Kind.NOTE, "Ringmaster's monitor also does the agent's SQL work (read_only, KILL, "
                    + "CHANGE MASTER): grant " + user.value() + " SUPER (or READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, "
                    + "CONNECTION ADMIN), PROCESS and rights on the heartbeat schema; MMM needed only "
                    + "REPLICATION CLIENT");
        }
        if (password == null) {
            note(user, subject, Kind.NOTE, "no " + passwordKey + " in the MMM files: the account is used without "
                    + "a password");
            return new Credential(YamlText.scalar(user.value()), null);
        }
        secrets.put(passwordVar, Secret.of(password.value()));
        note(password, subject + ".password", Kind.NOTE, "written as ${" + passwordVar + "}: set that variable to "
                + "the " + passwordKey + " of the MMM files before starting Ringmaster (the password is not copied)");
        return new Credential(YamlText.scalar(user.value()), ref(passwordVar));
    }

    /**
     * The value every host has for a key; when hosts differ, the first host's, with a note (password values are
     * never shown). Null when no host sets it.
     */
    private Entry agreed(String key) {
        Entry first = null;
        String firstHost = null;
        Set<Entry> noted = new HashSet<>();
        for (Host h : hosts) {
            Entry e = h.entries().get(key);
            if (e == null) {
                continue;
            }
            if (first == null) {
                first = e;
                firstHost = h.name();
            } else if (!e.value().equals(first.value()) && noted.add(e)) {
                String shown = e.secret() ? "" : " ('" + first.value() + "')";
                note(e, key, Kind.UNMAPPED, "differs from host " + firstHost + "'s; Ringmaster uses one account for "
                        + "all hosts, so " + firstHost + "'s" + shown + " is used");
            }
        }
        return first;
    }

    private static String ref(String var) {
        return YamlText.scalar("${" + var + "}");
    }

    // ---- keys with no equivalent -------------------------------------------------------------------------------

    private void unmappedKeys() {
        for (Entry e : doc.globals.values()) {
            String reason = MmmMapping.UNMAPPED.get("global." + e.key());
            if (reason != null) {
                unmapped("global", e, reason);
            }
        }
        for (Map<String, Section> byName : doc.sections.values()) {
            for (Section s : byName.values()) {
                for (Entry e : s.entries.values()) {
                    String reason = MmmMapping.UNMAPPED.get(s.type + "." + e.key());
                    if (reason != null) {
                        unmapped(s.type, e, reason);
                    }
                }
            }
        }
    }

    /** Counts an unmapped key; the same key with the same reason is reported once, at its first place. */
    void unmapped(String type, Entry e, String reason) {
        String key = type + "." + e.key() + "\n" + reason;
        unmappedFirst.putIfAbsent(key, e);
        unmappedCount.merge(key, 1, Integer::sum);
    }

    private void flushUnmapped() {
        unmappedFirst.forEach((key, e) -> {
            int n = unmappedCount.get(key);
            String reason = key.substring(key.indexOf('\n') + 1);
            note(e, e.key(), Kind.UNMAPPED, reason + (n > 1 ? " (set in " + n + " places)" : ""));
        });
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A section's entries over its template's, as MMM applied {@code <TYPE default>}. */
    static Map<String, Entry> effective(Section s, Section template) {
        Map<String, Entry> e = new LinkedHashMap<>();
        if (template != null) {
            e.putAll(template.entries);
        }
        if (s != null) {
            e.putAll(s.entries);
        }
        return e;
    }

    /** MMM's list values: comma-separated, blanks around commas ignored, empty items dropped. */
    static List<String> split(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private Entry required(Section s, Map<String, Entry> entries, String key, String what) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new MmmConfigException(s.file, s.line, s.tag() + " has no " + key + " (" + what + ")");
        }
        return e;
    }

    private void requireName(Section s) {
        if (!NAME.matcher(s.name).matches()) {
            throw new MmmConfigException(s.file, s.line, s.type + " name '" + s.name + "' is not valid in Ringmaster "
                    + "(a letter or digit, then letters, digits, _ . -; at most 64)");
        }
    }

    int integer(Entry e, int min, int max) {
        try {
            int n = Integer.parseInt(e.value());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error(e, e.key() + " must be a whole number from " + min + " to " + max + ", not '" + e.value() + "'");
    }

    /** A number of seconds as MMM wrote them ({@code 5}, {@code 0.5}). */
    Duration seconds(Entry e, boolean positive) {
        Duration d;
        try {
            if (!SECONDS.matcher(e.value()).matches()) {
                throw new IllegalArgumentException("not a number of seconds");
            }
            d = Durations.parse(e.value());
        } catch (IllegalArgumentException ex) {
            throw error(e, e.key() + " must be a number of seconds, not '" + e.value() + "'");
        }
        if (positive && d.isZero()) {
            throw error(e, e.key() + " must be greater than zero");
        }
        return d;
    }

    String firstFile() {
        return doc.files.get(0);
    }

    MmmConfigException error(Entry e, String problem) {
        return new MmmConfigException(e.file(), e.line(), problem);
    }

    void note(Entry e, String subject, Kind kind, String text) {
        note(e.file(), e.line(), subject, kind, text);
    }

    void note(String file, int line, String subject, Kind kind, String text) {
        notes.add(new MmmNote(file, line, subject, kind, text));
    }
}
