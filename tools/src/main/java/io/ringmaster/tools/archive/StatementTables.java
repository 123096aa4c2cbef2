package io.ringmaster.tools.archive;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table a logged statement names first ({@code DELETE FROM t.a ...}, {@code UPDATE `t`.`a` ...},
 * {@code INSERT INTO a ...}, {@code TRUNCATE TABLE ...}, {@code ALTER/CREATE/DROP TABLE ...}): a best effort for
 * {@code binlog find} on statement-based events, "" when none is recognised. Stateless.
 */
final class StatementTables {
    private static final Pattern TABLE = Pattern.compile(
            "(?is)^\\s*(?:DELETE\\s+(?:LOW_PRIORITY\\s+|QUICK\\s+|IGNORE\\s+)*FROM|UPDATE(?:\\s+LOW_PRIORITY|\\s+IGNORE)*"
                    + "|INSERT(?:\\s+\\w+)*?\\s+INTO|REPLACE(?:\\s+\\w+)*?\\s+INTO|TRUNCATE(?:\\s+TABLE)?"
                    + "|(?:ALTER|CREATE|DROP|RENAME)(?:\\s+OR\\s+REPLACE)?(?:\\s+TEMPORARY)?\\s+TABLE(?:\\s+IF\\s+(?:NOT\\s+)?EXISTS)?)"
                    + "\\s+(`[^`]+`|[\\w$]+)(?:\\s*\\.\\s*(`[^`]+`|[\\w$]+))?");

    private StatementTables() {}

    static String first(String statement) {
        Matcher m = TABLE.matcher(statement);
        if (!m.find()) {
            return "";
        }
        String a = unquote(m.group(1));
        return m.group(2) == null ? a : a + "." + unquote(m.group(2));
    }

    private static String unquote(String s) {
        return s.startsWith("`") ? s.substring(1, s.length() - 1) : s;
    }
}
