package io.ringmaster.agent.clone;

import io.ringmaster.agent.HostCommand;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.privilege.ServerVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The field's programs a clone runs (mariadb-backup, mbstream, mariadb-dump) and how they connect to the host's own
 * server: through its unix socket when {@code agents.hosts[].socket} is set (else TCP), with the account from a
 * private options file ({@code --defaults-extra-file}, mode 0600, deleted after use), so that the password is never
 * on a command line visible in {@code ps} or in a log. Stateless, thread-safe.
 */
final class Tools {
    static final String BACKUP = "mariadb-backup";
    static final String MBSTREAM = "mbstream";
    static final String DUMP = "mariadb-dump";
    static final String CLIENT = "mariadb";

    private Tools() {}

    /**
     * The version of the server mariadb-backup was built from ({@code mariadb-backup --version}), or empty when it
     * is not installed or prints no version.
     */
    static Optional<ServerVersion> backupVersion() throws InterruptedException {
        HostCommand.Result r = HostCommand.run(List.of(BACKUP, "--version"), Duration.ofSeconds(10));
        return r.ok() ? parseBackupVersion(r.output()) : Optional.empty();
    }

    /**
     * The server version in {@code mariadb-backup --version} output, e.g. {@code mariadb-backup based on MariaDB
     * server 10.11.19-MariaDB debian-linux-gnu (x86_64)}; empty when there is none.
     */
    static Optional<ServerVersion> parseBackupVersion(String output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("server (\\d+\\.\\d+\\.\\d+)").matcher(output);
        return m.find() ? Optional.of(ServerVersion.parse(m.group(1) + "-MariaDB")) : Optional.empty();
    }

    /** True when {@code backup} can copy a server of {@code server}: the same major.minor. */
    static boolean matches(Optional<ServerVersion> backup, ServerVersion server) {
        return backup.isPresent() && backup.get().major() == server.major() && backup.get().minor() == server.minor();
    }

    /**
     * Writes a private options file with the account ({@code [client]} group, read by every MariaDB program).
     * The caller deletes it.
     */
    static Path optionsFile(Credentials account) throws IOException {
        Path f = Files.createTempFile("ringmaster-clone-", ".cnf",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String text = "[client]\nuser=" + account.user() + "\npassword=" + account.password().reveal() + "\n";
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    /** Connection options to the host's own server: the socket when configured, else TCP. */
    static List<String> connection(AgentConfig agent, HostConfig host) {
        List<String> l = new ArrayList<>();
        if (agent.socket().isPresent()) {
            l.add("--socket=" + agent.socket().get());
        } else {
            l.add("--host=" + host.address());
            l.add("--port=" + host.port());
            l.add("--protocol=TCP");
        }
        return l;
    }

    /** Runs a shell command line of the configuration ({@code stop}, {@code start}) with {@code sh -c}. */
    static HostCommand.Result shell(String command, Duration timeout) throws InterruptedException {
        return HostCommand.run(List.of("sh", "-c", command), timeout);
    }
}
