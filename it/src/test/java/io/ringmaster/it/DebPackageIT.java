package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .deb} the build made ({@code cli/target/ringmaster_VERSION_all.deb}, by jdeb): its contents, then, as
 * root, a real {@code dpkg -i} (the postinst makes the {@code ringmaster} user and folders), {@code ringmaster
 * --version} through the installed launcher with no {@code JAVA_HOME} (it finds a Java 21+ by itself), the monitor
 * unit's command as the unit's user until SIGTERM, {@code systemd-analyze verify} of the three units, and {@code dpkg --purge}, which leaves no file, user or group behind.
 * Not root: the package is extracted into a folder and its launcher run from there. A machine that already has a
 * {@code ringmaster} package installed is not touched (the test says so and extracts instead).
 */
class DebPackageIT {
    private static final List<String> UNITS = List.of("ringmaster-monitor.service", "ringmaster-router.service",
            "ringmaster-agent.service");

    private record Run(int exit, String out) {}

    /** XDG_CACHE_HOME of every command run here (not root's ~/.cache). */
    private static Path cacheHome;

    @Test
    void shouldInstallRunVerifyAndPurgeThePackage(@TempDir Path dir) throws Exception {
        cacheHome = dir.resolve("cache"); // the launcher's class data sharing archives, removed with dir
        Path deb = builtDeb();
        String contents = run(List.of("dpkg-deb", "--contents", deb.toString()), Map.of()).out();
        for (String path : List.of("./usr/bin/ringmaster", "./usr/share/ringmaster/ringmaster.jar",
                "./usr/lib/systemd/system/ringmaster-monitor.service", "./usr/lib/systemd/system/ringmaster-router.service",
                "./usr/lib/systemd/system/ringmaster-agent.service", "./etc/ringmaster/ringmaster.env",
                "./usr/share/doc/ringmaster/ringmaster.txt", "./usr/share/doc/ringmaster/README.md",
                "./usr/share/doc/ringmaster/ringmaster.yml.example")) {
            assertThat(contents).as("package contents").contains(path);
        }
        assertThat(contents).containsPattern("-rwxr-xr-x root/root .* \\./usr/bin/ringmaster");
        String version = run(List.of("dpkg-deb", "--field", deb.toString(), "Version"), Map.of()).out().strip();
        long t0 = System.nanoTime();
        boolean root = "0".equals(run(List.of("id", "-u"), Map.of()).out().strip());
        // a package or a user of that name from before (not this test's): leave the machine's own alone
        boolean installedBefore = run(List.of("dpkg-query", "-W", "-f=${Status}", "ringmaster"), Map.of()).out()
                .contains("install ok installed") || run(List.of("getent", "passwd", "ringmaster"), Map.of()).exit() == 0;
        if (!root || installedBefore) {
            System.out.println("DEB-PACKAGE " + (root ? "a ringmaster package or user exists already: not touched;"
                    : "not root:") + " extracting instead of dpkg -i");
            Path into = dir.resolve("root");
            assertThat(run(List.of("dpkg-deb", "--extract", deb.toString(), into.toString()), Map.of()).exit()).isZero();
            Run v = run(List.of(into.resolve("usr/bin/ringmaster").toString(), "--version"),
                    Map.of("RINGMASTER_JAR", into.resolve("usr/share/ringmaster/ringmaster.jar").toString()));
            assertThat(v.exit()).as(v.out()).isZero();
            assertThat(v.out()).contains("ringmaster 0.1.0");
            return;
        }
        try {
            Run install = run(List.of("dpkg", "-i", deb.toString()), Map.of());
            assertThat(install.exit()).as(install.out()).isZero();
            assertThat(run(List.of("dpkg-query", "-W", "-f=${Version}", "ringmaster"), Map.of()).out()).isEqualTo(version);
            // the postinst's user, group and folders
            assertThat(run(List.of("getent", "passwd", "ringmaster"), Map.of()).out())
                    .contains(":/var/lib/ringmaster:/usr/sbin/nologin");
            assertThat(run(List.of("stat", "-c", "%U:%G %a", "/var/lib/ringmaster"), Map.of()).out().strip())
                    .isEqualTo("ringmaster:ringmaster 750");
            assertThat(run(List.of("stat", "-c", "%U:%G %a", "/etc/ringmaster/ringmaster.env"), Map.of()).out().strip())
                    .isEqualTo("root:ringmaster 640");

            // the launcher finds a Java 21+ without JAVA_HOME, also with only /usr/bin and /bin on PATH
            Run v = run(List.of("/usr/bin/ringmaster", "--version"), Map.of("PATH", "/usr/bin:/bin"));
            assertThat(v.exit()).as(v.out()).isZero();
            assertThat(v.out().strip()).isEqualTo("ringmaster 0.1.0");
            // the class data sharing archive of short commands, made at the first run's exit, used by the next
            assertThat(cacheHome.resolve("ringmaster/cds/cli.jsa")).isNotEmptyFile();
            assertThat(run(List.of("/usr/bin/ringmaster", "--version"), Map.of("PATH", "/usr/bin:/bin")).out().strip())
                    .isEqualTo("ringmaster 0.1.0");
            Run help = run(List.of("/usr/bin/ringmaster", "monitor", "--help"), Map.of("PATH", "/usr/bin:/bin"));
            assertThat(help.out()).contains("--log-format", "--config");
            // a bad argument: one line, exit 2, as the user the units run as
            Run bad = run(List.of("runuser", "-u", "ringmaster", "--", "/usr/bin/ringmaster", "--log-format", "xml",
                    "ping"), Map.of("PATH", "/usr/bin:/bin"));
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.out().strip()).isEqualTo("ringmaster: --log-format must be text or json, not 'xml'");

            // the units: systemd's own checker, on the installed files (it also checks that ExecStart exists)
            Path analyze = Path.of("/usr/bin/systemd-analyze");
            if (Files.isExecutable(analyze)) {
                List<String> cmd = new ArrayList<>(List.of(analyze.toString(), "verify"));
                UNITS.forEach(u -> cmd.add("/usr/lib/systemd/system/" + u));
                Run verify = run(cmd, Map.of());
                List<String> ours = verify.out().lines().filter(l -> l.contains("ringmaster")).toList();
                assertThat(verify.exit()).as(verify.out()).isZero();
                assertThat(ours).as("systemd-analyze verify about our units").isEmpty();
            } else {
                System.out.println("DEB-PACKAGE no systemd-analyze here: unit files checked by their keys only");
            }
            runMonitorAsTheUnitDoes();
            for (String u : UNITS) {
                String unit = Files.readString(Path.of("/usr/lib/systemd/system", u));
                assertThat(unit).as(u).contains("Restart=on-failure", "KillSignal=SIGTERM",
                        "/etc/ringmaster/ringmaster.yml", "ExecStart=/usr/bin/ringmaster ");
                assertThat(unit).as(u).containsPattern("(?m)^User=(ringmaster|root)$");
            }
        } finally {
            Run purge = run(List.of("dpkg", "--purge", "ringmaster"), Map.of());
            assertThat(purge.exit()).as(purge.out()).isZero();
        }
        // nothing left behind
        assertThat(run(List.of("dpkg-query", "-W", "-f=${Status}", "ringmaster"), Map.of()).out())
                .doesNotContain("installed");
        assertThat(run(List.of("getent", "passwd", "ringmaster"), Map.of()).exit()).isNotZero();
        assertThat(run(List.of("getent", "group", "ringmaster"), Map.of()).exit()).isNotZero();
        for (String p : List.of("/usr/bin/ringmaster", "/usr/share/ringmaster", "/etc/ringmaster", "/var/lib/ringmaster",
                "/usr/lib/systemd/system/ringmaster-monitor.service")) {
            assertThat(Path.of(p)).as(p).doesNotExist();
        }
        System.out.printf("DEB-PACKAGE %s: dpkg -i, --version, systemd-analyze verify, dpkg --purge in %d ms%n",
                deb.getFileName(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * The monitor unit's command as its user ({@code setpriv} execs, so the JVM gets the signal): it starts from the
     * packaged jar with {@code --log-format json}, serves the API and the topology page, writes its state under
     * /var/lib/ringmaster, and SIGTERM stops it within 15 s. No database: the configured hosts' ports are closed.
     */
    private static void runMonitorAsTheUnitDoes() throws Exception {
        Path config = Path.of("/etc/ringmaster/ringmaster.yml");
        Files.writeString(config, """
                cluster: packaged
                monitor: {listen: 127.0.0.1:24191, state_file: /var/lib/ringmaster/ringmaster-state.json}
                credentials:
                  monitor: {user: ringmaster, password: "${RINGMASTER_PASSWORD}"}
                  replication: {user: repl, password: "${REPL_PASSWORD}"}
                hosts:
                  - {name: db1, address: 127.0.0.1, port: 24192, mode: master}
                  - {name: db2, address: 127.0.0.1, port: 24193, mode: master}
                roles:
                  - {name: writer, mode: exclusive, hosts: [db1, db2]}
                  - {name: reader, mode: balanced, hosts: [db1, db2]}
                """);
        Path log = Files.createTempFile("ringmaster-deb-monitor", ".log");
        Process p = null;
        try {
            run(List.of("chgrp", "ringmaster", config.toString()), Map.of());
            run(List.of("chmod", "0640", config.toString()), Map.of());
            ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=ringmaster", "--regid=ringmaster",
                    "--init-groups", "--", "/usr/bin/ringmaster", "monitor", "--config", config.toString(),
                    "--log-format", "json").redirectErrorStream(true).redirectOutput(log.toFile())
                    .directory(new java.io.File("/var/lib/ringmaster"));
            pb.environment().remove("JAVA_HOME");
            pb.environment().put("PATH", "/usr/bin:/bin");
            pb.environment().put("RINGMASTER_PASSWORD", "not-used-no-server-0123");
            pb.environment().put("REPL_PASSWORD", "not-used-no-server-4567");
            p = pb.start();
            var http = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(1)).build();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:24191"
                            + path)).timeout(java.time.Duration.ofSeconds(2)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            };
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            java.net.http.HttpResponse<String> ping = null;
            while (System.nanoTime() < deadline && p.isAlive() && (ping = get.apply("/api/v1/ping")) == null) {
                Thread.sleep(200);
            }
            assertThat(ping).as("the packaged monitor's API within 30 s: " + Files.readString(log)).isNotNull();
            assertThat(ping.statusCode()).isEqualTo(200);
            var page = get.apply("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Ringmaster</title>");
            long term = System.nanoTime();
            run(List.of("kill", "-TERM", Long.toString(p.pid())), Map.of());
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("stopped within 15 s of SIGTERM").isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isIn(0, 143);
            String out = Files.readString(log);
            assertThat(out).contains("\"formattedMessage\":\"monitor stopped\"");
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
                assertThat(json.readTree(line).path("level").isTextual()).as(line).isTrue();
            }
            System.out.printf("DEB-PACKAGE monitor as user ringmaster: API up, SIGTERM to exit %d in %d ms%n",
                    p.exitValue(), (System.nanoTime() - term) / 1_000_000);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
            Files.deleteIfExists(config);
            // what the test's monitor wrote; the package's purge keeps a non-empty /var/lib/ringmaster
            try (Stream<Path> left = Files.list(Path.of("/var/lib/ringmaster"))) {
                for (Path f : left.toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The .deb in cli/target (the build's package phase made it). */
    private static Path builtDeb() throws IOException {
        Path target = Path.of("..", "cli", "target").toAbsolutePath().normalize();
        try (Stream<Path> s = Files.list(target)) {
            // the newest, should an older version's package still lie there
            return s.filter(p -> p.getFileName().toString().matches("ringmaster_.*_all\\.deb"))
                    .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no ringmaster_*_all.deb in " + target
                            + " (the cli module's package phase makes it)"));
        }
    }

    /** Runs a command (stdout and stderr together), bounded to 2 minutes; env: variables to set, PATH replaced. */
    private static Run run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile("ringmaster-deb-it", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().remove("JAVA_HOME"); // the launcher must find a Java by itself
            if (cacheHome != null) {
                pb.environment().put("XDG_CACHE_HOME", cacheHome.toString());
            }
            pb.environment().putAll(env);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + ": still running after 2 minutes");
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
