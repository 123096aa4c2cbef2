package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without servers: exit codes, one-line errors, aliases, help. */
class MainTest {
    private record Run(int exit, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Path config(Path dir, String hostsBlock) throws Exception {
        Path f = dir.resolve("ringmaster.yml");
        Files.writeString(f, """
                monitor: {listen: 127.0.0.1:1}
                credentials:
                  monitor: {user: mon, password: s3cret-pw}
                  replication: {user: repl, password: other-s3cret}
                hosts:
                """ + hostsBlock);
        return f;
    }

    @Test
    void shouldExitTwoWithOneLineNamingTheFieldOnABadConfig(@TempDir Path dir) throws Exception {
        Path f = config(dir, "  - {name: db1, address: 127.0.0.1, port: 70000}\n");

        Run r = run("show", "--config", f.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("hosts[db1].port").contains(f.toString());
        assertThat(r.err()).doesNotContain("s3cret");
    }

    @Test
    void shouldExitTwoOnAMissingConfigFile(@TempDir Path dir) {
        Run r = run("checks", "--config", dir.resolve("nope.yml").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no such file");
    }

    @Test
    void shouldExitTwoOnAnUnknownVerbOrMissingArgument() {
        assertThat(run("frobnicate").exit()).isEqualTo(2);
        assertThat(run("move-role", "writer").exit()).isEqualTo(2);
    }

    @Test
    void shouldSayWhenTheMonitorCannotBeReachedAndExitFour(@TempDir Path dir) throws Exception {
        Path f = config(dir, "  - {name: db1, address: 127.0.0.1, port: 3306}\n");

        Run r = run("set_online", "db1", "--config", f.toString());

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err().strip()).startsWith("ringmaster: cannot reach the monitor").doesNotContain("\n");
    }

    @Test
    void shouldTakeMmmFilesAsTheConfigurationOfAnyVerb(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mmm_common.conf"), """
                active_master_role writer
                <host default>
                    replication_user     replication
                    replication_password repl-s3cret
                </host>
                <host db1>
                    ip   127.0.0.1
                    mode master
                    peer db2
                </host>
                <host db2>
                    ip         127.0.0.1
                    mysql_port 3307
                    mode       master
                    peer db1
                </host>
                <role writer>
                    hosts db1, db2
                    mode  exclusive
                </role>
                """);
        Path mon = Files.writeString(dir.resolve("mmm_mon.conf"), """
                include mmm_common.conf
                <monitor>
                    ip   127.0.0.1
                    port 1
                </monitor>
                <host default>
                    monitor_user     mmm_monitor
                    monitor_password mon-s3cret
                </host>
                """);

        Run r = run("checks", "--config", mon.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(4);
        assertThat(r.err()).contains("ringmaster: cannot reach the monitor").contains("127.0.0.1:1")
                .doesNotContain("s3cret");
        Run bad = run("checks", "--config", Files.writeString(dir.resolve("bad_mon.conf"),
                "include mmm_common.conf\n<monitor>\n    port seventy\n</monitor>\n").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("bad_mon.conf").contains("port");
    }

    @Test
    void shouldRefuseAnUnknownCheckOrHostWithExitThree(@TempDir Path dir) throws Exception {
        Path f = config(dir, "  - {name: db1, address: 127.0.0.1, port: 3306}\n");

        Run r = run("checks", "db1", "pong", "--config", f.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("unknown check 'pong'");
        Run host = run("checks", "db9", "--config", f.toString());
        assertThat(host.exit()).isEqualTo(3);
        assertThat(host.err().strip()).isEqualTo("ringmaster: unknown host 'db9'");
    }

    @Test
    void shouldGiveHelpForEverySubcommand() {
        Run r = run("bootstrap", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--dry-run").contains("--async");
        assertThat(run("sandbox", "up", "--help").out()).contains("without a password");
    }

    @Test
    void shouldFormatShowLikeMmmControl() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"mode": "ACTIVE", "ready": true, "hosts": [
                  {"name": "db1", "address": "127.0.0.1:23301", "mode": "master", "state": "ONLINE",
                   "reason": "", "roles": ["writer", "reader"]},
                  {"name": "db3", "address": "127.0.0.1:23303", "mode": "replica", "state": "REPLICATION_FAIL",
                   "reason": "SQL thread stopped", "roles": []}],
                 "findings": [{"code": "ErrantTransactionsFound", "host": "db3",
                   "summary": "db3: errant transactions 3-3-1 (1 transaction)",
                   "howToClear": "remove them or rebuild the host (ringmaster errant db3)"}],
                 "routes": [{"name": "writer", "role": "writer", "listen": "127.0.0.1:6446",
                   "backends": [{"name": "db1", "open": 2, "total": 9}], "held": 1, "refused": 0}]}
                """);

        String text = ControlCommands.formatShow(json);

        assertThat(text).contains("  db1(127.0.0.1:23301) master/ONLINE. Roles: reader, writer\n")
                .contains("  db3(127.0.0.1:23303) replica/REPLICATION_FAIL. Roles:   (SQL thread stopped)\n")
                .contains("# Finding: db3: errant transactions 3-3-1 (1 transaction) [ErrantTransactionsFound; to clear: "
                        + "remove them or rebuild the host (ringmaster errant db3)]")
                .contains("# Route writer (writer) on 127.0.0.1:6446 -> db1 (open 2, total 9); held 1, refused 0");
    }

    @Test
    void shouldPingAsMmmAndExitFourWhenTheMonitorIsDown(@TempDir Path dir) throws Exception {
        Path f = config(dir, "  - {name: db1, address: 127.0.0.1, port: 3306}\n");

        Run r = run("ping", "--config", f.toString());

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).isEqualTo("ERROR: Can't connect to monitor daemon!\n");
        assertThat(r.err().strip()).startsWith("ringmaster: cannot reach the monitor").doesNotContain("\n");
    }

    @Test
    void shouldRefuseAnInvalidConfigInConfigCheckWithExitTwo(@TempDir Path dir) throws Exception {
        Path f = config(dir, "  - {name: db1, address: 127.0.0.1, port: 70000}\n");

        Run r = run("config", "check", "--config", f.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("hosts[db1].port");
        assertThat(run("config").exit()).isEqualTo(2);
    }

    @Test
    void shouldListEveryVerbWithItsWholeDescriptionInTheTopLevelHelp() {
        Run r = run("help");

        assertThat(r.exit()).isZero();
        String joined = r.out().replaceAll("\\s+", " ");
        assertThat(joined).contains("ping Check that the monitor is alive")
                .contains("config Work with the configuration file")
                // the second description line of these was cut before
                .contains("printing the estimated loss first")
                .contains("Settings that need a restart are reported with the exact config line to add.")
                .contains("Exit 0 only if nothing acknowledged was lost.");
        assertThat(run("--help").out()).isEqualTo(r.out());
    }

    @Test
    void shouldShowHostAndCheckAsOptionalInChecksUsage() {
        Run r = run("checks", "--help");

        assertThat(r.out()).contains("[HOST] [CHECK]");
    }
}
