package io.ringmaster.core.roles;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Spreads the addresses of a balanced role (MMM's reader IPs) over the hosts that hold the role, as MMM's monitor
 * did ({@code Roles.pm}: an address stays where it is while its host holds the role; orphaned addresses go to the
 * host with the fewest; then addresses move from the fullest host to the emptiest until the counts differ by at
 * most one). Moving an address breaks its open connections, so nothing moves that the balance does not need.
 * Pure and thread-safe.
 */
public final class AddressSpread {
    private AddressSpread() {}

    /**
     * The new assignment.
     *
     * @param addresses the role's addresses, in configuration order; may be empty
     * @param holders   the hosts holding the role now, in configuration order; may be empty (then no address is
     *                  assigned)
     * @param previous  address to host as assigned before; entries for unknown addresses or hosts that no longer
     *                  hold the role are dropped; never null
     * @return address to host, in the order of {@code addresses}; every address is assigned when {@code holders}
     *         is not empty, none when it is
     */
    public static Map<String, String> spread(List<String> addresses, List<String> holders,
                                             Map<String, String> previous) {
        Objects.requireNonNull(previous, "previous");
        Map<String, String> out = new LinkedHashMap<>();
        if (holders.isEmpty()) {
            return out;
        }
        Map<String, List<String>> byHost = new LinkedHashMap<>();
        holders.forEach(h -> byHost.put(h, new ArrayList<>()));
        List<String> orphans = new ArrayList<>();
        for (String a : addresses) {
            String host = previous.get(a);
            if (host != null && byHost.containsKey(host)) {
                byHost.get(host).add(a);
            } else {
                orphans.add(a);
            }
        }
        Comparator<String> fewest = Comparator.comparingInt(h -> byHost.get(h).size());
        for (String a : orphans) {
            String host = holders.stream().min(fewest).orElseThrow(); // ties: configuration order
            byHost.get(host).add(a);
        }
        while (true) {
            String full = holders.stream().max(fewest.thenComparing(holders::indexOf, Comparator.reverseOrder()))
                    .orElseThrow();
            String empty = holders.stream().min(fewest).orElseThrow();
            if (byHost.get(full).size() - byHost.get(empty).size() <= 1) {
                break;
            }
            List<String> from = byHost.get(full);
            byHost.get(empty).add(from.remove(from.size() - 1));
        }
        Map<String, String> hostOf = new LinkedHashMap<>();
        byHost.forEach((h, list) -> list.forEach(a -> hostOf.put(a, h)));
        for (String a : addresses) {
            out.put(a, hostOf.get(a));
        }
        return out;
    }
}
