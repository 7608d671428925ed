package io.jenkins.plugins.multiarch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import hudson.model.Action;
import jenkins.model.GlobalConfiguration;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.verb.POST;

import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin's layering, as rules: it starts no process itself (every command goes through the agent's launcher),
 * every form check is a POST, and what Jenkins writes to XML holds no engine type but enums.
 */
class PluginArchitectureTest {
    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jenkins.plugins.multiarch");

    /** The types Jenkins stores with XStream: the build's action and its records, the global settings. */
    private static boolean storedInXml(JavaClass c) {
        return c.isAssignableTo(Action.class) || c.isAssignableTo(GlobalConfiguration.class)
                || c.getSimpleName().endsWith("Record") || c.getSimpleName().equals("PlanSpec")
                || c.getSimpleName().equals("PlatformLabel");
    }

    private static final ArchCondition<JavaClass> HOLD_NO_ENGINE_TYPE_BUT_ENUMS =
            new ArchCondition<>("hold no engine type but enums") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    for (JavaField f : c.getFields()) {
                        if (f.getModifiers().contains(JavaModifier.STATIC) || f.getModifiers().contains(JavaModifier.TRANSIENT)) {
                            continue;
                        }
                        for (JavaClass t : f.getType().getAllInvolvedRawTypes()) {
                            if (t.getPackageName().startsWith("io.multiarch") && !t.isEnum()) {
                                events.add(SimpleConditionEvent.violated(f, f.getFullName() + " has the engine type " + t.getName()));
                            }
                        }
                    }
                }
            };

    @Test
    void shouldStartNoProcessItself() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                .orShould().callMethod(Runtime.class, "exec", String.class)
                .orShould().callMethod(Runtime.class, "exec", String[].class)
                .check(PLUGIN);
    }

    @Test
    void shouldAnswerFormChecksOnlyToPost() {
        methods().that().haveNameMatching("do(Check|Fill)[A-Z].*").should().beAnnotatedWith(POST.class).check(PLUGIN);
    }

    @Test
    void shouldStoreNoEngineTypeButEnumsInXml() {
        classes().that(new com.tngtech.archunit.base.DescribedPredicate<>("are stored in XML by Jenkins") {
            @Override
            public boolean test(JavaClass c) {
                return storedInXml(c);
            }
        }).should(HOLD_NO_ENGINE_TYPE_BUT_ENUMS).check(PLUGIN);
    }

    @Test
    void shouldSeeTheClassesTheRulesAreAbout() {
        // the rules above are not vacuous: they find the stored types, form checks and steps
        Set<String> stored = PLUGIN.stream().filter(PluginArchitectureTest::storedInXml).map(JavaClass::getSimpleName)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(stored).contains("MultiArchImageAction", "RunRecord", "PlatformRecord", "PublishRecord", "PlanSpec",
                "MultiArchImageConfiguration", "PlatformLabel");
        assertThat(PLUGIN.stream().flatMap(c -> c.getMethods().stream()).filter(m -> m.getName().startsWith("doCheck"))).hasSizeGreaterThan(5);
        assertThat(PLUGIN.stream().filter(c -> c.isAssignableTo(Step.class) && !c.isAssignableTo(StepExecution.class))).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void shouldCatchAnEngineTypeInAStoredClass() {
        // Given: a stored-looking class with an engine record in a field
        JavaClasses bad = new ClassFileImporter().importClasses(BadRecord.class);

        // When / Then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> classes().should(HOLD_NO_ENGINE_TYPE_BUT_ENUMS).check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("PlatformResult");
    }

    /** A class that breaks the XML rule, to show the rule can fail. */
    static final class BadRecord {
        io.multiarch.result.PlatformResult result;
        io.multiarch.result.Status status;
    }
}
