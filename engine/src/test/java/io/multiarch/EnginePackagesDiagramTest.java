package io.multiarch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.plantuml.rules.PlantUmlArchCondition.Configuration.consideringOnlyDependenciesInDiagram;
import static com.tngtech.archunit.library.plantuml.rules.PlantUmlArchCondition.adhereToPlantUmlDiagram;

/**
 * The architecture as drawn is the architecture as built: every dependency between two engine packages must be an
 * arrow of {@code docs/architecture.puml} (dependencies outside the diagram, the JDK and Jackson, are not judged).
 */
@AnalyzeClasses(packages = "io.multiarch", importOptions = ImportOption.DoNotIncludeTests.class)
class EnginePackagesDiagramTest {
    /** The diagram, from the engine module's directory (where Maven runs the tests). */
    static final Path DIAGRAM = Path.of("..", "docs", "architecture.puml");

    @ArchTest
    static final ArchRule shouldDependOnlyAsTheDiagramDraws = classes()
            .should(adhereToPlantUmlDiagram(DIAGRAM, consideringOnlyDependenciesInDiagram()))
            .because("docs/architecture.puml is the engine's layering; change the diagram with the code");
}
