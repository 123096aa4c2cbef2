package io.ringmaster.tools.backup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the small metadata files out of a mariadb-backup {@code --stream=mbstream} (xbstream) stream as it passes,
 * without unpacking it: {@code xtrabackup_binlog_info} / {@code mariadb_backup_binlog_info} (the GTID position)
 * and {@code xtrabackup_checkpoints} (the LSNs). The format is a sequence of chunks: magic {@code XBSTCK01}, one
 * flags byte, one type byte ({@code P} payload, {@code E} end of a file), the path's length (4 bytes little-endian)
 * and the path; a payload chunk then has its length (8 bytes), its offset in the file (8 bytes), a CRC-32 (4 bytes)
 * and the payload. Single-threaded use.
 */
final class MbstreamScanner {
    private static final byte[] MAGIC = "XBSTCK01".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_KEPT = 1 << 16;
    private final Set<String> wanted;
    private final Map<String, ByteArrayOutputStream> kept = new HashMap<>();
    /** The header being read (fixed part, path, payload header). */
    private final byte[] head = new byte[8 + 1 + 1 + 4 + 4096 + 20];
    private int headLen;
    private int need = 14;
    private int stage; // 0 fixed header, 1 path, 2 payload header, 3 payload
    private String path;
    private long payloadLeft;
    private String error;
    private long chunks;

    /** @param wanted file names (paths at the top of the backup) whose contents are kept */
    MbstreamScanner(Set<String> wanted) {
        this.wanted = wanted;
    }

    /** Feeds bytes of the stream. */
    void feed(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && error == null) {
            if (stage == 3) {
                int n = (int) Math.min(payloadLeft, end - i);
                ByteArrayOutputStream k = kept.get(path);
                if (k != null && k.size() + n <= MAX_KEPT) {
                    k.write(buf, i, n);
                }
                i += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    next(0, 14);
                }
                continue;
            }
            int n = Math.min(need - headLen, end - i);
            System.arraycopy(buf, i, head, headLen, n);
            headLen += n;
            i += n;
            if (headLen == need) {
                header();
            }
        }
    }

    private void header() {
        switch (stage) {
            case 0 -> {
                for (int k = 0; k < MAGIC.length; k++) {
                    if (head[k] != MAGIC[k]) {
                        error = "not an mbstream: no chunk magic after " + chunks + " chunks";
                        return;
                    }
                }
                int pathLen = (int) le(10, 4);
                if (pathLen <= 0 || pathLen > 4096) {
                    error = "mbstream chunk with a path of " + pathLen + " bytes";
                    return;
                }
                stage = 1;
                need = 14 + pathLen;
            }
            case 1 -> {
                path = new String(head, 14, need - 14, StandardCharsets.UTF_8);
                byte type = head[9];
                chunks++;
                if (type == 'E') {
                    next(0, 14);
                } else if (type == 'P') {
                    stage = 2;
                    need += 20;
                } else {
                    error = "mbstream chunk of unknown type '" + (char) type + "' for " + path;
                }
            }
            case 2 -> {
                payloadLeft = le(need - 20, 8);
                if (wanted.contains(path)) {
                    kept.computeIfAbsent(path, p -> new ByteArrayOutputStream());
                }
                if (payloadLeft == 0) {
                    next(0, 14);
                } else {
                    stage = 3;
                }
            }
            default -> throw new IllegalStateException("stage " + stage);
        }
    }

    private void next(int nextStage, int nextNeed) {
        stage = nextStage;
        need = nextNeed;
        headLen = 0;
    }

    private long le(int at, int bytes) {
        long v = 0;
        for (int k = bytes - 1; k >= 0; k--) {
            v = (v << 8) | (head[at + k] & 0xff);
        }
        return v;
    }

    /** The text of a kept file, if it was in the stream. */
    Optional<String> file(String name) {
        ByteArrayOutputStream b = kept.get(name);
        return b == null ? Optional.empty() : Optional.of(b.toString(StandardCharsets.UTF_8));
    }

    /** Why the stream could not be read, if it could not. */
    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The value of {@code key = N} in an {@code xtrabackup_checkpoints} text, or -1. */
    static long checkpoint(String text, String key) {
        for (String line : text.split("\n")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals(key) && kv[1].strip().matches("\\d+")) {
                return Long.parseLong(kv[1].strip());
            }
        }
        return -1;
    }
}
