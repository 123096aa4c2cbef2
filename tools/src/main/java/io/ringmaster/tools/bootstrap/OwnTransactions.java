package io.ringmaster.tools.bootstrap;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a host's own transactions (the events of its own server_id in its binary log) are, read with SHOW BINARY
 * LOGS and SHOW BINLOG EVENTS (BINLOG MONITOR): only account changes (CREATE USER, GRANT, SET PASSWORD, ...),
 * which RESET MASTER can drop because the accounts stay in the mysql schema, or data. Statement texts are never
 * kept: they may hold passwords; only their first words are counted. Immutable.
 *
 * @param transactions how many of its own transactions were read
 * @param kinds        statement kinds and their counts, e.g. {@code CREATE USER=2, GRANT=3}
 * @param onlyAccounts true when every one of them changes accounts only
 * @param complete     false when the read stopped at {@link #MAX_EVENTS} events
 */
public record OwnTransactions(int transactions, Map<String, Integer> kinds, boolean onlyAccounts, boolean complete) {
    /** Bound on the events read from one host. */
    public static final int MAX_EVENTS = 20_000;

    private static final Pattern ACCOUNT = Pattern.compile(
            "^(?:(?:CREATE|ALTER|DROP|RENAME)\\s+(?:USER|ROLE)|GRANT|REVOKE|SET\\s+PASSWORD|SET\\s+DEFAULT\\s+ROLE"
                    + "|FLUSH\\s+PRIVILEGES)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern USE_PREFIX = Pattern.compile("^use\\s+`[^`]*`;\\s*", Pattern.CASE_INSENSITIVE);

    public OwnTransactions {
        kinds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
    }

    /** {@code 5 transaction(s): CREATE USER 2, GRANT 3}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        kinds.forEach((k, n) -> parts.add(k + " " + n));
        return transactions + " transaction(s)" + (complete ? "" : " (first " + MAX_EVENTS + " events)")
                + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }

    /**
     * Reads the events of {@code serverId} from every binary log of the connected server.
     *
     * @throws SQLException on a missing privilege (BINLOG MONITOR) or a lost connection
     */
    public static OwnTransactions read(Connection c, long serverId) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        List<String[]> events = new ArrayList<>();
        boolean complete = true;
        for (String f : files) {
            int left = MAX_EVENTS - events.size();
            if (left <= 0) {
                complete = false;
                break;
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '"
                    + f.replace("'", "''") + "' LIMIT " + (left + 1))) {
                while (rs.next()) {
                    if (rs.getLong("Server_id") == serverId) {
                        events.add(new String[] {rs.getString("Event_type"), rs.getString("Info")});
                    }
                    if (events.size() > MAX_EVENTS) {
                        complete = false;
                        break;
                    }
                }
            }
        }
        return classify(events, complete);
    }

    /**
     * Classifies events (type, info) of one server, in binary log order. Pure.
     *
     * @param events each {@code {Event_type, Info}}
     */
    static OwnTransactions classify(List<String[]> events, boolean complete) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        int transactions = 0;
        boolean onlyAccounts = true;
        for (String[] e : events) {
            String type = e[0] == null ? "" : e[0];
            String info = e[1] == null ? "" : USE_PREFIX.matcher(e[1].trim()).replaceFirst("");
            switch (type) {
                case "Gtid" -> transactions++;
                case "Query" -> {
                    String upper = info.toUpperCase(Locale.ROOT);
                    if (upper.equals("BEGIN") || upper.equals("COMMIT")) {
                        continue;
                    }
                    kinds.merge(kind(info), 1, Integer::sum);
                    onlyAccounts &= ACCOUNT.matcher(info).matches();
                }
                case "Table_map", "Write_rows_v1", "Update_rows_v1", "Delete_rows_v1", "Write_rows", "Update_rows",
                     "Delete_rows", "Xid", "Annotate_rows", "User var", "Intvar", "Rand" -> {
                    if (type.contains("rows")) {
                        kinds.merge("row changes", 1, Integer::sum);
                    }
                    onlyAccounts &= type.equals("Annotate_rows") || type.equals("User var");
                }
                default -> { } // Format_desc, Gtid_list, Binlog_checkpoint, Rotate, Stop: not transactions
            }
        }
        return new OwnTransactions(transactions, kinds, onlyAccounts && complete, complete);
    }

    /** The first words of a statement that say what it is, never its arguments (which may hold a password). */
    private static String kind(String info) {
        String[] w = info.trim().split("\\s+", 3);
        String first = w[0].toUpperCase(Locale.ROOT);
        if (w.length > 1 && List.of("CREATE", "ALTER", "DROP", "RENAME", "SET", "FLUSH", "TRUNCATE").contains(first)) {
            String second = w[1].toUpperCase(Locale.ROOT).replaceAll("[^A-Z_]", "");
            return first + " " + second;
        }
        return first.replaceAll("[^A-Z_]", "");
    }
}
