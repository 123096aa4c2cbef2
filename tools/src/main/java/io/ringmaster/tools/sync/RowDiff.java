package io.ringmaster.tools.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares the rows of one chunk on the writer and on a host. Pure and thread-safe.
 *
 * <p>With a unique key, rows are matched by the exact tokens of their key columns: a key only on the writer is
 * {@link RowChange.Missing}, only on the host {@link RowChange.Extra}, on both with other values
 * {@link RowChange.Changed}. Without one, rows are compared as multisets of whole rows: every copy the host lacks
 * is Missing, every copy too many is Extra. Results keep the order of the input rows (writer's, then host's).
 */
public final class RowDiff {
    private RowDiff() {}

    /**
     * Diffs rows matched by key.
     *
     * @param keyPositions positions of the key columns within a row, at least one
     * @param writerRows   the writer's rows
     * @param hostRows     the host's rows
     * @throws IllegalArgumentException when a side holds the same key twice (the key is not unique there)
     */
    public static List<RowChange> byKey(List<Integer> keyPositions, List<List<String>> writerRows,
                                        List<List<String>> hostRows) {
        if (keyPositions.isEmpty()) {
            throw new IllegalArgumentException("no key column");
        }
        Map<List<String>, List<String>> host = index(keyPositions, hostRows, "host");
        Map<List<String>, List<String>> writer = index(keyPositions, writerRows, "writer");
        List<RowChange> out = new ArrayList<>();
        for (Map.Entry<List<String>, List<String>> e : writer.entrySet()) {
            List<String> h = host.get(e.getKey());
            if (h == null) {
                out.add(new RowChange.Missing(e.getValue()));
            } else if (!h.equals(e.getValue())) {
                out.add(new RowChange.Changed(e.getValue(), h));
            }
        }
        for (Map.Entry<List<String>, List<String>> e : host.entrySet()) {
            if (!writer.containsKey(e.getKey())) {
                out.add(new RowChange.Extra(e.getValue()));
            }
        }
        return out;
    }

    /** Diffs rows as multisets of whole rows (tables without a unique key). */
    public static List<RowChange> byWholeRow(List<List<String>> writerRows, List<List<String>> hostRows) {
        Map<List<String>, Integer> hostCount = new HashMap<>();
        hostRows.forEach(r -> hostCount.merge(r, 1, Integer::sum));
        List<RowChange> out = new ArrayList<>();
        for (List<String> r : writerRows) {
            Integer n = hostCount.get(r);
            if (n == null || n == 0) {
                out.add(new RowChange.Missing(r));
            } else {
                hostCount.put(r, n - 1);
            }
        }
        for (List<String> r : hostRows) {
            Integer n = hostCount.get(r);
            if (n != null && n > 0) {
                out.add(new RowChange.Extra(r));
                hostCount.put(r, n - 1);
            }
        }
        return out;
    }

    private static Map<List<String>, List<String>> index(List<Integer> keyPositions, List<List<String>> rows,
                                                         String side) {
        Map<List<String>, List<String>> out = new LinkedHashMap<>();
        for (List<String> row : rows) {
            List<String> key = new ArrayList<>(keyPositions.size());
            for (int p : keyPositions) {
                key.add(Objects.requireNonNull(row.get(p), "key column is NULL"));
            }
            if (out.put(key, row) != null) {
                throw new IllegalArgumentException("the " + side + " holds key " + key + " twice");
            }
        }
        return out;
    }
}
