package io.ringmaster.tools.lint;

import java.util.Objects;

/**
 * One violation on one host, with the exact fix. Immutable.
 *
 * @param host    the host it is about
 * @param check   the check that found it
 * @param problem what is wrong, one line (names the variable or table and its value)
 * @param fix     the statement or configuration line that fixes it, one line
 */
public record LintFinding(String host, LintCheck check, String problem, String fix) {
    public LintFinding {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }
}
