package io.ringmaster.agent.clone;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the GTID position of a {@code mariadb-dump --gtid --master-data=2} stream as it passes: the line
 * {@code -- SET GLOBAL gtid_slave_pos='D-S-N,...';} that mariadb-dump writes at the end of the dump. Only the first
 * characters of each line are kept (rows of data can be megabytes long). Single-threaded use.
 */
public final class DumpPosition {
    private static final Pattern LINE = Pattern.compile("^(?:-- )?SET GLOBAL gtid_slave_pos\\s*=\\s*'([0-9,-]*)'");
    private static final int KEEP = 256;
    private final StringBuilder line = new StringBuilder();
    private boolean lineTooLong;
    private String gtid;

    /** Feeds bytes of the stream. */
    public void feed(byte[] buf, int len) {
        for (int i = 0; i < len; i++) {
            char c = (char) (buf[i] & 0xff);
            if (c == '\n') {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    gtid = m.group(1);
                }
                line.setLength(0);
                lineTooLong = false;
            } else if (!lineTooLong) {
                line.append(c);
                lineTooLong = line.length() >= KEEP;
            }
        }
    }

    /** The last position seen, or null. */
    public String gtid() {
        return gtid;
    }
}
