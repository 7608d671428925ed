package io.multiarch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's layering, written down: no Jenkins and no CLI framework, one class that starts processes, packages
 * named for the domain and free of cycles.
 */
@AnalyzeClasses(packages = "io.multiarch", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final DescribedPredicate<JavaMethodCall> RUNTIME_EXEC = DescribedPredicate.describe(
            "Runtime.exec", call -> call.getTargetOwner().isEquivalentTo(Runtime.class) && call.getName().equals("exec"));

    @ArchTest
    static final ArchRule shouldNotDependOnJenkinsOrPicocli = noClasses()
            .that().resideInAPackage("io.multiarch..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..", "org.kohsuke..", "picocli..")
            .because("the engine is a plain jar: the CLI and the Jenkins plugin adapt to it, never the reverse");

    @ArchTest
    static final ArchRule shouldStartProcessesOnlyInLocalCommandRunner = noClasses()
            .that().doNotHaveFullyQualifiedName("io.multiarch.process.LocalCommandRunner")
            .should().dependOnClassesThat().areAssignableTo(ProcessBuilder.class)
            .orShould().callMethodWhere(RUNTIME_EXEC)
            .because("every process goes through the CommandRunner seam, so the plugin can run it on an agent");

    @ArchTest
    static final ArchRule shouldKeepPackagesFreeOfCycles = slices()
            .matching("io.multiarch.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule shouldNamePackagesForTheDomain = classes()
            .should().resideOutsideOfPackages("..util..", "..utils..", "..helper..", "..helpers..", "..manager..",
                    "..managers..", "..common..", "..misc..")
            .because("packages say what lives there: platform, plan, buildx, binfmt, publish, report");
}
