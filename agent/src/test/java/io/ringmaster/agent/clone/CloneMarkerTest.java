package io.ringmaster.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloneMarkerTest {
    @Test
    void shouldSitBesideTheDataDirectoryAndSurviveARoundTripThroughEachPhase(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectory(data);
        assertThat(CloneMarker.read(data)).isEmpty();
        CloneMarker m = new CloneMarker("streaming", "db4-1", "db3", dir.resolve("data.ringmaster-new-1"),
                dir.resolve("data.ringmaster-old-1"));
        m.write(data);
        assertThat(CloneMarker.file(data)).isEqualTo(dir.resolve("data.ringmaster-clone.json"));
        assertThat(CloneMarker.read(data)).contains(m);
        m.phase("swapping").write(data);
        assertThat(CloneMarker.read(data).orElseThrow().phase()).isEqualTo("swapping");
        assertThat(CloneMarker.read(data).orElseThrow().oldDir()).isEqualTo(m.oldDir());
        CloneMarker.remove(data);
        assertThat(CloneMarker.read(data)).isEmpty();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("data");
        }
    }
}
