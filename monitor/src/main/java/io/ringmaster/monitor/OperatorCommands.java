package io.ringmaster.monitor;

import io.ringmaster.core.analysis.ErrantTransactions;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.RoleConfig;
import io.ringmaster.core.model.HostState;
import io.ringmaster.core.model.MonitorMode;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.plan.Planner;
import io.ringmaster.core.plan.WriterChange;
import io.ringmaster.core.roles.CandidateChoice;
import io.ringmaster.core.roles.CandidateChooser;
import io.ringmaster.core.roles.RoleAssigner;
import io.ringmaster.core.state.ClusterState;
import io.ringmaster.core.state.HostRecord;
import io.ringmaster.core.state.StateMachine;
import io.ringmaster.mysql.SqlActions;
import io.ringmaster.mysql.SqlErrors;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MMM's operator commands ({@code set-online}, {@code set-offline}, {@code move-role}, mode changes,
 * {@code acknowledge}) and the read-only reports beside them (loss estimate, errant transactions). Each checks
 * what it is asked against the state, changes the state through the monitor (which persists it), and moves the
 * writer through {@link WriterChanges}. Refusals are {@link CommandRefused} with a one-line reason.
 *
 * <p>Called by the monitor with its lock held, except the reports, which only read.
 */
final class OperatorCommands {
    private static final Logger log = LoggerFactory.getLogger(OperatorCommands.class);
    private final RingmasterConfig config;
    private final Clock clock;
    private final String writerRole;
    private final StateMachine machine;
    private final SqlActions sql;
    private final ErrantWatch errant;
    private final Journal journal;
    private final WriterChanges changes;
    private final WriterChanges.MonitorState monitor;
    private final Runnable onAcknowledged;
    private final java.util.function.Function<String, HostObservation> probeNow;

    private final java.util.function.Supplier<Map<String, List<io.ringmaster.core.privilege.PrivilegeGap>>>
            privilegeGaps;

    OperatorCommands(RingmasterConfig config, Clock clock, StateMachine machine, SqlActions sql, ErrantWatch errant,
                     Journal journal, WriterChanges changes, WriterChanges.MonitorState monitor,
                     Runnable onAcknowledged,
                     java.util.function.Supplier<Map<String, List<io.ringmaster.core.privilege.PrivilegeGap>>> gaps,
                     java.util.function.Function<String, HostObservation> probeNow) {
        this.probeNow = probeNow;
        this.privilegeGaps = gaps;
        this.config = config;
        this.clock = clock;
        this.writerRole = config.writerRole().map(RoleConfig::name).orElse("");
        this.machine = machine;
        this.sql = sql;
        this.errant = errant;
        this.journal = journal;
        this.changes = changes;
        this.monitor = monitor;
        this.onAcknowledged = onAcknowledged;
    }

    private ClusterState state() {
        return monitor.state();
    }

    private void set(ClusterState next) {
        monitor.commit(next);
    }

    /**
     * {@code set-online HOST}.
     *
     * @return MMM's confirmation line
     * @throws CommandRefused with the reason
     */
    String setOnline(String host) throws CommandRefused {
        requireHost(host); // an unknown host is the same answer (404) in every mode
        requireChangesAllowed();
        if (state().host(host) != null && state().host(host).state() == HostState.ONLINE) {
            return "OK: This host is already ONLINE. Skipping command.";
        }
        List<ErrantTransactions.Range> bad = errant.now(state().holder(writerRole), host);
        if (!bad.isEmpty()) {
            throw new CommandRefused(409, "host '" + host + "' holds errant transactions "
                    + ErrantTransactions.describe(bad) + " that the writer does not have; rebuild it from a donor "
                    + "(ringmaster rebuild " + host + "), or remove them first (ringmaster errant " + host + ")");
        }
        HostRecord before = state().host(host);
        HostObservation fresh = probeNow.apply(host);
        try {
            set(machine.setOnline(state(), host, clock.instant(), fresh));
        } catch (IllegalStateException e) {
            throw new CommandRefused(409, e.getMessage());
        }
        applyRoles();

        log.info("{}: set ONLINE by operator", host);
        if (before != null && before.uptimeSeconds() >= 0 && fresh.uptimeSeconds() < before.uptimeSeconds()) {
            log.info("{}: restarted while {} (Uptime {} s -> {} s): set-online takes the server as it is now, and "
                    + "counts restarts from here", host, before.state(), before.uptimeSeconds(), fresh.uptimeSeconds());
        }
        if (state().ring().isOut(host)) {
            log.info("{}: out of the ring since it failed; the next round puts it back at its place", host);
        }
        return "OK: State of '" + host + "' changed to ONLINE. Now you can wait some time and check its new roles!";
    }

