package io.ringmaster.agent.clone;

import io.ringmaster.core.privilege.ServerVersion;
import java.util.Optional;

/**
 * The checks a clone passes before it touches anything on the target: a pure function of what the target's agent
 * found, so that each refusal is table-tested. Stateless, thread-safe.
 */
public final class CloneChecks {
    /** Room kept free beyond the donor's data size, bytes (redo applied by prepare, logs, the file system's own). */
    public static final long MARGIN_BYTES = 64L << 20;
    /** Room kept free beyond the donor's data size, as a fraction of it. */
    public static final double MARGIN_FRACTION = 0.10;

    private CloneChecks() {}

    /**
     * What the target's agent found.
     *
     * @param target        the target host's name
     * @param donor         the donor host's name
     * @param targetWritable the target server answers read_only=OFF (it is, or may be, the writer)
     * @param targetVersion the target server's version, null when it is not running (then no version check)
     * @param donorVersion  the donor server's version, never null
     * @param busyWith      what the target's agent is doing now (another clone, a stream), empty when idle
     * @param freeBytes     usable bytes on the file system of the target's data directory
     * @param donorBytes    size of the donor's data directory, bytes
     * @param mountPoint    the target's data directory is a mount point (the copy, unpacked beside it, could not be
     *                      renamed into its place)
     */
    public record Facts(String target, String donor, boolean targetWritable, ServerVersion targetVersion,
                        ServerVersion donorVersion, Optional<String> busyWith, long freeBytes, long donorBytes,
                        boolean mountPoint) {
        /** Facts of a data directory that is not a mount point. */
        public Facts(String target, String donor, boolean targetWritable, ServerVersion targetVersion,
                     ServerVersion donorVersion, Optional<String> busyWith, long freeBytes, long donorBytes) {
            this(target, donor, targetWritable, targetVersion, donorVersion, busyWith, freeBytes, donorBytes, false);
        }
    }

    /** Bytes a clone of {@code donorBytes} needs free on the target: the data plus the margins. */
    public static long neededBytes(long donorBytes) {
        return donorBytes + (long) (donorBytes * MARGIN_FRACTION) + MARGIN_BYTES;
    }

    /**
     * The first refusal, in the order an operator fixes them, or empty when the clone may go ahead.
     *
     * @return one line naming the host and the reason
     */
    public static Optional<String> refusal(Facts f) {
        if (f.target().equals(f.donor())) {
            return Optional.of("clone of " + f.target() + " onto itself: --from and --to name the same host");
        }
        if (f.targetWritable()) {
            return Optional.of("refused: " + f.target() + " is writable (read_only=OFF): it is, or may be, the "
                    + "writer; move the writer role away first (ringmaster move-role writer HOST)");
        }
        if (f.busyWith().isPresent()) {
            return Optional.of("refused: the agent of " + f.target() + " is busy (" + f.busyWith().get()
                    + "); wait until it is done");
        }
        if (f.targetVersion() != null && (f.targetVersion().major() != f.donorVersion().major()
                || f.targetVersion().minor() != f.donorVersion().minor())) {
            return Optional.of("refused: " + f.donor() + " runs " + f.donorVersion() + " and " + f.target()
                    + " runs " + f.targetVersion() + ": a physical copy needs the same major.minor version");
        }
        if (f.mountPoint()) {
            return Optional.of("refused: the data directory of " + f.target() + " is a mount point: the copy is "
                    + "unpacked beside it and renamed into its place; set agents.hosts[" + f.target()
                    + "].data_dir (and the server's datadir) to a folder inside the mount");
        }
        long need = neededBytes(f.donorBytes());
        if (f.freeBytes() < need) {
            return Optional.of("refused: " + f.target() + " has " + mib(f.freeBytes()) + " free beside its data "
                    + "directory, the copy of " + f.donor() + " needs " + mib(need) + " (" + mib(f.donorBytes())
                    + " of data + margin); the old data directory is kept until the new one works");
        }
        return Optional.empty();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
