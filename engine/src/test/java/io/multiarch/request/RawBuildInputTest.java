package io.multiarch.request;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The one way in: raw values as front ends give them, each kind parsed once. */
class RawBuildInputTest {

    @TempDir
    Path context;

    @BeforeEach
    void writeDockerfiles() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        Files.writeString(context.resolve("Dockerfile.alpine"), "FROM busybox\n");
    }

    private RawBuildInput valid() {
        return new RawBuildInput().image("127.0.0.1:5000/demo/hello").context(context.toString())
                .platforms(List.of("linux/amd64", "linux/arm64"));
    }

    private List<Violation> violationsOf(UnaryOperator<RawBuildInput> change) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> change.apply(valid()).validate());
        assertThat(e).as("the input should be refused").isNotNull();
        return e.violations();
    }

    @Test
    void shouldParseKeyValueEntriesInTheirOrder() {
        // When
        BuildRequest request = valid().buildArgs(List.of("VERSION=1.4", "EMPTY=", "URL=a=b"))
                .labels(List.of("org.opencontainers.image.title=hello")).build();

        // Then
        assertThat(request.buildArgs()).containsExactly(Map.entry("VERSION", "1.4"), Map.entry("EMPTY", ""), Map.entry("URL", "a=b"));
        assertThat(request.labels()).containsExactly(Map.entry("org.opencontainers.image.title", "hello"));
    }

    @Test
    void shouldRefuseAKeyWithoutValueAndAKeyGivenTwice() {
        // When
        List<Violation> violations = violationsOf(b -> b.buildArgs(List.of("VERSION", "A=1", "A=2")).labels(List.of("=x")));

        // Then: an entry without '=' is refused, not made KEY= (what the plugin did before)
        assertThat(violations).extracting(Violation::describe).containsExactly(
                "field 'buildArgs' = 'VERSION': expected KEY=VALUE",
                "field 'buildArgs' = 'A=2': the key 'A' is given twice",
                "field 'labels' = '=x': expected KEY=VALUE");
    }

    @ParameterizedTest(name = "[{index}] {0} (bare: {1})")
    @CsvSource({"600, SECONDS, PT10M", "10, MINUTES, PT10M", "90s, MINUTES, PT1M30S", "2h, SECONDS, PT2H", "1440m, SECONDS, PT24H"})
    void shouldReadADurationWithItsUnitOrTheBareUnit(String text, ChronoUnit bare, Duration expected) {
        assertThat(valid().testTimeout(text, bare).build().testTimeout()).isEqualTo(expected);
        assertThat(valid().platformTimeout(text, bare).build().platformTimeout()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} (bare: {1})")
    @CsvSource(delimiter = '|', value = {
            "0|MINUTES|must be between 1 and 1440 minutes (24 h)",
            "-5|MINUTES|must be between 1 and 1440 minutes (24 h)",
            "9223372036854775807|MINUTES|must be between 1 and 1440 minutes (24 h)",
            "90000|SECONDS|must be between 1 and 86400 seconds (24 h)",
            "25h|SECONDS|must be between 1 and 24 hours (24 h)",
            "ten|MINUTES|expected a whole number of minutes, or one with a unit: 90s, 10m, 1h"})
    void shouldNameABadDurationInTheUnitItWasWrittenIn(String text, ChronoUnit bare, String problem) {
        assertThat(violationsOf(b -> b.testTimeout(text, bare))).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("testTimeout");
            assertThat(v.value()).isEqualTo(text);
            assertThat(v.problem()).isEqualTo(problem);
        });
    }

    @Test
    void shouldReadTheTestInEachForm() {
        assertThat(valid().testShell("arch-test").build().test()).hasValue(TestSpec.shell("arch-test"));
        assertThat(valid().testExec(List.of("/app/selftest", "--quick")).build().test())
                .hasValue(TestSpec.exec(List.of("/app/selftest", "--quick")));
        assertThat(valid().testExecJson("[\"/app/selftest\",\"--quick\"]").build().test())
                .hasValue(TestSpec.exec(List.of("/app/selftest", "--quick")));
    }

    @Test
    void shouldRefuseAnExecFormThatIsNotAJsonArrayOfStrings() {
        for (String json : List.of("selftest --quick", "{}", "[1,2]", "[null]", "[\"/bin/true\"] ; rm -rf /")) {
            assertThat(violationsOf(b -> b.testExecJson(json))).as(json).singleElement().satisfies(v -> {
                assertThat(v.field()).isEqualTo("testExec");
                assertThat(v.value()).isEqualTo(json);
                assertThat(v.problem()).startsWith("expected a JSON array of strings");
            });
        }
        assertThat(violationsOf(b -> b.testShell("true").testExecJson("[\"/bin/true\"]")))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("test"));
    }

    @Test
    void shouldReadTheBinfmtModeInAnyCase() {
        assertThat(valid().binfmtMode("Install").build().binfmtMode()).isEqualTo(BinfmtMode.INSTALL);
        assertThat(violationsOf(b -> b.binfmtMode("sometimes"))).singleElement()
                .satisfies(v -> assertThat(v.describe()).isEqualTo("field 'binfmt' = 'sometimes': must be one of off, verify, install"));
    }

    @Test
    void shouldValidateTheRunAndItsVariantsAtOnce() {
        // When
        ValidatedInput valid = valid().tags(List.of("1.4")).variant("alpine=Dockerfile.alpine").validate();

        // Then
        assertThat(valid.matrix()).isTrue();
        assertThat(valid.variants()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("alpine");
            assertThat(v.request().tags()).extracting(Tag::value).containsExactly("1.4-alpine");
            assertThat(v.request().dockerfile()).isEqualTo(context.toAbsolutePath().resolve("Dockerfile.alpine"));
        });
        assertThat(valid().validate().matrix()).isFalse();
    }

    @Test
    void shouldNameABadVariantEntryBesideTheRunsOwnViolations() {
        assertThat(violationsOf(b -> b.image("Bad").variant("alpine")))
                .extracting(Violation::field).containsExactly("variant", "image");
    }

    @Test
    void shouldLetAVariantsBuildArgumentsOverrideTheRunsEntries() {
        // Given
        VariantSpec debian = new VariantSpec("debian", "-debian", null, null, Map.of("BASE", "debian"), null, null, null);

        // When
        ValidatedInput valid = valid().buildArgs(List.of("BASE=busybox", "VERSION=1")).variants(List.of(debian)).validate();

        // Then
        assertThat(valid.variants().get(0).request().buildArgs()).containsEntry("BASE", "debian").containsEntry("VERSION", "1");
    }
}
