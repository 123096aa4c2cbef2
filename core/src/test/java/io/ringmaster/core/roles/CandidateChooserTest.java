package io.ringmaster.core.roles;

import static io.ringmaster.core.model.HostState.ADMIN_OFFLINE;
import static io.ringmaster.core.model.HostState.AWAITING_RECOVERY;
import static io.ringmaster.core.model.HostState.HARD_OFFLINE;
import static io.ringmaster.core.model.HostState.REPLICATION_FAIL;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.core.Obs;
import io.ringmaster.core.States;
import io.ringmaster.core.TestClusters;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.observe.HostObservation;
import io.ringmaster.core.roles.CandidateChoice.Ranked;
import io.ringmaster.core.roles.CandidateChoice.Rejected;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Candidate choice, rule by rule, in a cluster of four masters db1..db4 where db1 was the writer (domain 1). */
class CandidateChooserTest {
    private static final Optional<Long> DOMAIN_1 = Optional.of(1L);

    private RingmasterConfig config = TestClusters.cluster(TestClusters.defaultMonitor(), 4, List.of("db1"),
            Optional.empty());
    private final States states = States.allOnline(config).role("writer", "db1");
    private final Map<String, Obs> obs = new LinkedHashMap<>();

    CandidateChooserTest() {
        for (String h : List.of("db1", "db2", "db3", "db4", "r1")) {
            obs.put(h, Obs.of(h).pos("1-1-100").replicatingFrom(config.host("db1")));
        }
        obs.get("db1").unreachable("connect timed out");
    }

    @Test
    void shouldChooseHostThatAppliedMostOfTheWriterDomain() {
        obs.get("db2").pos("1-1-90").received("1-1-120");
        obs.get("db3").pos("1-1-99");
        obs.get("db4").pos("1-1-95");

        CandidateChoice c = choose();

        assertThat(c.candidate()).contains("db3");
        assertThat(c.ranked()).containsExactly(new Ranked("db3", 99, 99), new Ranked("db4", 95, 95),
                new Ranked("db2", 90, 120));
    }

    @Test
    void shouldBreakTieOnAppliedByMostReceived() {
        obs.get("db2").received("1-1-101");
        obs.get("db3").received("1-1-105");
        obs.get("db4").received("1-1-100");

        assertThat(choose().ranked()).extracting(Ranked::host).containsExactly("db3", "db2", "db4");
    }

    @Test
    void shouldBreakTieOnPositionsByPreferredHost() {
        config = TestClusters.cluster(TestClusters.defaultMonitor(), 4, List.of("db1"), Optional.of("db4"));

        assertThat(choose().ranked()).extracting(Ranked::host).containsExactly("db4", "db2", "db3");
    }

    @Test
    void shouldNotLetPreferredHostWinWhenItReceivedLess() {
        config = TestClusters.cluster(TestClusters.defaultMonitor(), 4, List.of("db1"), Optional.of("db4"));
        obs.get("db3").received("1-1-101");

        assertThat(choose().candidate()).contains("db3");
    }

    @Test
    void shouldBreakRemainingTieByConfigurationOrder() {
        assertThat(choose().ranked()).extracting(Ranked::host).containsExactly("db2", "db3", "db4");
    }

    @Test
    void shouldCountOnlyTheOldWriterDomain() {
        obs.get("db2").pos("1-1-100,2-2-500");
        obs.get("db3").pos("1-1-101");

        assertThat(choose().candidate()).contains("db3");
    }

    @Test
    void shouldSumEveryDomainWhenTheWriterDomainIsUnknown() {
        obs.get("db2").pos("1-1-100,2-2-500");
        obs.get("db3").pos("1-1-101");

        CandidateChoice c = CandidateChooser.choose(config, states.build(), observations(), Optional.empty(),
                Optional.empty());

        assertThat(c.candidate()).contains("db2");
        assertThat(c.ranked().get(0)).isEqualTo(new Ranked("db2", 600, 600));
    }

    @Test
    void shouldRankReceivedAsAtLeastApplied() {
        obs.get("db2").pos("1-1-100").received("1-1-50");

        assertThat(choose().ranked()).contains(new Ranked("db2", 100, 100));
    }

    @Test
    void shouldRejectHostsThatAreNotOnlineNamingTheirState() {
        states.host("db2", AWAITING_RECOVERY).host("db3", REPLICATION_FAIL).host("db4", ADMIN_OFFLINE);

        CandidateChoice c = choose();

        assertThat(c.candidate()).isEmpty();
        assertThat(c.ranked()).isEmpty();
        assertThat(c.rejected()).containsExactly(new Rejected("db2", "is AWAITING_RECOVERY"),
                new Rejected("db3", "is REPLICATION_FAIL"), new Rejected("db4", "is ADMIN_OFFLINE"));
    }

    @Test
    void shouldRejectHostNeverChecked() {
        states.unknown("db2");

        assertThat(choose().rejected()).containsExactly(new Rejected("db2", "never checked"));
    }

    @Test
    void shouldRejectOnlineHostThatDoesNotAnswerNow() {
        obs.get("db2").unreachable("connect timed out");
        obs.remove("db3");

        CandidateChoice c = choose();

        assertThat(c.candidate()).contains("db4");
        assertThat(c.rejected()).containsExactly(new Rejected("db2", "not answering: connect timed out"),
                new Rejected("db3", "not answering: no observation"));
    }

    @Test
    void shouldExcludeTheOldWriterEvenWhenItIsTheMostAdvanced() {
        states.host("db1", io.ringmaster.core.model.HostState.ONLINE);
        obs.put("db1", Obs.of("db1").pos("1-1-200"));

        CandidateChoice c = choose();

        assertThat(c.candidate()).contains("db2");
        assertThat(c.ranked()).extracting(Ranked::host).doesNotContain("db1");
        assertThat(c.rejected()).extracting(Rejected::host).doesNotContain("db1");
    }

    @Test
    void shouldConsiderEveryMasterWhenThereWasNoWriter() {
        obs.put("db1", Obs.of("db1").pos("1-1-200"));

        CandidateChoice c = CandidateChooser.choose(config, states.build(), observations(), Optional.empty(),
                DOMAIN_1);

        assertThat(c.candidate()).contains("db1");
    }

    @Test
    void shouldChooseNobodyWhenNoHostQualifies() {
        states.host("db2", HARD_OFFLINE).host("db3", HARD_OFFLINE).host("db4", HARD_OFFLINE);

        CandidateChoice c = choose();

        assertThat(c.candidate()).isEmpty();
        assertThat(c.summary()).isEqualTo("no candidate; db2 rejected: is HARD_OFFLINE; db3 rejected: is "
                + "HARD_OFFLINE; db4 rejected: is HARD_OFFLINE");
    }

    @Test
    void shouldSummariseTheChoiceOnOneLine() {
        obs.get("db3").pos("1-1-101");
        states.host("db4", HARD_OFFLINE);

        assertThat(choose().summary()).isEqualTo("chose db3; db3 applied=101 received=101; db2 applied=100 "
                + "received=100; db4 rejected: is HARD_OFFLINE");
    }

    private CandidateChoice choose() {
        return CandidateChooser.choose(config, states.build(), observations(), Optional.of("db1"), DOMAIN_1);
    }

    private Map<String, HostObservation> observations() {
        Map<String, HostObservation> m = new LinkedHashMap<>();
        obs.forEach((h, o) -> m.put(h, o.build()));
        return m;
    }
}
