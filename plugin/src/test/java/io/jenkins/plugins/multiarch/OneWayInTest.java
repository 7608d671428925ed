package io.jenkins.plugins.multiarch;

import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.PathProbe;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.Violation;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The step and the command line read raw values the same way: the same bad value, fed to the step's arguments and to
 * the engine's {@link RawBuildInput} as the CLI fills it ({@code --build-arg VERSION}, a timeout as text), gets the
 * same violation.
 */
@WithJenkins
class OneWayInTest {

    private static List<Violation> fromTheCommandLinesInput(List<String> buildArgs, List<String> labels) {
        RawBuildInput cli = new RawBuildInput().image("127.0.0.1:5000/demo/hello").platforms(List.of("linux/amd64"))
                .buildArgs(buildArgs).labels(labels).on("/", PathProbe.UNCHECKED); // paths aside, as spec.validate()
        return catchThrowableOfType(InvalidRequestException.class, cli::validate).violations();
    }

    @Test
    void shouldRefuseAKeyWithoutValueAsTheCommandLineDoes(JenkinsRule r) {
        // Given the same bad entries for the step and for the command line
        List<String> buildArgs = List.of("VERSION", "A=1", "A=2");
        List<String> labels = List.of("=x");
        MultiArchPlanStep step = new MultiArchPlanStep("127.0.0.1:5000/demo/hello");
        step.setPlatforms(List.of("linux/amd64"));
        step.setBuildArgs(buildArgs);
        step.setLabels(labels);

        // When the step's arguments are read and validated (the path check of the context aside)
        PlanSpec spec = PlanDefaults.fill(step, MultiArchImageConfiguration.get(), "RUN");
        List<Violation> fromTheStep = catchThrowableOfType(InvalidRequestException.class, spec::validate).violations();

        // Then: the same violations, with the same messages; before, "VERSION" became "VERSION=" in the plugin
        List<Violation> expected = fromTheCommandLinesInput(buildArgs, labels);
        assertThat(expected).extracting(Violation::describe).containsExactly(
                "field 'buildArgs' = 'VERSION': expected KEY=VALUE",
                "field 'buildArgs' = 'A=2': the key 'A' is given twice",
                "field 'labels' = '=x': expected KEY=VALUE");
        assertThat(fromTheStep).containsExactlyElementsOf(expected);
    }
    @Test
    void shouldRefuseATimeoutTheEngineCannotReadAsTheEngineDoes(JenkinsRule r) {
        // Given the same bad texts for the step and for the engine's raw input, a bare number in minutes for both
        MultiArchPlanStep step = new MultiArchPlanStep("127.0.0.1:5000/demo/hello");
        step.setPlatforms(List.of("linux/amd64"));
        step.setTestTimeout("soon");
        step.setPlatformTimeout("25h");
        RawBuildInput engine = new RawBuildInput().image("127.0.0.1:5000/demo/hello").platforms(List.of("linux/amd64"))
                .platformTimeout("25h", ChronoUnit.MINUTES).testTimeout("soon", ChronoUnit.MINUTES).on("/", PathProbe.UNCHECKED);

        // When
        PlanSpec spec = PlanDefaults.fill(step, MultiArchImageConfiguration.get(), "RUN");
        List<Violation> fromTheStep = catchThrowableOfType(InvalidRequestException.class, spec::validate).violations();
        List<Violation> fromTheEngine = catchThrowableOfType(InvalidRequestException.class, engine::validate).violations();

        // Then: the engine's violations, naming the field and the value as written
        assertThat(fromTheEngine).extracting(Violation::describe).containsExactly(
                "field 'platformTimeout' = '25h': must be between 1 and 24 hours (24 h)",
                "field 'testTimeout' = 'soon': expected a whole number of minutes, or one with a unit: 90s, 10m, 1h");
        assertThat(fromTheStep).containsExactlyElementsOf(fromTheEngine);
    }
}
