package io.ringmaster.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.agent.clone.DonorChoice.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule by rule, as orchestrator's candidate tests: 2 masters db1 (writer), db2, replicas db3 (of db1), db4 (of db2). */
class DonorChoiceTest {
    static Candidate master(String n, String state) {
        return new Candidate(n, false, state, null, 0.0);
    }

    static Candidate replica(String n, String state, String source, Double lag) {
        return new Candidate(n, true, state, source, lag);
    }

    static String donor(List<Candidate> hosts, String target, String from) {
        return DonorChoice.choose(hosts, target, "db1", from, 5).donor().orElse("none");
    }

    @Test
    void shouldPickTheLeastLaggingOnlineReplica() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "ONLINE"), replica("db3", "ONLINE", "db1", 2.0),
                replica("db4", "ONLINE", "db2", 0.0), replica("db5", "ONLINE", "db1", 1.0));
        assertThat(donor(hosts, "db5", null)).isEqualTo("db4");
        assertThat(donor(hosts, "db4", null)).isEqualTo("db5");
    }

    @Test
    void shouldBreakLagTiesByName() {
        var hosts = List.of(master("db1", "ONLINE"), replica("db4", "ONLINE", "db1", 0.0),
                replica("db3", "ONLINE", "db1", 0.0), replica("db5", "ONLINE", "db1", 0.0));
        assertThat(donor(hosts, "db5", null)).isEqualTo("db3");
    }

    @Test
    void shouldSkipReplicasThatAreNotOnlineLagTooMuchOrHaveUnknownLag() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "ONLINE"),
                replica("db3", "REPLICATION_FAIL", "db1", 0.0), replica("db4", "ONLINE", "db2", 30.0),
                replica("db5", "ONLINE", "db1", null), replica("db6", "ADMIN_OFFLINE", "db1", 0.0));
        DonorChoice.Choice c = DonorChoice.choose(hosts, "db6", "db1", null, 5);
        assertThat(c.donor()).contains("db2");
        assertThat(c.reason()).contains("passive master").contains("db3: REPLICATION_FAIL")
                .contains("db4: lag 30.0 s > 5.0 s").contains("db5: lag unknown");
    }

    @Test
    void shouldNeverCopyAMasterFromItsOwnReplica() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "ONLINE"), replica("db3", "ONLINE", "db1", 0.0),
                replica("db4", "ONLINE", "db2", 0.0));
        assertThat(donor(hosts, "db2", null)).isEqualTo("db3");
    }

    @Test
    void shouldNeverPickTheWriterByItself() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "HARD_OFFLINE"),
                replica("db3", "ONLINE", "db1", 0.0));
        DonorChoice.Choice c = DonorChoice.choose(hosts, "db3", "db1", null, 5);
        assertThat(c.donor()).isEmpty();
        assertThat(c.reason()).contains("the writer (db1) is used only when named with --from");
    }

    @Test
    void shouldSayWhyEachReplicaWasPassedOverWhenThereIsNoDonor() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "ONLINE"), replica("db3", "ONLINE", "db1", null),
                replica("db4", "ONLINE", "db2", 0.0), replica("db5", "REPLICATION_FAIL", "db1", 0.0));
        DonorChoice.Choice c = DonorChoice.choose(hosts, "db2", "db1", null, 30);
        assertThat(c.donor()).isEmpty();
        assertThat(c.reason()).contains("db3: lag unknown", "db4: replicates from db2", "db5: REPLICATION_FAIL");
    }

    @Test
    void shouldTakeFromEvenTheWriterButNotTheTargetOrAnUnknownHost() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "ONLINE"), replica("db3", "ONLINE", "db1", 0.0));
        DonorChoice.Choice c = DonorChoice.choose(hosts, "db3", "db1", "db1", 5);
        assertThat(c.donor()).contains("db1");
        assertThat(c.reason()).contains("it is the writer");
        assertThat(donor(hosts, "db3", "db3")).isEqualTo("none");
        assertThat(donor(hosts, "db3", "db9")).isEqualTo("none");
    }

    @Test
    void shouldNotPickTheTargetItself() {
        var hosts = List.of(master("db1", "ONLINE"), master("db2", "ONLINE"));
        assertThat(donor(hosts, "db2", null)).isEqualTo("none");
    }
}