    /**
     * {@code set-offline HOST}: the writer role is first moved away by a switchover, and the answer says to whom.
     *
     * @throws CommandRefused with the reason
     */
    String setOffline(String host) throws CommandRefused {
        requireHost(host); // an unknown host is the same answer (404) in every mode
        requireChangesAllowed();
        if (state().host(host) != null && state().host(host).state() == HostState.ADMIN_OFFLINE) {
            return "OK: This host is already ADMIN_OFFLINE. Skipping command.";
        }
        String switchedTo = null;
        if (state().holder(writerRole).filter(host::equals).isPresent()) {
            HostRecord rec = state().host(host);
            if (rec != null && rec.state() == HostState.ONLINE) {
                CandidateChoice choice = CandidateChooser.choose(config, state(), monitor.lastObservation(),
                        Optional.of(host), Optional.ofNullable(monitor.lastGood().get(host)).map(HostObservation::gtidDomainId));
                String to = choice.candidate().orElseThrow(() -> new CommandRefused(409,
                        "'" + host + "' holds the writer role and no other master can take it: " + choice.summary()));
                switchover(host, to, "set-offline " + host);
                switchedTo = to;
            }
        }
        try {
            set(machine.setOffline(state(), host, clock.instant()));
        } catch (IllegalStateException e) {
            throw new CommandRefused(409, e.getMessage());
        }
        applyRoles();

        log.info("{}: set ADMIN_OFFLINE by operator", host);
        return "OK: State of '" + host + "' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!"
                + (switchedTo == null ? "" : " It held role '" + writerRole + "': switched over to '" + switchedTo
                + "' first (no transaction lost).");
    }

