package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real loopback aliases on {@code lo}, a clock the test moves; skipped where the test does not run as root. */
class AddressKeeperTest {
    private static final String WRITER = "127.0.232.50";
    private static final String READER = "127.0.232.51";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> fences = new ArrayList<>();
    private AddressKeeper keeper;

    @BeforeEach
    void open() throws Exception {
        IpAddresses.Opened lo = IpAddresses.open("lo");
        assumeTrue(lo.addresses().isPresent(), lo.why());
        keeper = new AddressKeeper(lo.addresses().get(), Set.of(WRITER, READER), fences::add, now::get);
    }

    @AfterEach
    void removeAliases() throws Exception {
        for (String a : List.of(WRITER, READER)) {
            HostCommand.run(List.of("ip", "addr", "del", a + "/32", "dev", "lo"), Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldHoldTheAddressesWhileRenewedAndDropTheWriterAndFenceOnceWhenTheLeaseRunsOut() throws Exception {
        assertThat(keeper.instruct(Set.of(WRITER), Set.of(READER), Duration.ofSeconds(3)))
                .containsExactlyInAnyOrder(WRITER, READER);
        now.addAndGet(2_000_000_000L);
        assertThat(keeper.instruct(Set.of(WRITER), Set.of(READER), Duration.ofSeconds(3))).contains(WRITER);
        now.addAndGet(2_900_000_000L);
        assertThat(keeper.tick()).contains(WRITER);
        assertThat(fences).isEmpty();
        now.addAndGet(200_000_000L);
        assertThat(keeper.tick()).containsExactly(READER);
        assertThat(fences).hasSize(1);
        assertThat(fences.get(0)).contains("writer lease ran out 3100 ms");
        assertThat(keeper.tick()).containsExactly(READER);
        assertThat(fences).hasSize(1);
        assertThat(keeper.fenced()).isTrue();
    }

    @Test
    void shouldMoveAnAddressAwayWhenTold() throws Exception {
        keeper.instruct(Set.of(WRITER), Set.of(READER), Duration.ofSeconds(3));
        assertThat(keeper.instruct(Set.of(), Set.of(READER), Duration.ofSeconds(3))).containsExactly(READER);
        assertThat(fences).isEmpty();
        keeper.releaseAll("test over");
        assertThat(keeper.tick()).isEmpty();
    }

    @Test
    void shouldRefuseAnAddressOfNoRole() {
        assertThatThrownBy(() -> keeper.instruct(Set.of("127.0.232.99"), Set.of(), Duration.ofSeconds(3)))
                .hasMessageContaining("127.0.232.99 is not an address of any role");
    }
}
