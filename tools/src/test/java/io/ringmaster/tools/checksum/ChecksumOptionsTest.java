package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecksumOptionsTest {
    @Test
    void shouldSelectUserTablesButNotSystemSchemasNorItsOwn() {
        ChecksumOptions o = ChecksumOptions.defaults();
        assertThat(o.selects("shop", "items")).isTrue();
        assertThat(o.selects("mysql", "user")).isFalse();
        assertThat(o.selects("ringmaster", "heartbeat")).isFalse();
    }

    @Test
    void shouldApplyFilters() {
        ChecksumOptions o = ChecksumOptions.defaults().withTables(Set.of("shop"), Set.of("items", "crm.people"));
        assertThat(o.selects("shop", "items")).isTrue();
        assertThat(o.selects("shop", "orders")).isFalse();
        assertThat(o.selects("crm", "people")).isFalse(); // not in --databases
    }

    @Test
    void shouldNameTheOptionOfABadValue() {
        assertThatThrownBy(() -> ChecksumOptions.defaults().withChunking(Duration.ZERO, 10, 100))
                .hasMessage("--chunk-time must be positive");
        assertThatThrownBy(() -> ChecksumOptions.defaults().withChunking(Duration.ofSeconds(1), 0, 100))
                .hasMessage("--chunk-size must be at least 1, not 0");
        assertThatThrownBy(() -> ChecksumOptions.defaults().withThrottle(Duration.ofSeconds(1), 0,
                Duration.ofSeconds(1))).hasMessage("--max-load must be at least 1, not 0");
    }
}
