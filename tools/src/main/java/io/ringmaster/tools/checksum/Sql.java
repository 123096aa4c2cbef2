package io.ringmaster.tools.checksum;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SQL text helpers shared by checksum and sync: identifiers, and literals that carry a value exactly as read
 * (strings as their bytes in the column's charset, so any charset round-trips). Pure, thread-safe.
 */
public final class Sql {
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]*");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]+");

    private Sql() {}

    /** A quoted identifier: {@code `name`}, with backticks doubled. */
    public static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** {@code `db`.`table`}. */
    public static String table(String db, String table) {
        return ident(db) + "." + ident(table);
    }

    /** A string literal in single quotes ({@link io.ringmaster.mysql.Dialect#quote}); null gives {@code NULL}. */
    public static String quote(String s) {
        return s == null ? "NULL" : io.ringmaster.mysql.Dialect.quote(s);
    }

    /**
     * The expression that reads a column as a token: the form in which checksum boundaries and sync rows travel
     * (hex of the bytes for strings and binaries, text for the rest).
     */
    public static String tokenExpr(Column c) {
        String q = c.quoted();
        return switch (c.kind()) {
            case TEXT -> "HEX(CAST(" + q + " AS BINARY))";
            case BINARY, GEOMETRY -> "HEX(" + q + ")";
            case JSON -> "HEX(CAST(" + q + " AS CHAR CHARACTER SET utf8mb4))";
            case BIT -> "(" + q + "+0)";
            case FLOAT -> exactFloat(c);
            default -> q;
        };
    }

    /**
     * A floating point column as text that keeps every bit: a FLOAT's own text has only 6 significant digits, its
     * DOUBLE value prints in full (shortest round-trip form) and converts back to the same FLOAT.
     */
    static String exactFloat(Column c) {
        return c.dataType().equalsIgnoreCase("float") ? "CAST(" + c.quoted() + " AS DOUBLE)" : c.quoted();
    }

    /**
     * The literal that writes back a token read with {@link #tokenExpr}.
     *
     * @param token the token; null gives {@code NULL}
     * @param collate for TEXT, add {@code COLLATE} of the column (needed when comparing with the column)
     * @throws IllegalArgumentException when the token does not have the form its kind reads as (a number that is
     *                                  not a number, hex that is not hex): never builds SQL from unexpected text
     */
    public static String literal(Column c, String token, boolean collate) {
        if (token == null) {
            return "NULL";
        }
        return switch (c.kind()) {
            case TEXT -> {
                String s = "CONVERT(X'" + hex(c, token) + "' USING " + word(c, c.charset() == null ? "binary"
                        : c.charset()) + ")";
                yield collate && c.collation() != null ? s + " COLLATE " + word(c, c.collation()) : s;
            }
            case JSON -> "CONVERT(X'" + hex(c, token) + "' USING utf8mb4)";
            case BINARY, GEOMETRY -> "X'" + hex(c, token) + "'";
            case INTEGER, DECIMAL, FLOAT, BIT -> {
                if (!NUMBER.matcher(token).matches()) {
                    throw new IllegalArgumentException("column " + c.name() + ": '" + token + "' is not a number");
                }
                yield token;
            }
            default -> quote(token);
        };
    }

    /** Hex text of bytes, upper case. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    private static String hex(Column c, String token) {
        if (!HEX.matcher(token).matches() || token.length() % 2 != 0) {
            throw new IllegalArgumentException("column " + c.name() + ": '" + token + "' is not hex");
        }
        return token.toUpperCase(Locale.ROOT);
    }

    private static String word(Column c, String w) {
        if (!WORD.matcher(w).matches()) {
            throw new IllegalArgumentException("column " + c.name() + ": odd charset or collation '" + w + "'");
        }
        return w;
    }
}
