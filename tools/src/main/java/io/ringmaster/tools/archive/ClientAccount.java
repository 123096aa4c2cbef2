package io.ringmaster.tools.archive;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A {@code --defaults-extra-file} for the MariaDB command-line tools ({@code mariadb}, {@code mariadb-binlog}):
 * host, port, user and password in a temporary file readable by this user only, so the password is never on a
 * command line or in a process listing. Deleted by {@link #close()}. Not thread-safe.
 */
final class ClientAccount implements AutoCloseable {
    private final Path file;

    ClientAccount(HostConfig host, Credentials account) throws IOException {
        file = Files.createTempFile("ringmaster-client", ".cnf",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String text = "[client]\nhost=" + host.address() + "\nport=" + host.port() + "\nuser=" + quote(account.user())
                + "\npassword=" + quote(account.password().reveal()) + "\n";
        Files.writeString(file, text);
    }

    /** The option, first on the tool's command line. */
    String option() {
        return "--defaults-extra-file=" + file;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file in the temp dir; nothing else to do
        }
    }
}
