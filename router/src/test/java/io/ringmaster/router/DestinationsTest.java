package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.routing.RouteTable;
import io.ringmaster.core.routing.RouteTable.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationsTest {
    private static final Backend DB1 = new Backend("db1", "127.0.0.1", 3301);
    private static final Backend DB2 = new Backend("db2", "127.0.0.1", 3302);
    private static final Backend DB3 = new Backend("db3", "127.0.0.1", 3303);
    private static final RouterConfig.Listener WRITER = new RouterConfig.Listener("writer", "writer", "127.0.0.1",
            6446, List.of());
    private static final RouterConfig.Listener READER = new RouterConfig.Listener("reader", "reader", "127.0.0.1",
            6447, List.of());
    private static final RouterConfig.Listener REPORTING = new RouterConfig.Listener("reporting", "reader",
            "127.0.0.1", 6450, List.of("db3"));

    private static RouteTable table(boolean changing, List<Backend> writer) {
        return new RouteTable(3, 1, Instant.EPOCH, changing, Map.of("writer", writer, "reader", List.of(DB1, DB2, DB3)));
    }

    @Test
    void shouldSendWritesToTheSingleHolder() {
        Destinations d = Destinations.of(WRITER, table(false, List.of(DB1)), true, true, 0);
        assertThat(d.backends()).containsExactly(DB1);
        assertThat(d.routable()).isTrue();
    }

    @Test
    void shouldHoldWritesWhileTheWriterChanges() {
        Destinations d = Destinations.of(WRITER, table(true, List.of()), true, true, 0);
        assertThat(d.routable()).isFalse();
        assertThat(d.reason()).contains("no writer available").contains("in progress");
    }

    @Test
    void shouldHoldWritesWhenNobodyHoldsTheWriterRole() {
        Destinations d = Destinations.of(WRITER, table(false, List.of()), true, true, 0);
        assertThat(d.reason()).isEqualTo("no writer available: no host holds role 'writer'");
    }

    @Test
    void shouldStopRoutingWritesWhenTheLeaseRanOut() {
        Destinations d = Destinations.of(WRITER, table(false, List.of(DB1)), true, false, 2500);
        assertThat(d.routable()).isFalse();
        assertThat(d.reason()).contains("no news from the monitor for 2500 ms");
    }

    @Test
    void shouldHoldWritesUntilTheMonitorFirstAnswers() {
        Destinations d = Destinations.of(WRITER, table(false, List.of(DB1)), true, false, -1);
        assertThat(d.reason()).isEqualTo("no writer available: no answer from the monitor yet");
    }

    @Test
    void shouldKeepRoutingReadsWhenTheLeaseRanOut() {
        Destinations d = Destinations.of(READER, table(false, List.of(DB1)), false, false, 2500);
        assertThat(d.backends()).containsExactly(DB1, DB2, DB3);
    }

    @Test
    void shouldRestrictAPoolToItsHosts() {
        assertThat(Destinations.of(REPORTING, table(false, List.of(DB1)), false, true, 0).backends())
                .containsExactly(DB3);
        RouteTable withoutDb3 = new RouteTable(4, 1, Instant.EPOCH, false, Map.of("reader", List.of(DB1, DB2)));
        Destinations d = Destinations.of(REPORTING, withoutDb3, false, true, 0);
        assertThat(d.routable()).isFalse();
        assertThat(d.reason()).isEqualTo("no ONLINE host holds role 'reader' among db3");
    }

    @Test
    void shouldHaveNoDestinationBeforeTheFirstTable() {
        assertThat(Destinations.NONE.routable()).isFalse();
        assertThat(Destinations.NONE.allows(DB1)).isFalse();
    }
}
