package io.ringmaster.core.roles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AddressSpreadTest {
    private static final List<String> IPS = List.of("10.0.0.51", "10.0.0.52", "10.0.0.53");

    @Test
    void shouldSpreadAddressesInConfigurationOrderAtFirst() {
        assertThat(AddressSpread.spread(IPS, List.of("db1", "db2"), Map.of()))
                .containsExactly(Map.entry("10.0.0.51", "db1"), Map.entry("10.0.0.52", "db2"),
                        Map.entry("10.0.0.53", "db1"));
    }

    @Test
    void shouldKeepEveryAddressWhereItIsWhileItsHostHoldsTheRole() {
        Map<String, String> before = Map.of("10.0.0.51", "db2", "10.0.0.52", "db1", "10.0.0.53", "db3");
        assertThat(AddressSpread.spread(IPS, List.of("db1", "db2", "db3"), before)).isEqualTo(before);
    }

    @Test
    void shouldMoveOnlyTheAddressesOfAHostThatLostTheRole() {
        Map<String, String> before = Map.of("10.0.0.51", "db1", "10.0.0.52", "db2", "10.0.0.53", "db3");
        Map<String, String> after = AddressSpread.spread(IPS, List.of("db1", "db3"), before);
        assertThat(after).containsEntry("10.0.0.51", "db1").containsEntry("10.0.0.53", "db3")
                .containsEntry("10.0.0.52", "db1");
    }

    @Test
    void shouldRebalanceWhenAHostComesBackOnlyAsFarAsNeeded() {
        Map<String, String> before = Map.of("10.0.0.51", "db1", "10.0.0.52", "db1", "10.0.0.53", "db1");
        Map<String, String> after = AddressSpread.spread(IPS, List.of("db1", "db2"), before);
        assertThat(after.values().stream().filter("db1"::equals).count()).isEqualTo(2);
        assertThat(after).containsEntry("10.0.0.51", "db1").containsEntry("10.0.0.53", "db2");
    }

    @Test
    void shouldAssignNothingWithoutHolders() {
        assertThat(AddressSpread.spread(IPS, List.of(), Map.of("10.0.0.51", "db1"))).isEmpty();
    }

    @Property
    void shouldAssignEveryAddressToAHolderWithCountsApartByAtMostOne(
            @ForAll @IntRange(min = 0, max = 7) int addresses, @ForAll @IntRange(min = 1, max = 5) int holders,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        List<String> ips = java.util.stream.IntStream.range(0, addresses).mapToObj(i -> "10.0.0." + i).toList();
        List<String> hosts = java.util.stream.IntStream.range(0, holders).mapToObj(i -> "db" + i).toList();
        java.util.Random r = new java.util.Random(seed);
        Map<String, String> previous = new LinkedHashMap<>();
        ips.forEach(ip -> previous.put(ip, "db" + r.nextInt(holders + 2))); // some hosts no longer hold it
        Map<String, String> after = AddressSpread.spread(ips, hosts, previous);
        assertThat(after.keySet()).containsExactlyElementsOf(ips);
        assertThat(hosts).containsAll(after.values());
        Map<String, Long> counts = new LinkedHashMap<>();
        hosts.forEach(h -> counts.put(h, after.values().stream().filter(h::equals).count()));
        long max = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long min = counts.values().stream().mapToLong(Long::longValue).min().orElse(0);
        assertThat(max - min).isLessThanOrEqualTo(1);
        // a kept address moves only when its host has more than its share: at most (kept - floor(n/H)) per host
        long moved = ips.stream().filter(ip -> hosts.contains(previous.get(ip)))
                .filter(ip -> !after.get(ip).equals(previous.get(ip))).count();
        long share = addresses / holders;
        long allowed = hosts.stream().mapToLong(h -> Math.max(0,
                ips.stream().filter(ip -> h.equals(previous.get(ip))).count() - share)).sum();
        assertThat(moved).isLessThanOrEqualTo(allowed);
    }
}
