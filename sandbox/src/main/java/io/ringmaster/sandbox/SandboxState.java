package io.ringmaster.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringmaster.core.model.HostMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The content of {@code DIR/sandbox.json}: what a later command needs to find a sandbox's servers again (hosts,
 * ports, folders, pids, binaries). Immutable; read and written as JSON with Jackson. Written atomically (temporary
 * file, then rename) so a reader never sees half a file.
 *
 * @param format            file format version, {@value #FORMAT}
 * @param masters           number of masters
 * @param replicasPerMaster replicas under each master
 * @param basePort          the spec's base port
 * @param extraConfig       the spec's extra my.cnf lines
 * @param binaries          the programs the servers run
 * @param configFile        the Ringmaster configuration, relative to the sandbox folder
 * @param hosts             the servers in order
 */
record SandboxState(int format, int masters, int replicasPerMaster, int basePort, List<String> extraConfig,
                    Binaries binaries, String configFile, List<Host> hosts) {
    static final int FORMAT = 1;
    static final String FILE = "sandbox.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param source    SYSTEM or BUNDLED
     * @param mariadbd  the server program
     * @param installDb the install script
     * @param basedir   the installation folder given to the server, null for a distribution's layout
     */
    record Binaries(String source, String mariadbd, String installDb, String basedir) {
        static Binaries of(MariaDbBinaries b) {
            return new Binaries(b.source().name(), b.mariadbd().toString(), b.installDb().toString(),
                    b.basedir().map(Path::toString).orElse(null));
        }

        MariaDbBinaries toBinaries() {
            return MariaDbBinaries.of(MariaDbBinaries.Source.valueOf(source), Path.of(mariadbd), Path.of(installDb),
                    Optional.ofNullable(basedir).map(Path::of));
        }
    }

    /**
     * @param name   host name
     * @param index  1-based position (server_id)
     * @param mode   master or replica
     * @param master for a replica its master, else null
     * @param port   TCP port on 127.0.0.1
     * @param dir    the server's folder
     * @param pid    the pid when last started by a sandbox command, 0 when stopped
     */
    record Host(String name, int index, String mode, String master, int port, String dir, long pid) {
        SandboxHost toHost(int masterIndex) {
            return new SandboxHost(name, index, port, HostMode.parse(mode), Optional.ofNullable(master), masterIndex);
        }

        Host withPid(long newPid) {
            return new Host(name, index, mode, master, port, dir, newPid);
        }
    }

    SandboxState {
        extraConfig = List.copyOf(extraConfig);
        hosts = List.copyOf(hosts);
    }

    /** The spec this sandbox was built from. */
    SandboxSpec spec(Path dir) {
        return new SandboxSpec(dir, masters, replicasPerMaster, basePort, extraConfig);
    }

    /** A copy with one host's pid replaced. */
    SandboxState withPid(String host, long pid) {
        return new SandboxState(format, masters, replicasPerMaster, basePort, extraConfig, binaries, configFile,
                hosts.stream().map(h -> h.name().equals(host) ? h.withPid(pid) : h).toList());
    }

    /**
     * Reads {@code DIR/sandbox.json}.
     *
     * @throws SandboxException when the file is missing or unreadable
     */
    static SandboxState read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            SandboxState s = JSON.readValue(Files.readString(file), SandboxState.class);
            if (s.format() != FORMAT) {
                throw new SandboxException(file + " has format " + s.format() + "; this version reads " + FORMAT);
            }
            return s;
        } catch (NoSuchFileException e) {
            throw new SandboxException("no sandbox in " + dir + " (" + FILE + " is missing)");
        } catch (IOException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * Writes {@code DIR/sandbox.json} atomically.
     *
     * @throws SandboxException when it cannot be written
     */
    void write(Path dir) {
        Path file = dir.resolve(FILE);
        Path temp = dir.resolve(FILE + ".tmp");
        try {
            Files.writeString(temp, JSON.writeValueAsString(this) + "\n");
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
