package io.ringmaster.tools.backup;

import com.github.luben.zstd.ZstdInputStream;
import io.ringmaster.agent.clone.BackupPosition;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Unpacks and prepares a chain of physical backups into a directory of this machine (for {@code backup verify}):
 * each stored stream is decompressed into {@code mbstream -x}, then {@code mariadb-backup --prepare} runs on the
 * base and once per incremental with {@code --incremental-dir}. Stateless.
 */
public final class LocalRestore {
    static final long PREPARE_TIMEOUT_MIN = 30;

    private LocalRestore() {}

    /**
     * @param chain   base first, as {@link Repository#chain} gives it; files already checked
     * @param dataDir created; receives the prepared data directory
     * @param work    scratch space for the incrementals (created, removed after)
     * @return the GTID position of the prepared data
     * @throws IOException when a program fails (the message has its last output lines)
     */
    public static String unpackAndPrepare(Repository repo, List<Manifest> chain, Path dataDir, Path work,
                                          Consumer<String> progress) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        for (int n = 0; n < chain.size(); n++) {
            Manifest m = chain.get(n);
            Path into = n == 0 ? dataDir : work.resolve("inc-" + n);
            Files.createDirectories(into);
            unpack(repo.dir(m.id()).resolve(m.files().get(0).name()), into, work);
            progress.accept("verify: unpacked " + m.id());
        }
        run(List.of("mariadb-backup", "--prepare", "--target-dir=" + dataDir), work);
        for (int n = 1; n < chain.size(); n++) {
            run(List.of("mariadb-backup", "--prepare", "--target-dir=" + dataDir,
                    "--incremental-dir=" + work.resolve("inc-" + n)), work);
        }
        progress.accept("verify: prepared " + chain.size() + " part(s)");
        Repository.deleteTree(work);
        return BackupPosition.read(dataDir).map(BackupPosition::gtid).orElseThrow(() -> new IOException(
                "the prepared backup has no " + String.join(" or ", BackupPosition.FILE_NAMES)));
    }

    private static void unpack(Path file, Path into, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path err = work.resolve("mbstream.log");
        Process mb = new ProcessBuilder("mbstream", "-x", "-C", into.toString()).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream in = new ZstdInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20));
             OutputStream out = mb.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            mb.destroyForcibly();
            throw new IOException(file.getFileName() + " does not decompress: " + e.getMessage(), e);
        }
        if (!mb.waitFor(5, TimeUnit.MINUTES) || mb.exitValue() != 0) {
            mb.destroyForcibly();
            throw new IOException("mbstream -x failed: " + tail(err));
        }
    }

    private static void run(List<String> cmd, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path log = work.resolve("prepare.log");
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(PREPARE_TIMEOUT_MIN, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " ran longer than " + PREPARE_TIMEOUT_MIN + " min");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd.subList(0, 2)) + " failed (exit " + p.exitValue() + "): "
                    + tail(log));
        }
    }

    static String tail(Path f) {
        try {
            List<String> l = Files.readAllLines(f).stream().filter(s -> !s.isBlank()).toList();
            return String.join(" | ", l.subList(Math.max(0, l.size() - 3), l.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
