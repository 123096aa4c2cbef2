package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.routing.RouteTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoutePublisherTest {
    private static final RingmasterConfig CONFIG = TestConfigs.twoMasters("");
    private static final Duration NO_WAIT = Duration.ZERO;

    private final RoutePublisher routes = new RoutePublisher(CONFIG, Clock.systemUTC(), 1);

    @Test
    void shouldNotWaitWhenNoRouterFollows() throws Exception {
        routes.publish(Map.of("writer", List.of()), true, 1);

        assertThat(routes.awaitFollowers(routes.current().version())).isEmpty();
    }

    @Test
    void shouldWaitUntilEveryRouterAppliedTheTable() throws Exception {
        routes.publish(Map.of("writer", List.of("db1")), false, 1);
        long v1 = routes.current().version();
        routes.await(v1 - 1, NO_WAIT, () -> false, "app1", Duration.ofSeconds(30));
        routes.await(v1, NO_WAIT, () -> false, "app2", Duration.ofSeconds(30));
        routes.publish(Map.of("writer", List.of()), true, 1);
        long held = routes.current().version();

        CompletableFuture<List<String>> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return routes.awaitFollowers(held);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(waited).isNotDone();
        RouteTable got = routes.await(v1, Duration.ofSeconds(1), () -> false, "app1", Duration.ofSeconds(30));
        assertThat(got.version()).isEqualTo(held);
        routes.await(held, NO_WAIT, () -> false, "app1", Duration.ofSeconds(30));
        Thread.sleep(100);
        assertThat(waited).as("app2 has not applied it yet").isNotDone();
        routes.await(held, NO_WAIT, () -> false, "app2", Duration.ofSeconds(30));

        assertThat(waited.get(5, TimeUnit.SECONDS)).hasSize(2)
                .anySatisfy(l -> assertThat(l).startsWith("app1 applied table " + held))
                .anySatisfy(l -> assertThat(l).startsWith("app2 applied table " + held));
    }

    @Test
    void shouldReportARouterThatAppliedTheTableBeforeTheWaitBegan() throws Exception {
        routes.publish(Map.of("writer", List.of()), true, 1);
        long held = routes.current().version();
        routes.await(held, NO_WAIT, () -> false, "quick", Duration.ofSeconds(30));

        assertThat(routes.awaitFollowers(held)).singleElement().asString()
                .startsWith("quick applied table " + held + " in ");
    }

    @Test
    void shouldStopWaitingForASilentRouterOnceItsLeaseRanOut() throws Exception {
        routes.publish(Map.of("writer", List.of("db1")), false, 1);
        long v1 = routes.current().version();
        routes.await(v1, NO_WAIT, () -> false, "gone", Duration.ofMillis(400));
        routes.publish(Map.of("writer", List.of()), true, 1);

        long t0 = System.nanoTime();
        List<String> out = routes.awaitFollowers(routes.current().version());
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(out).singleElement().asString().startsWith("gone did not answer; its writer lease ran out after");
        assertThat(ms).isBetween(200L, 2000L);
    }

    @Test
    void shouldNotWaitForARouterWhoseLeaseAlreadyRanOut() throws Exception {
        routes.publish(Map.of("writer", List.of("db1")), false, 1);
        routes.await(routes.current().version(), NO_WAIT, () -> false, "old", Duration.ofMillis(10));
        Thread.sleep(50);
        routes.publish(Map.of("writer", List.of()), true, 1);

        assertThat(routes.awaitFollowers(routes.current().version())).as("cannot route writes any more").isEmpty();
    }
}
