package io.ringmaster.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real small file system under one sandbox server: an ext4 image (loop device) just larger than the server's
 * folder, mounted over that folder (with a copy of its files), so that the data directory has almost no room
 * left. Needs root ({@code mount -o loop}). {@link #close()} stops the server, unmounts (the original folder
 * reappears as it was) and starts it again.
 */
final class SmallFileSystem implements AutoCloseable {
    private final CloneKit kit;
    private final String host;
    private final Path serverDir;
    private final Path image;
    private boolean mounted;

    private SmallFileSystem(CloneKit kit, String host, Path serverDir, Path image) {
        this.kit = kit;
        this.host = host;
        this.serverDir = serverDir;
        this.image = image;
    }

    static SmallFileSystem under(CloneKit kit, String host) throws Exception {
        Path serverDir = kit.cluster.sandbox.server(host).layout().dir();
        Path image = kit.dir.resolve("rmclone-" + host + ".img");
        SmallFileSystem fs = new SmallFileSystem(kit, host, serverDir, image);
        kit.cluster.sandbox.stop(host);
        try {
            long size;
            try (Stream<Path> s = Files.walk(serverDir)) {
                size = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long imageBytes = size + size / 10 + (40L << 20);
            run("truncate", "-s", Long.toString(imageBytes), image.toString());
            run("mkfs.ext4", "-q", "-m", "0", image.toString());
            Path staging = kit.dir.resolve("rmclone-" + host + "-staging");
            Files.createDirectories(staging);
            run("mount", "-o", "loop", image.toString(), staging.toString());
            try {
                run("cp", "-a", serverDir + "/.", staging.toString());
            } finally {
                run("umount", staging.toString());
            }
            run("mount", "-o", "loop", image.toString(), serverDir.toString());
            fs.mounted = true;
        } finally {
            kit.cluster.sandbox.start(host);
        }
        return fs;
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    @Override
    public void close() throws Exception {
        kit.cluster.sandbox.stop(host);
        try {
            if (mounted) {
                run("umount", serverDir.toString());
                mounted = false;
            }
            Files.deleteIfExists(image);
        } finally {
            kit.cluster.sandbox.start(host);
        }
    }
}
