package io.ringmaster.tools.lint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link Lint.Report} for people (text) and scripts (JSON). Stateless. */
public final class LintReportFormat {
    private LintReportFormat() {}

    /** One block per finding: {@code HOST  CHECK  problem} then {@code   fix: ...}; a summary line at the end. */
    public static String text(Lint.Report r) {
        StringBuilder b = new StringBuilder();
        for (LintFinding f : r.findings()) {
            b.append(f.host()).append("  ").append(f.check().code()).append("  ").append(f.problem()).append('\n');
            b.append("    fix: ").append(f.fix()).append('\n');
        }
        b.append(r.findings().isEmpty() ? "lint: clean" : "lint: " + r.findings().size() + " finding(s)")
                .append(" (exit ").append(r.exitCode()).append(", ").append(r.elapsed().toMillis()).append(" ms)\n");
        return b.toString();
    }

    /** {@code {"exitCode", "elapsedMs", "findings": [{"host", "check", "bit", "problem", "fix"}]}}. */
    public static String json(Lint.Report r) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (LintFinding f : r.findings()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("host", f.host());
            e.put("check", f.check().code());
            e.put("bit", f.check().status().bit());
            e.put("problem", f.problem());
            e.put("fix", f.fix());
            list.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exitCode", r.exitCode());
        out.put("elapsedMs", r.elapsed().toMillis());
        out.put("findings", list);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
