package io.ringmaster.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep {@code core} pure (shared/DESIGN.md, "Parts"): its decisions are functions of state,
 * observations, configuration and a clock, so they can be unit- and property-tested without a database. A rule
 * broken here fails the build with the class and the call that broke it.
 */
class ArchitectureTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ringmaster.core");
    }

    @Test
    void coreTalksToNoDatabaseAndNoNetwork() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "java.net..",
                "java.nio.channels..").because("core decides; mysql/, router/ and monitor/ do the I/O").check(core);
    }

    @Test
    void coreNeverSleepsNorStartsThreads() {
        noClasses().should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
                .orShould().callMethod(Thread.class, "start")
                .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .because("a decision takes its clock from the caller and returns; waiting is the executor's job")
                .check(core);
    }

    @Test
    void coreDependsOnNoOtherRingmasterModule() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.ringmaster.mysql..",
                "io.ringmaster.router..", "io.ringmaster.tools..", "io.ringmaster.sandbox..", "io.ringmaster.monitor..",
                "io.ringmaster.cli..").because("core is the lowest layer").check(core);
    }
}