    /**
     * {@code move-role [--force] ROLE HOST}. With {@code force}, HOST may be in REPLICATION_DELAY or
     * REPLICATION_FAIL (the catch-up is still tried, bounded, and what it could not apply is lost and reported), and
     * a writer that does not answer is failed over on the operator's word (when the monitor cannot confirm its
     * death itself: {@code WriterUnconfirmed}).
     *
     * @throws CommandRefused with the reason
     */
    String moveRole(String role, String host, boolean force) throws CommandRefused {
        RoleConfig rc = config.role(role).orElseThrow(() -> new CommandRefused(404, "unknown role '" + role + "'"));
        requireHost(host); // unknown role or host: the same answer (404) in every mode
        requireChangesAllowed();
        if (!rc.isExclusive()) {
            throw new CommandRefused(409, "role '" + role + "' is balanced: every ONLINE host in it holds it; "
                    + "nothing to move");
        }
        if (!rc.hosts().contains(host)) {
            throw new CommandRefused(409, "host '" + host + "' may not hold role '" + role + "'");
        }
        Optional<String> current = state().holder(role);
        if (current.filter(host::equals).isPresent()) {
            return "OK: Role is on '" + host + "' already. Skipping command.";
        }
        HostRecord rec = state().host(host);
        boolean forcible = force && rec != null && (rec.state() == HostState.REPLICATION_DELAY
                || rec.state() == HostState.REPLICATION_FAIL);
        if (!errant.of(host).isEmpty()) {
            throw new CommandRefused(409, "host '" + host + "' holds errant transactions "
                    + ErrantTransactions.describe(errant.of(host)) + "; it cannot take role '" + role + "'");
        }
        if (rec == null || (rec.state() != HostState.ONLINE && !forcible)) {
            throw new CommandRefused(409, "host '" + host + "' is " + (rec == null ? "not checked yet"
                    : rec.state() + (rec.reason().isEmpty() ? "" : " (" + rec.reason() + ")"))
                    + "; only an ONLINE host can take role '" + role + "'"
                    + (rec != null && rec.state().name().startsWith("REPLICATION") ? " (or use --force)" : ""));
        }
        Optional<String> stranded = monitor.strandedWriter().filter(w -> !w.equals(host));
        if (current.isEmpty() && stranded.isPresent()) {
            // the role was taken from a writer and no one holds it yet: this is the failover from it, not a first
            // promotion (which would leave the host replicating from the old writer)
            switchover(stranded.get(), host, "move-role " + role + " " + host + (force ? " --force" : ""), force,
                    false);
            return "OK: Role '" + role + "' has been moved from '" + stranded.get() + "' to '" + host + "'.";
        }
        if (current.isEmpty()) {
            WriterChange first = Planner.initial(state(), host);
            Optional<String> lacking = io.ringmaster.core.decide.PrivilegeCheck.blocking(first, privilegeGaps.get());
            if (lacking.isPresent()) {
                throw new CommandRefused(409, "not promoting " + host + ": " + lacking.get()
                        + " (ringmaster grants prints the GRANT)");
            }
            RecoveryRecord r = changes.execute(first, "move-role " + role + " " + host, force);
            if (!r.success()) {
                throw new CommandRefused(409, "move-role refused: " + r.outcome());
            }
            return "OK: Role '" + role + "' has been given to '" + host + "'.";
        }
        String lossNote = "";
        if (forcible) {
            long loss = estimatedLoss(current.get(), host);
            log.warn("move-role --force {} {}: {} is {}; estimated loss {} transaction(s)", role, host, host,
                    rec.state(), loss);
            // the operator's word stands for the proof: the host counts as ONLINE for this change
            Map<String, HostRecord> hosts = new LinkedHashMap<>(state().hosts());
            hosts.put(host, rec.withState(HostState.ONLINE, clock.instant(), ""));
            set(state().withHosts(hosts, clock.instant()));
        }
        try {
            boolean writerSilent = monitor.lastObservation().get(current.get()) == null
                    || !monitor.lastObservation().get(current.get()).sqlOk();
            // a host whose replication is stopped first replicates from the writer, to fetch what it lacks
            switchover(current.get(), host, "move-role " + (force ? "--force " : "") + role + " " + host,
                    forcible || (force && writerSilent), forcible && rec.state() == HostState.REPLICATION_FAIL);
        } catch (CommandRefused e) {
            if (forcible) {
                Map<String, HostRecord> hosts = new LinkedHashMap<>(state().hosts());
                hosts.put(host, rec);
                set(state().withHosts(hosts, clock.instant()));
            }
            throw e;
        }
        if (forcible) {

            lossNote = " Forced: " + estimatedLoss(current.get(), host) + " transaction(s) of '" + current.get()
                    + "' are not on '" + host + "'.";
        }
        return "OK: Role '" + role + "' has been moved from '" + current.get() + "' to '" + host
                + "'. Now you can wait some time and check new roles info!" + lossNote;
    }

    /**
     * Switches the monitor mode.
     *
     * @throws CommandRefused while starting
     */
    String setMode(MonitorMode mode) throws CommandRefused {
        if (state().mode() == mode) {
            return "OK: Already in " + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode.";
        }
        set(state().withMode(mode, clock.instant()));

        log.info("mode set to {} by operator", mode);
        return "OK: Switched into " + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode.";
    }

    private void switchover(String from, String to, String why) throws CommandRefused {
        switchover(from, to, why, false, false);
    }

    private void switchover(String from, String to, String why, boolean forced, boolean restartTarget)
            throws CommandRefused {
        boolean answers = monitor.lastObservation().get(from) != null && monitor.lastObservation().get(from).sqlOk();
        if (!answers && !forced) {
            throw new CommandRefused(409, "the writer '" + from + "' does not answer; a failover, not a switchover, "
                    + "is needed (move-role --force runs one when the monitor cannot confirm it by itself)");
        }
        // forced with a writer that does not answer: the operator's word stands for the proof that it is dead
        WriterChange change = !answers ? Planner.failover(config, state(), from, to)
                : restartTarget ? Planner.forcedSwitchover(config, state(), from, to)
                : Planner.switchover(config, state(), from, to);
        java.util.Optional<String> lacking = io.ringmaster.core.decide.PrivilegeCheck.blocking(change,
                privilegeGaps.get());
        if (lacking.isPresent()) { // refused before the first step, as the decider refuses a failover
            throw new CommandRefused(409, "not starting the " + change.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " " + from + " -> " + to + ": " + lacking.get() + " (ringmaster grants prints the GRANT)");
        }
        RecoveryRecord r = changes.execute(change, why, forced);
        if (!r.success()) {
            throw new CommandRefused(409, "switchover refused, '" + from + "' stays the writer: " + r.outcome());
        }
        applyRoles();
    }

