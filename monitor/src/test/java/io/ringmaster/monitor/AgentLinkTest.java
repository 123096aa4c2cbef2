package io.ringmaster.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.agent.AgentClient;
import io.ringmaster.agent.AgentException;
import io.ringmaster.core.config.AgentConfig;
import io.ringmaster.core.config.AgentsConfig;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the monitor counts an agent's writer lease from answers and from requests that got none. */
class AgentLinkTest {
    private static final long LEASE = 3_000_000_000L;
    private static final long MS = 1_000_000L;

    private static AgentLink link() {
        AgentConfig a = new AgentConfig("db1", "127.0.0.1", 9989, "127.0.0.1", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        return new AgentLink(new AgentClient(AgentsConfig.none(), a), LEASE);
    }

    private static AgentException failure(Throwable cause) {
        return new AgentException("db1", 0, "agent of db1 cannot be reached: " + cause, cause);
    }

    @Test
    void shouldCountTheLeaseFromTheLastAnswerWhenLaterRenewalsNeverConnected() throws Exception {
        AgentLink l = link();
        l.answered(new ObjectMapper().readTree("{\"writer\": true, \"lease_ms\": 3000}"), 1000 * MS, true);
        l.failed(failure(new ConnectException("Connection refused")), 2000 * MS, true);
        l.failed(failure(new HttpConnectTimeoutException("connect timed out")), 3000 * MS, true);

        assertThat(l.writerLeaseLapsed(3999 * MS)).isFalse();
        assertThat(l.writerLeaseLapsed(4000 * MS)).as("3 s after the answer").isTrue();
    }

    @Test
    void shouldCountFromARenewalThatMayHaveArrived() throws Exception {
        AgentLink l = link();
        l.answered(new ObjectMapper().readTree("{\"writer\": true, \"lease_ms\": 3000}"), 1000 * MS, true);
        l.failed(failure(new HttpTimeoutException("request timed out")), 2500 * MS, true);

        assertThat(l.writerLeaseLapsed(4000 * MS)).as("the renewal at 2.5 s may have reached it").isFalse();
        assertThat(l.writerLeaseLapsed(5500 * MS)).isTrue();
    }

    @Test
    void shouldNeverLapseForAnAgentNeverToldToWrite() throws Exception {
        AgentLink l = link();
        l.answered(new ObjectMapper().readTree("{\"writer\": false, \"held\": [], \"lease_ms\": 3000}"), MS, false);
        assertThat(l.writerLeaseLapsed(Long.MAX_VALUE / 2)).isFalse();
        assertThat(AgentLink.neverConnected(failure(new ConnectException("x")))).isTrue();
        assertThat(AgentLink.neverConnected(failure(new java.io.IOException("Connection reset")))).isFalse();
    }
}
