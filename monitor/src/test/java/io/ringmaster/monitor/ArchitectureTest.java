package io.ringmaster.monitor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules of the monitor's shape (shared/STYLE.md): the monitor executes what {@code core}'s decider decides, so it
 * sleeps only where a wait is the point (the writer lease, the watch's ping period, a return fence's retry, a hook's exit), and no
 * source file of the project grows past what one reads in a sitting.
 */
class ArchitectureTest {
    /** Longest main source file, lines (HikariCP's pool engine, the anchor's biggest, is ~900). */
    static final int MAX_LINES = 600;

    @Test
    void monitorSleepsOnlyWhereWaitingIsThePoint() {
        JavaClasses monitor = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ringmaster.monitor");
        noClasses().that().doNotHaveSimpleName("WriterChanges").and().doNotHaveSimpleName("WriterWatch")
                .and().doNotHaveSimpleName("ReturnFence").and().doNotHaveSimpleName("HookRunner")
                .should().callMethod(Thread.class, "sleep", long.class)
                .because("rounds are scheduled, not slept; a wait in a step is bounded by a SQL timeout")
                .check(monitor);
    }

    @Test
    void noMainSourceFileIsLongerThanASitting() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(root)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .filter(p -> lines(p) > MAX_LINES)
                    .map(p -> root.relativize(p) + " (" + lines(p) + " lines)").toList();
        }
        assertThat(tooLong).as("split these: one reads a file in a sitting").isEmpty();
    }

    private static long lines(Path p) {
        try (Stream<String> l = Files.lines(p)) {
            return l.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
