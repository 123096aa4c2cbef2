package io.ringmaster.tools.bootstrap;

import java.util.List;

/**
 * What bootstrap will do, host by host, before it does anything.
 *
 * @param initialWriter the master that will be writable
 * @param actions       the changes, in the order they will be made; empty when everything is in place
 * @param notes         things that are fine now but need a configuration line to survive a restart
 */
public record BootstrapPlan(String initialWriter, List<Action> actions, List<String> notes) {
    public BootstrapPlan {
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
    }

    /**
     * One change on one host.
     *
     * @param host        host name
     * @param description what and why, printable (never contains a password)
     * @param statements  the SQL to run, in order, on one connection (may contain the replication password)
     */
    public record Action(String host, String description, List<String> statements) {
        public Action {
            statements = List.copyOf(statements);
        }

        @Override
        public String toString() {
            return host + ": " + description;
        }
    }
}
