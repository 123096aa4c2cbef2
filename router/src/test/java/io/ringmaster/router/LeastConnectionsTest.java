package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.routing.RouteTable.Backend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {
    private static final Backend A = new Backend("db1", "127.0.0.1", 3301);
    private static final Backend B = new Backend("db2", "127.0.0.1", 3302);
    private static final Backend C = new Backend("db3", "127.0.0.1", 3303);

    @Test
    void shouldChooseNothingWithoutCandidates() {
        assertThat(LeastConnections.choose(List.of(), b -> 0, 0)).isEmpty();
    }

    @Test
    void shouldChooseTheHolderWithFewestOpenConnections() {
        Map<Backend, Integer> open = Map.of(A, 5, B, 2, C, 7);
        for (long turn = 0; turn < 10; turn++) {
            assertThat(LeastConnections.choose(List.of(A, B, C), open::get, turn)).contains(B);
        }
    }

    @Test
    void shouldTakeTurnsAmongEquallyLoadedHolders() {
        Map<Backend, Integer> open = Map.of(A, 1, B, 3, C, 1);
        assertThat(LeastConnections.choose(List.of(A, B, C), open::get, 0)).contains(A);
        assertThat(LeastConnections.choose(List.of(A, B, C), open::get, 1)).contains(C);
        assertThat(LeastConnections.choose(List.of(A, B, C), open::get, 2)).contains(A);
    }

    @Test
    void shouldHandleNegativeTurnCounters() {
        assertThat(LeastConnections.choose(List.of(A, B), b -> 0, Long.MIN_VALUE)).isPresent();
        assertThat(LeastConnections.choose(List.of(A, B), b -> 0, -1)).contains(B);
    }

    @Test
    void shouldSpreadConnectionsEvenlyWhenEachChoiceOpensOne() {
        Map<Backend, Integer> open = new HashMap<>(Map.of(A, 0, B, 0, C, 0));
        for (int i = 0; i < 30; i++) {
            Backend b = LeastConnections.choose(List.of(A, B, C), open::get, i).orElseThrow();
            open.merge(b, 1, Integer::sum);
        }
        assertThat(open.values()).containsOnly(10);
    }
}
