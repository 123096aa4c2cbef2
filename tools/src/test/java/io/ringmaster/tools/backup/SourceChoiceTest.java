package io.ringmaster.tools.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.tools.backup.SourceChoice.HostFacts;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceChoiceTest {
    static final HostFacts WRITER = new HostFacts("db1", false, true, false, true);
    static final HostFacts PASSIVE = new HostFacts("db2", false, true, true, true);
    static final HostFacts REPLICA = new HostFacts("db3", true, true, true, true);
    static final HostFacts BROKEN_REPLICA = new HostFacts("db4", true, true, true, false);

    static String host(SourceChoice.Result r) {
        return r.choice().map(SourceChoice.Choice::host).orElse("refused");
    }

    @Test
    void shouldPreferAReplicaThatReplicates() {
        assertThat(host(SourceChoice.choose(Optional.empty(), Optional.empty(),
                List.of(WRITER, PASSIVE, BROKEN_REPLICA, REPLICA)))).isEqualTo("db3");
    }

    @Test
    void shouldTakeThePassiveMasterWhenNoReplicaReplicates() {
        assertThat(host(SourceChoice.choose(Optional.empty(), Optional.empty(),
                List.of(WRITER, PASSIVE, BROKEN_REPLICA)))).isEqualTo("db2");
    }

    @Test
    void shouldNeverChooseTheWriterByItself() {
        SourceChoice.Result r = SourceChoice.choose(Optional.empty(), Optional.of("db1"), List.of(WRITER));
        assertThat(r.choice()).isEmpty();
        assertThat(r.refusal()).contains("backup.from db1 is writable").contains("--host");
        assertThat(host(SourceChoice.choose(Optional.of("db1"), Optional.empty(), List.of(WRITER))))
                .isEqualTo("db1");
    }

    @Test
    void shouldTakeBackupFromWhenItIsReadOnly() {
        assertThat(host(SourceChoice.choose(Optional.empty(), Optional.of("db2"), List.of(WRITER, PASSIVE, REPLICA))))
                .isEqualTo("db2");
    }
}