    /** Transactions in {@code from}'s binary log that {@code to} has not applied; -1 when unknown. */
    private long estimatedLoss(String from, String to) {
        try {
            return sql.currentPosition(config.host(to)).missingFrom(sql.binlogPosition(config.host(from)));
        } catch (SQLException e) {
            HostObservation f = monitor.lastGood().get(from);
            HostObservation t = monitor.lastGood().get(to);
            return f == null || t == null ? -1 : t.currentPos().missingFrom(f.binlogPos());
        }
    }

    /**
     * The estimated loss of {@code move-role --force ROLE HOST}, before acting: how many of the current holder's
     * transactions HOST has not applied.
     *
     * @throws CommandRefused for an unknown role or host, or when the role has no holder
     */
    Map<String, Object> lossEstimate(String role, String host) throws CommandRefused {
        requireHost(host);
        config.role(role).orElseThrow(() -> new CommandRefused(404, "unknown role '" + role + "'"));
        String from = state().holder(role).orElseThrow(() -> new CommandRefused(409, "role '" + role + "' has no holder"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role);
        out.put("from", from);
        out.put("to", host);
        out.put("state", state().host(host) == null ? "UNKNOWN" : state().host(host).state().name());
        out.put("missingTransactions", estimatedLoss(from, host));
        return out;
    }

    /**
     * {@code errant HOST}: the GTIDs HOST has that the writer does not, read now from both.
     *
     * @throws CommandRefused when the host is unknown or either server cannot be read
     */
    Map<String, Object> errantReport(String host) throws CommandRefused {
        requireHost(host);
        String writer = state().holder(writerRole).orElseThrow(() -> new CommandRefused(409, "there is no writer to compare with"));
        try {
            var hostPos = sql.currentPosition(config.host(host));
            var writerPos = sql.currentPosition(config.host(writer));
            List<ErrantTransactions.Range> ranges = ErrantTransactions.find(hostPos, writerPos);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("host", host);
            out.put("writer", writer);
            out.put("hostPosition", hostPos.toString());
            out.put("writerPosition", writerPos.toString());
            out.put("errant", ranges.stream().map(ErrantTransactions.Range::toString).toList());
            out.put("count", ranges.stream().mapToLong(ErrantTransactions.Range::count).sum());
            return out;
        } catch (SQLException e) {
            throw new CommandRefused(409, "cannot read GTID positions: " + SqlErrors.describe(e));
        }
    }

    /**
     * {@code acknowledge}: an operator has looked at the last automatic failover; the next one may run without
     * waiting for the anti-flap block period.
     */
    String acknowledge() throws CommandRefused {
        try {
            String what = journal.acknowledge();
            onAcknowledged.run();
            log.warn("operator {}", what);
            return "OK: " + what;
        } catch (IOException e) {
            throw new CommandRefused(409, "cannot write the journal: " + e.getMessage());
        }
    }

    private void applyRoles() {
        if (state().mode() == MonitorMode.PASSIVE) {
            return;
        }
        RoleAssigner.Assignment a = RoleAssigner.assign(config, state());
        a.roles().forEach((role, holders) -> {
            if (!holders.equals(state().holders(role))) {
                log.info("role {}: {} -> {}", role, state().holders(role), holders);
            }
        });
        set(state().withRoles(a.roles()));
    }

    /** MMM refuses commands that change hosts or roles in PASSIVE mode, with this exact line. */
    private void requireChangesAllowed() throws CommandRefused {
        if (!state().mode().allowsOperatorChanges()) {
            throw new CommandRefused(409, MonitorMode.ONLY_IN_ACTIVE_MODE);
        }
    }

    private void requireHost(String host) throws CommandRefused {
        if (config.findHost(host).isEmpty()) {
            throw new CommandRefused(404, "unknown host '" + host + "'");
        }
    }
}
