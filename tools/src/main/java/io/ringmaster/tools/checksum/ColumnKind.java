package io.ringmaster.tools.checksum;

import java.util.Locale;

/**
 * How a column is hashed, compared and written back, by its {@code information_schema.COLUMNS.DATA_TYPE}
 * (MariaDB 10.11 names; MySQL's {@code json} too). Pure, thread-safe.
 */
public enum ColumnKind {
    /** Integer types: exact text. */
    INTEGER,
    /** DECIMAL: exact text. */
    DECIMAL,
    /** FLOAT and DOUBLE: text, or {@code ROUND(col, precision)} when a precision is asked for. */
    FLOAT,
    /** BIT(n): its number ({@code col+0}). */
    BIT,
    /** Character strings, ENUM and SET: their bytes in the column's own charset ({@code CAST(col AS BINARY)}). */
    TEXT,
    /** MySQL's JSON type (MariaDB's JSON is LONGTEXT and is {@link #TEXT}): its text form. */
    JSON,
    /** BINARY, VARBINARY and BLOBs: the bytes as they are. */
    BINARY,
    /** DATE, TIME, DATETIME, TIMESTAMP, YEAR: text; sessions use time_zone '+00:00' so TIMESTAMPs compare. */
    TEMPORAL,
    /** Spatial types: SRID and WKB. */
    GEOMETRY,
    /** Anything else (UUID, INET6, ...): its text form. */
    OTHER;

    /**
     * Classifies a DATA_TYPE.
     *
     * @param dataType e.g. {@code varchar}, case-insensitive, never null
     * @return the kind, never null ({@link #OTHER} for types not listed)
     */
    public static ColumnKind of(String dataType) {
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> INTEGER;
            case "decimal", "numeric" -> DECIMAL;
            case "float", "double", "real", "double precision" -> FLOAT;
            case "bit" -> BIT;
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" -> TEXT;
            case "json" -> JSON;
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> BINARY;
            case "date", "time", "datetime", "timestamp", "year" -> TEMPORAL;
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection" -> GEOMETRY;
            default -> OTHER;
        };
    }

    /** True for kinds whose values may hold the separator {@code #}: their lengths go into the row hash. */
    boolean variableLength() {
        return this == TEXT || this == JSON || this == BINARY || this == GEOMETRY || this == OTHER;
    }
}
