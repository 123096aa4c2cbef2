package io.ringmaster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real loopback aliases and a real nftables table (root only): an agent sees only the addresses of its own label,
 * adopts them after a restart, and removes a block a crashed agent left.
 */
class AddressAdoptionTest {
    private static final String WRITER = "127.0.233.50";
    private static final String OTHER = "127.0.233.51";
    private static final Duration T = Duration.ofSeconds(5);

    @AfterEach
    void cleanUp() throws Exception {
        for (String a : List.of(WRITER, OTHER)) {
            HostCommand.run(List.of("ip", "addr", "del", a + "/32", "dev", "lo"), T);
        }
        HostCommand.run(List.of("nft", "delete", "table", "inet", "ringmaster_vipunit_31999"), T);
    }

    @Test
    void shouldAdoptOnlyItsOwnLabelledAddressesAndLetTheWriterRunOut() throws Exception {
        IpAddresses.Opened mine = IpAddresses.open("lo", IpAddresses.label("lo", 31998));
        assumeTrue(mine.addresses().isPresent(), mine.why());
        assertThat(HostCommand.run(List.of("ip", "addr", "add", WRITER + "/32", "dev", "lo", "label", "lo:rm31998"),
                T).ok()).isTrue();
        assertThat(HostCommand.run(List.of("ip", "addr", "add", OTHER + "/32", "dev", "lo", "label", "lo:rm31997"),
                T).ok()).isTrue();
        AtomicLong now = new AtomicLong(0);
        List<String> fences = new ArrayList<>();
        AddressKeeper keeper = new AddressKeeper(mine.addresses().get(), Set.of(WRITER, OTHER), fences::add,
                now::get);
        assertThat(keeper.held()).containsExactly(WRITER);
        assertThat(keeper.adopt(Set.of(WRITER), Duration.ofSeconds(3))).containsExactly(WRITER);
        now.addAndGet(3_100_000_000L);
        assertThat(keeper.tick()).isEmpty();
        assertThat(fences).hasSize(1);
        keeper.releaseAll("test");
        assertThat(HostCommand.run(List.of("ip", "-o", "addr", "show", "dev", "lo", "label", "lo:rm31997"), T)
                .output()).contains(OTHER); // another agent's address is never touched
    }

    @Test
    void shouldInstallTheNftBlockAndSeeOneLeftBehind() throws Exception {
        PortBlock block = new PortBlock("vipunit", 31999, Set.of("10.9.9.9"), Optional.empty());
        assumeTrue(block.block("test"), block.unavailable());
        HostCommand.Result listed = HostCommand.run(List.of("nft", "list", "table", "inet", block.table()), T);
        assertThat(listed.output()).contains("tcp dport 31999 reject with tcp reset")
                .contains("tcp sport 31999 tcp flags ! rst reject with tcp reset");
        // a client is refused at once (the reset gets out), not left hanging until its connect timeout
        try (java.net.ServerSocket listener = new java.net.ServerSocket(31999, 5,
                java.net.InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            try (java.net.Socket s = new java.net.Socket()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.connect(listener.getLocalSocketAddress(),
                        3000)).isInstanceOf(java.net.ConnectException.class);
            }
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms until refused").isLessThan(1000);
        }
        // the next agent's block of the same name sees it as left behind, until it is lifted
        PortBlock next = new PortBlock("vipunit", 31999, Set.of(), Optional.empty());
        assertThat(next.leftBehind()).isTrue();
        assertThat(next.unblock("test")).isTrue();
        assertThat(HostCommand.run(List.of("nft", "list", "table", "inet", block.table()), T).ok()).isFalse();
        assertThat(next.leftBehind()).isFalse();
        assertThat(block.unblock("test")).isTrue();
    }
}
