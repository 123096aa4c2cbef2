package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real loopback aliases on {@code lo}; skipped (with the reason) where the test does not run as root. */
class IpAddressesTest {
    private static final String ADDRESS = "127.0.231.50";

    @AfterEach
    void removeAlias() throws Exception {
        HostCommand.run(List.of("ip", "addr", "del", ADDRESS + "/32", "dev", "lo"), java.time.Duration.ofSeconds(5));
    }

    @Test
    void shouldAddListAndRemoveALoopbackAlias() throws Exception {
        IpAddresses.Opened opened = IpAddresses.open("lo");
        assumeTrue(opened.addresses().isPresent(), opened.why());
        IpAddresses lo = opened.addresses().get();
        assertThat(lo.held()).doesNotContain(ADDRESS).doesNotContain("127.0.0.1");
        lo.add(ADDRESS, "test");
        lo.add(ADDRESS, "test, again: adding twice is not an error");
        assertThat(lo.held()).contains(ADDRESS);
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(ADDRESS))) {
            assertThat(s.getInetAddress().getHostAddress()).isEqualTo(ADDRESS); // the address is usable
        }
        lo.remove(ADDRESS, "test");
        lo.remove(ADDRESS, "test, again: removing what is gone is not an error");
        assertThat(lo.held()).doesNotContain(ADDRESS);
    }

    @Test
    void shouldSayWhyWhenTheInterfaceDoesNotExist() throws Exception {
        IpAddresses.Opened opened = IpAddresses.open("nosuch0");
        assertThat(opened.addresses()).isEmpty();
        assertThat(opened.why()).startsWith("virtual IPs are off: ").contains("nosuch0");
    }
}
