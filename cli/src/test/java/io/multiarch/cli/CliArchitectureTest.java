package io.multiarch.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI is a thin front end: every process goes through the engine's process seam (LocalCommandRunner), and
 * nothing of Jenkins reaches it.
 */
class CliArchitectureTest {
    private static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.multiarch.cli");

    /** No class in {@code packageName} starts a process itself, with ProcessBuilder or Runtime.exec. */
    static ArchRule noDirectProcesses(String packageName) {
        return noClasses()
                .that().resideInAPackage(packageName + "..")
                .should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class)
                .orShould().callMethodWhere(describe("Runtime.exec(…)",
                        call -> call.getTargetOwner().isEquivalentTo(Runtime.class) && call.getName().equals("exec")))
                .because("every process runs through the engine's CommandRunner seam (LocalCommandRunner)");
    }

    @Test
    void shouldImportTheCliClasses() {
        assertThat(CLI.contain(Main.class)).isTrue();
        assertThat(CLI.contain(BuildCommand.class)).isTrue();
        assertThat(CLI.stream().map(c -> c.getPackageName())).allMatch(p -> p.startsWith("io.multiarch.cli"));
    }

    @Test
    void shouldNotStartProcessesDirectly() {
        noDirectProcesses("io.multiarch.cli").check(CLI);
    }

    @Test
    void shouldNotDependOnJenkins() {
        noClasses()
                .that().resideInAPackage("io.multiarch.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..", "io.jenkins..")
                .because("the CLI runs the engine outside Jenkins")
                .check(CLI);
    }

    /** The control experiment: the same rule does catch the one class that is allowed to use ProcessBuilder. */
    @Test
    void shouldCatchProcessBuilderWhereItIsUsed() {
        // Given
        JavaClasses processSeam = new ClassFileImporter().importPackages("io.multiarch.process");

        // When / Then
        assertThat(noDirectProcesses("io.multiarch.process").evaluate(processSeam).getFailureReport().getDetails())
                .anyMatch(line -> line.contains("LocalCommandRunner") && line.contains("ProcessBuilder"));
    }
}
