package io.ringmaster.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressLeaseTest {
    private static final long S = 1_000_000_000L;
    private final AddressLease lease = new AddressLease(Set.of("10.0.0.50"), Set.of("10.0.0.51"), 10 * S,
            Duration.ofSeconds(3));

    @Test
    void shouldAddWhatTheInstructionAssignsWhileTheLeaseIsValid() {
        assertThat(lease.steps(Set.of(), false, 11 * S)).containsExactlyInAnyOrder(
                new AddressLease.Add("10.0.0.50", true), new AddressLease.Add("10.0.0.51", false));
    }

    @Test
    void shouldDoNothingWhenTheInterfaceAlreadyMatches() {
        assertThat(lease.steps(Set.of("10.0.0.50", "10.0.0.51"), false, 12 * S)).isEmpty();
    }

    @Test
    void shouldDropTheWriterAddressThenFenceWhenTheLeaseRunsOut() {
        var steps = lease.steps(Set.of("10.0.0.50", "10.0.0.51"), false, 13 * S);
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0)).isInstanceOf(AddressLease.Remove.class)
                .extracting(AddressLease.Step::address).isEqualTo("10.0.0.50");
        assertThat(steps.get(1)).isInstanceOf(AddressLease.Fence.class);
        assertThat(((AddressLease.Fence) steps.get(1)).reason()).contains("3000 ms");
    }

    @Test
    void shouldKeepReaderAddressesAfterTheLeaseRunsOutAndFenceOnlyOnce() {
        assertThat(lease.steps(Set.of("10.0.0.51"), true, 20 * S)).isEmpty();
    }

    @Test
    void shouldNeverFenceAHostThatHoldsNoWriterAddress() {
        AddressLease readerOnly = new AddressLease(Set.of(), Set.of("10.0.0.51"), 0, Duration.ofSeconds(1));
        assertThat(readerOnly.steps(Set.of("10.0.0.51"), false, 50 * S)).isEmpty();
    }

    @Test
    void shouldRemoveAddressesNoLongerAssigned() {
        assertThat(lease.steps(Set.of("10.0.0.50", "10.0.0.51", "10.0.0.52"), false, 11 * S))
                .containsExactly(new AddressLease.Remove("10.0.0.52", "no longer assigned to this host"));
    }

    @Test
    void shouldRefuseANonPositiveLength() {
        assertThatThrownBy(() -> new AddressLease(Set.of(), Set.of(), 0, Duration.ZERO))
                .hasMessageContaining("positive");
    }

    @Test
    void shouldFenceAWriterRoleWithoutAddressesWhenItsLeaseRunsOut() {
        AddressLease bare = new AddressLease(Set.of(), Set.of(), 0, Duration.ofSeconds(1), true);
        assertThat(bare.steps(Set.of(), false, S / 2)).isEmpty();
        assertThat(bare.steps(Set.of(), false, 2 * S)).singleElement().isInstanceOf(AddressLease.Fence.class);
        assertThat(bare.steps(Set.of(), true, 2 * S)).isEmpty();
        AddressLease notWriter = new AddressLease(Set.of(), Set.of("10.0.0.51"), 0, Duration.ofSeconds(1), false);
        assertThat(notWriter.steps(Set.of("10.0.0.51"), false, 2 * S)).isEmpty();
    }
}
