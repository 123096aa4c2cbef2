package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.core.decide.Finding;
import io.ringmaster.tools.lint.Lint;
import io.ringmaster.tools.lint.LintCheck;
import io.ringmaster.tools.lint.LintFinding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringmaster lint} on real servers (ports 22100-22199): a fresh sandbox lints clean but for its own
 * binlog_format=MIXED; after seeding a MyISAM table, a table without a primary key, read_only OFF on a replica and a
 * master's auto_increment_offset equal to the other's, the CLI names each on its hosts with the fix and exits with
 * their bits; the monitor reports the same as LintViolation findings.
 */
class LintIT {
    @Test
    void shouldFindSeededGotchasOnLiveServersAndTheMonitorShowsThem(@TempDir Path dir) throws Exception {
        try (Cluster c = Cluster.up(dir, 22100, 1)) {
            c.editConfig(y -> y.replace("monitor:\n", "monitor:\n  lint_period: 10s\n"));
            long t0 = System.nanoTime();
            Lint.Report clean = Lint.run(c.config, Optional.empty(), Duration.ofSeconds(10));
            System.out.printf("LINT clean sandbox: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // the sandbox logs MIXED (its row-format checksum test needs it): the one expected finding, per host
            assertThat(clean.findings()).extracting(LintFinding::check).containsOnly(LintCheck.BINLOG);
            assertThat(clean.findings()).hasSize(4);
            assertThat(clean.exitCode()).isEqualTo(16);

            ChecksumIT.exec(c.config, "db1", "CREATE DATABASE app",
                    "CREATE TABLE app.legacy (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
                    "CREATE TABLE app.events (v INT) ENGINE=InnoDB");
            c.sandbox.awaitReplication(Duration.ofSeconds(30));
            ChecksumIT.exec(c.config, "db3", "SET GLOBAL read_only = OFF");
            ChecksumIT.exec(c.config, "db2", "SET GLOBAL auto_increment_offset = 1");

            Cli run = Cli.run("lint", "--config", c.sandbox.configFile().toString(), "--json");
            assertThat(run.exit()).as(run.err()).isEqualTo(4 | 8 | 16 | 64);
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.get("exitCode").asInt()).isEqualTo(92);
            Set<String> found = new TreeSet<>();
            report.get("findings").forEach(f -> found.add(f.get("host").asText() + " " + f.get("check").asText()));
            assertThat(found).contains("db1 non-innodb", "db2 non-innodb", "db3 non-innodb", "db4 non-innodb",
                    "db1 no-primary-key", "db4 no-primary-key", "db3 read-only", "db2 auto-increment")
                    .doesNotContain("db1 read-only", "db1 auto-increment", "db4 read-only");
            JsonNode myisam = finding(report, "db3", "non-innodb");
            assertThat(myisam.get("problem").asText()).contains("app.legacy (MyISAM)");
            assertThat(myisam.get("fix").asText()).isEqualTo("ALTER TABLE `app`.`legacy` ENGINE=InnoDB;");
            assertThat(finding(report, "db3", "read-only").get("fix").asText()).startsWith("SET GLOBAL read_only = ON");
            assertThat(finding(report, "db2", "auto-increment").get("problem").asText())
                    .contains("auto_increment_offset 1 is also db1's");
            assertThat(finding(report, "db2", "auto-increment").get("fix").asText())
                    .contains("auto_increment_increment = 2, auto_increment_offset = 2");
            Cli text = Cli.run("lint", "--config", c.sandbox.configFile().toString());
            assertThat(text.exit()).isEqualTo(92);
            assertThat(text.out()).contains("db3  read-only  read_only is OFF on a replica")
                    .contains("    fix: SET GLOBAL read_only = ON");

            // a monitor starting with two writable hosts goes PASSIVE (careful start-up): put db3 back first
            ChecksumIT.exec(c.config, "db3", "SET GLOBAL read_only = ON");
            c.startMonitor();
            long started = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> codes(c.monitor.currentFindings())
                    .containsAll(List.of("db2 non-innodb", "db2 auto-increment", "db4 no-primary-key")));
            System.out.printf("LINT monitor findings %d ms after its start%n", (System.nanoTime() - started) / 1_000_000);
            assertThat(c.monitor.currentFindings()).filteredOn(f -> f instanceof Finding.LintViolation)
                    .anySatisfy(f -> assertThat(f.howToClear()).contains("ALTER TABLE `app`.`legacy` ENGINE=InnoDB"));
        }
    }

    private static JsonNode finding(JsonNode report, String host, String check) {
        for (JsonNode f : report.get("findings")) {
            if (f.get("host").asText().equals(host) && f.get("check").asText().equals(check)) {
                return f;
            }
        }
        throw new AssertionError("no " + check + " finding on " + host + " in " + report);
    }

    private static Set<String> codes(List<Finding> findings) {
        Set<String> out = new TreeSet<>();
        findings.stream().filter(f -> f instanceof Finding.LintViolation).map(f -> (Finding.LintViolation) f)
                .forEach(f -> out.add(f.host() + " " + f.check()));
        return out;
    }
}
