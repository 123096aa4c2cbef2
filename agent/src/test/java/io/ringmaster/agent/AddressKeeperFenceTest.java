package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The keeper without an interface (virtual IPs off): the lease and the fence work all the same. */
class AddressKeeperFenceTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> fences = new ArrayList<>();
    private final AddressKeeper keeper = new AddressKeeper(null, Set.of("10.1.0.1"), fences::add, now::get);

    @Test
    void shouldFenceAWriterRoleWithoutAddressesWhenItsLeaseRunsOut() throws Exception {
        assertThat(keeper.instruct(true, Set.of(), Set.of(), Duration.ofSeconds(3), false, "")).isEmpty();
        now.addAndGet(2_900_000_000L);
        keeper.tick();
        assertThat(fences).isEmpty();
        now.addAndGet(200_000_000L);
        keeper.tick();
        keeper.tick();
        assertThat(fences).singleElement().asString().contains("writer lease ran out 3100 ms");
        assertThat(keeper.fenced()).isTrue();
    }

    @Test
    void shouldFenceAtOnceWhenToldAndAgainWhenToldAgain() throws Exception {
        keeper.instruct(true, Set.of(), Set.of(), Duration.ofSeconds(3), false, "");
        keeper.instruct(false, Set.of(), Set.of(), Duration.ofSeconds(3), true, "db2 is promoted");
        assertThat(fences).singleElement().asString().contains("db2 is promoted");
        now.addAndGet(5_000_000_000L);
        keeper.tick();
        assertThat(fences).hasSize(1); // a lease without the writer role does not fence on expiry
        keeper.instruct(false, Set.of(), Set.of(), Duration.ofSeconds(3), true, "again");
        assertThat(fences).hasSize(2);
    }

    @Test
    void shouldNotFenceANonWriterWhoseLeaseRunsOut() throws Exception {
        keeper.instruct(false, Set.of(), Set.of(), Duration.ofSeconds(1), false, "");
        now.addAndGet(5_000_000_000L);
        keeper.tick();
        assertThat(fences).isEmpty();
    }
}
