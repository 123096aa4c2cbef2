package io.ringmaster.tools.bootstrap;

import java.util.List;

/**
 * Bootstrap cannot go on. {@link #problems()} lists every problem found, one line each, naming the host and,
 * where a restart is needed, the exact configuration line to add. Never contains a password.
 */
public final class BootstrapException extends Exception {
    private final List<String> problems;

    /** @param problems one line per problem, never empty */
    public BootstrapException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One problem. */
    public BootstrapException(String problem) {
        this(List.of(problem));
    }

    /** Every problem, one line each. */
    public List<String> problems() {
        return problems;
    }
}
