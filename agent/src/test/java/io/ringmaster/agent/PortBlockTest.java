package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortBlockTest {
    @Test
    void shouldRejectThePortBothWaysWithATcpResetAndExemptOnlyReplicas() {
        PortBlock b = new PortBlock("db-1", 3306, Set.of("10.0.0.12", "10.0.0.11"), Optional.empty());
        assertThat(b.table()).isEqualTo("ringmaster_db_1_3306");
        String s = b.script();
        assertThat(s).startsWith("add table inet ringmaster_db_1_3306\ndelete table inet ringmaster_db_1_3306\n");
        assertThat(s).contains("type filter hook input priority -10; policy accept;")
                .contains("ip saddr { 10.0.0.11, 10.0.0.12 } tcp dport 3306 accept\n    tcp dport 3306 reject with tcp reset")
                .contains("ip daddr { 10.0.0.11, 10.0.0.12 } tcp sport 3306 accept\n",
                        "    tcp sport 3306 tcp flags & rst == 0 reject with tcp reset");
        assertThat(new PortBlock("db1", 31001, Set.of(), Optional.empty()).script()).doesNotContain("accept\n    tcp");
    }

    @Test
    void shouldNeverExemptLoopbackOrTheHostsOwnAddress() {
        assertThat(PortBlock.exemptable("127.0.0.1", "10.0.0.1")).isFalse();
        assertThat(PortBlock.exemptable("::1", "10.0.0.1")).isFalse();
        assertThat(PortBlock.exemptable("10.0.0.1", "10.0.0.1")).isFalse();
        assertThat(PortBlock.exemptable("10.0.0.2", "10.0.0.1")).isTrue();
    }

    @Test
    void shouldLabelAddressesPerAgentWithinTheKernelLimit() {
        assertThat(IpAddresses.label("lo", 31049)).contains("lo:rm31049");
        assertThat(IpAddresses.label("enp0s31f6", 9989)).contains("enp0s31f6:9989");
        assertThat(IpAddresses.label("averylongname0", 9989)).isEmpty();
    }
}
