package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.agent.clone.DonorChoice;
import org.junit.jupiter.api.Test;

class RebuildCommandTest {
    static JsonNode status(String db3Lag) throws Exception {
        return new ObjectMapper().readTree("""
                {"writer": "db1", "hosts": [
                  {"name": "db1", "mode": "master", "state": "ONLINE", "source": "db2", "lagSeconds": null},
                  {"name": "db2", "mode": "master", "state": "ONLINE", "source": "db1", "lagSeconds": 0.1},
                  {"name": "db3", "mode": "replica", "state": "ONLINE", "source": "db1", "lagSeconds": %s},
                  {"name": "db4", "mode": "replica", "state": "ONLINE", "source": "db2", "lagSeconds": null}]}
                """.formatted(db3Lag));
    }

    static DonorChoice.Choice choose(JsonNode status, String target) {
        return DonorChoice.choose(RebuildCommand.candidates(status), target, "db1", null, 30);
    }

    @Test
    void shouldWaitForTheLagOfAReplicaThatCouldBeTheDonor() throws Exception {
        JsonNode unknown = status("null");
        // db2's replica db4 is never its donor, its unmeasured lag does not matter; db3's does
        assertThat(choose(unknown, "db2").donor()).isEmpty();
        assertThat(RebuildCommand.awaitsLag(choose(unknown, "db2"), unknown, "db2")).isTrue();
        // db4 would get the passive master db2 now, db3 perhaps once measured
        assertThat(choose(unknown, "db4").donor()).contains("db2");
        assertThat(RebuildCommand.awaitsLag(choose(unknown, "db4"), unknown, "db4")).isTrue();
    }

    @Test
    void shouldNotWaitOnceAReplicaIsChosenOrNoneIsUnmeasured() throws Exception {
        JsonNode known = status("0.2");
        assertThat(choose(known, "db2").donor()).contains("db3");
        assertThat(RebuildCommand.awaitsLag(choose(known, "db2"), known, "db2")).isFalse();
        JsonNode far = status("120.0");
        assertThat(choose(far, "db2").donor()).isEmpty();
        assertThat(RebuildCommand.awaitsLag(choose(far, "db2"), far, "db2")).isFalse();
    }
}
