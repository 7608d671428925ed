package io.multiarch.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed values for every field of {@code multiarch build}: each is refused with exit code 2, a message naming
 * the field and showing the value (control characters escaped, long values cut), and no docker process at all.
 * The docker executable is a recording script, so "nothing was run" is checked, not assumed.
 */
class BadInputTest {
    private static final String CTX = "{ctx}";
    private static final String IMAGE = "127.0.0.1:5000/demo/app";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path tmp;

    private Path context;
    private RecordingDocker docker;

    @BeforeEach
    void createContextAndFakeDocker() throws IOException {
        context = Files.createDirectory(tmp.resolve("ctx"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        docker = RecordingDocker.in(Files.createDirectory(tmp.resolve("bin")));
    }

    /**
     * One malformed invocation.
     *
     * @param field   the option the message must name, as in {@code option '--tag'}
     * @param shown   the start of the value as the message must show it (escaped and cut as Printable does)
     * @param context the CONTEXT argument ({@value CTX} is the valid context directory)
     * @param options the options under test; {@code --image} and {@code --platforms} get valid defaults when absent
     */
    record Case(String field, String shown, String context, List<String> options) {
        @Override
        public String toString() {
            return field + " <- " + String.join(" ", options.isEmpty() ? List.of(context) : options)
                    .replace("\n", "\\n").replace("\u0000", "\\0");
        }
    }

    private static Arguments bad(String field, String shown, String... options) {
        return Arguments.of(new Case(field, shown, CTX, List.of(options)));
    }

    private static Arguments badContext(String shown, String context) {
        return Arguments.of(new Case("CONTEXT", shown, context, List.of()));
    }

    static Stream<Arguments> malformedValues() {
        return Stream.of(
                // CONTEXT
                badContext("/nonexistent/multiarch-context", "/nonexistent/multiarch-context"),
                badContext("$(rm -rf /)", "$(rm -rf /)"),
                badContext("ctx\\x0ax", "ctx\nx"),
                badContext(CTX + "/Dockerfile", CTX + "/Dockerfile"),
                // --image
                bad("--image", "Demo/App", "--image", "Demo/App"),
                bad("--image", "demo/app:1.0", "--image", "demo/app:1.0"),
                bad("--image", "demo/app@" + DIGEST, "--image", "demo/app@" + DIGEST),
                bad("--image", "demo//app", "--image", "demo//app"),
                bad("--image", ";rm -rf /", "--image", ";rm -rf /"),
                bad("--image", "demo/`id`", "--image", "demo/`id`"),
                bad("--image", "demo/$(id)", "--image", "demo/$(id)"),
                bad("--image", "a".repeat(120) + "… (300 characters)", "--image", "a".repeat(300)),
                bad("--image", "'", "--image", ""), // nothing between the quotes
                bad("--image", "demo\\x00app", "--image", "demo\u0000app"),
                bad("--image", "demo app", "--image", "demo app"),
                bad("--image", "-registry.example.com/app", "--image=-registry.example.com/app"),
                // --tag
                bad("--tag", "-x", "--tag=-x"),
                bad("--tag", ".x", "--tag", ".x"),
                bad("--tag", "a b", "--tag", "a b"),
                bad("--tag", "a".repeat(120) + "… (129 characters)", "--tag", "a".repeat(129)),
                bad("--tag", "$(id)", "--tag", "$(id)"),
                bad("--tag", "a;b", "--tag", "a;b"),
                bad("--tag", "`id`", "--tag", "`id`"),
                bad("--tag", "v1\\x0alatest", "--tag", "v1\nlatest"),
                bad("--tag", "v1", "--tag", "v1", "--tag", "v1"),
                bad("--tag", "'", "--tag", ""),
                // --platforms
                bad("--platforms", "linux/sparc", "--platforms", "linux/sparc"),
                bad("--platforms", "windows/amd64", "--platforms", "windows/amd64"),
                bad("--platforms", "'", "--platforms", ""),
                bad("--platforms", "arm/v5", "--platforms", "arm/v5"),
                bad("--platforms", "linux/arm64;id", "--platforms", "linux/arm64;id"),
                bad("--platforms", "aarch64", "--platforms", "arm64,aarch64"),
                bad("--platforms", "linux/amd64\\x00", "--platforms", "linux/amd64\u0000"),
                // --optional-platform
                bad("--optional-platform", "linux/arm64", "--optional-platform", "linux/arm64"),
                bad("--optional-platform", "linux/sparc", "--optional-platform", "linux/sparc"),
                bad("--optional-platform", "[linux/amd64]", "--optional-platform", "linux/amd64"),
                // --file
                bad("--file", "missing.Dockerfile", "--file", "missing.Dockerfile"),
                bad("--file", "/nonexistent/Dockerfile", "--file", "/nonexistent/Dockerfile"),
                bad("--file", "Docker\\x00file", "--file", "Docker\u0000file"),
                // --target
                bad("--target", "-bad", "--target=-bad"),
                bad("--target", "a b", "--target", "a b"),
                bad("--target", "$(x)", "--target", "$(x)"),
                // --build-arg
                bad("--build-arg", "1X", "--build-arg", "1X=1"),
                bad("--build-arg", "A-B", "--build-arg", "A-B=1"),
                bad("--build-arg", "NOEQUALS", "--build-arg", "NOEQUALS"),
                bad("--build-arg", "=v", "--build-arg", "=v"),
                bad("--build-arg", "x\\x0ay", "--build-arg", "A=x\ny"),
                bad("--build-arg", "x\\x00y", "--build-arg", "A=x\u0000y"),
                bad("--build-arg", "A$B", "--build-arg", "A$B=1"),
                bad("--build-arg", "A=2", "--build-arg", "A=1", "--build-arg", "A=2"),
                bad("--build-arg", "v".repeat(120) + "… (5000 characters)", "--build-arg", "A=" + "v".repeat(5000)),
                // --label
                bad("--label", "my key", "--label", "my key=1"),
                bad("--label", "a\\x0ab", "--label", "k=a\nb"),
                bad("--label", "=x", "--label", "=x"),
                // --secret
                bad("--secret", "id=token", "--secret", "id=token"),
                bad("--secret", "src=/etc/hostname", "--secret", "src=/etc/hostname"),
                bad("--secret", "id=a b,src=/etc/hostname", "--secret", "id=a b,src=/etc/hostname"),
                bad("--secret", "id=t,src=/nonexistent/secret", "--secret", "id=t,src=/nonexistent/secret"),
                bad("--secret", "id=t,env=MULTIARCH_SURELY_UNSET_VARIABLE", "--secret", "id=t,env=MULTIARCH_SURELY_UNSET_VARIABLE"),
                bad("--secret", "id=t,env=A-B", "--secret", "id=t,env=A-B"),
                bad("--secret", "id=t,src=/etc/hostname,env=HOME", "--secret", "id=t,src=/etc/hostname,env=HOME"),
                bad("--secret", "id=t,mode=0400,src=/etc/hostname", "--secret", "id=t,mode=0400,src=/etc/hostname"),
                bad("--secret", "id=t,env=HOME", "--secret", "id=t,src=/etc/hostname", "--secret", "id=t,env=HOME"),
                bad("--secret", "id=t,src=/etc/host\\x0aname", "--secret", "id=t,src=/etc/host\nname"),
                // --size-budget
                bad("--size-budget", "lots", "--size-budget", "lots"),
                bad("--size-budget", "0", "--size-budget", "0"),
                bad("--size-budget", "linux/s390x=1MB", "--size-budget", "linux/s390x=1MB"),
                bad("--size-budget", "linux/sparc=1MB", "--size-budget", "linux/sparc=1MB"),
                bad("--size-budget", "2MB", "--size-budget", "1MB", "--size-budget", "2MB"),
                // --sbom-generator
                bad("--sbom-generator", "Docker/Scanner", "--sbom-generator", "Docker/Scanner"),
                bad("--sbom-generator", "scanner,push=true", "--sbom-generator", "scanner,push=true"),
                // --variant, --all-or-nothing
                bad("--variant", "alpine", "--variant", "alpine"),
                bad("--variant", "=Dockerfile", "--variant", "=Dockerfile"),
                bad("--variant variants[0].name", "Alpine", "--variant", "Alpine=Dockerfile"),
                bad("--variant variants[0] (alpine).dockerfile", "missing.Dockerfile", "--variant", "alpine=missing.Dockerfile"),
                bad("--variant variants[1].name", "a", "--variant", "a=Dockerfile", "--variant", "a=Dockerfile"),
                // --test, --test-exec
                bad("--test", "'", "--test", ""),
                bad("--test", "a\\x00b", "--test", "a\u0000b"),
                bad("--test", "true", "--test", "true", "--test-exec", "[\"/bin/true\"]"),
                bad("--test-exec", "selftest --quick", "--test-exec", "selftest --quick"),
                bad("--test-exec", "[]", "--test-exec", "[]"),
                bad("--test-exec", "{}", "--test-exec", "{}"),
                bad("--test-exec", "[]", "--test-exec", "[\"\"]"),
                bad("--test-exec", "a\\x00b", "--test-exec", "[\"/app/selftest\",\"a\\u0000b\"]"),
                bad("--test-exec", "[null]", "--test-exec", "[null]"),
                bad("--test-exec", "[1,2]", "--test-exec", "[1,2]"), // help: "a JSON array of strings"
                bad("--test-exec", "[\"/bin/true\"] ; rm -rf /", "--test-exec", "[\"/bin/true\"] ; rm -rf /"),
                // --endpoint
                bad("--endpoint", "linux/sparc=ssh://builder@arm-host", "--endpoint", "linux/sparc=ssh://builder@arm-host"),
                bad("--endpoint", "linux/arm64=ssh://builder@arm-host", "--endpoint", "linux/arm64=ssh://builder@arm-host"),
                bad("--endpoint", "linux/amd64=$(id)", "--endpoint", "linux/amd64=$(id)"),
                bad("--endpoint", "linux/amd64=tcp://host\\x0a", "--endpoint", "linux/amd64=tcp://host\n"),
                bad("--endpoint", "linux/amd64=ftp://host", "--endpoint", "linux/amd64=ftp://host"),
                bad("--endpoint", "ssh://builder@arm-host", "--endpoint", "ssh://builder@arm-host"),
                bad("--endpoint", "amd64=default", "--endpoint", "linux/amd64=ctx-a", "--endpoint", "amd64=default"),
                // numbers and modes
                bad("--timeout", "0", "--timeout", "0"),
                bad("--timeout", "-5", "--timeout", "-5"),
                bad("--timeout", "1441", "--timeout", "1441"),
                bad("--timeout", "9223372036854775807", "--timeout", "9223372036854775807"),
                bad("--test-timeout", "0", "--test-timeout", "0"),
                bad("--timeout", "abc", "--timeout", "abc"),
                bad("--timeout", "99999999999999999999", "--timeout", "99999999999999999999"),
                bad("--timeout", "25h", "--timeout", "25h"),
                bad("--test-timeout", "soon", "--test-timeout", "soon"),
                bad("--test-timeout", "10 s", "--test-timeout", "10 s"),
                bad("--retries", "9", "--retries", "9"),
                bad("--retries", "-1", "--retries", "-1"),
                bad("--concurrency", "0", "--concurrency", "0"),
                bad("--concurrency", "33", "--concurrency", "33"),
                bad("--binfmt", "sometimes", "--binfmt", "sometimes"),
                bad("--binfmt-installer", "tonistiigi/binfmt:latest", "--binfmt-installer", "tonistiigi/binfmt:latest"),
                bad("--binfmt-installer", "Tonistiigi/binfmt@" + DIGEST, "--binfmt-installer", "Tonistiigi/binfmt@" + DIGEST));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedValues")
    void shouldRefuseMalformedValueNamingFieldAndValueWithoutStartingDocker(Case c) throws IOException {
        // Given
        String[] args = argv(c);

        // When
        CliRun run = CliRun.of(args);

        // Then
        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err())
                .startsWith("multiarch: invalid input, nothing was run:")
                .contains((c.field().startsWith("--") ? "option '" : "argument '") + c.field() + "' = '" + c.shown().replace(CTX, context.toString()));
        assertThat(run.err().chars().filter(ch -> ch < 0x20 && ch != '\n'))
                .as("raw control characters in stderr: values must be shown escaped").isEmpty();
        assertThat(run.err().lines()).as("no message line carries a whole over-long value")
                .allSatisfy(line -> assertThat(line).hasSizeLessThan(1000));
        assertThat(run.out()).isEmpty();
        assertThat(docker.wasCalled()).as("docker was started: %s", docker.calls()).isFalse();
    }

    static Stream<Arguments> unparsableArguments() {
        return Stream.of(
                Arguments.of("--retries", List.of("--retries", "1.5")),
                Arguments.of("--concurrency", List.of("--concurrency", "many")),
                Arguments.of("--nope", List.of("--image", IMAGE, "--platforms", "linux/amd64", "--nope")),
                Arguments.of("--image", List.of("--platforms", "linux/amd64")),
                Arguments.of("--platforms", List.of("--image", IMAGE)),
                Arguments.of("--image", List.of("--platforms", "linux/amd64", "--image")),
                Arguments.of("second-context", List.of("--image", IMAGE, "--platforms", "linux/amd64", "second-context")));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("unparsableArguments")
    void shouldRefuseWhatPicocliCannotParseNamingTheOption(String named, List<String> options) throws IOException {
        // Given
        List<String> args = new ArrayList<>(List.of("build", context.toString()));
        args.addAll(options);
        args.addAll(List.of("--docker", docker.path(), "--report", tmp.resolve("report").toString()));

        // When
        CliRun run = CliRun.of(args.toArray(String[]::new));

        // Then
        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).startsWith("multiarch: ").contains(named).contains("multiarch build --help");
        assertThat(docker.wasCalled()).as("docker was started: %s", docker.calls()).isFalse();
    }

    @Test
    void shouldNameTheRootCommandOnceInItsHelpHint() {
        // before: "Try 'multiarch multiarch --help'."
        CliRun run = CliRun.of("--bogus");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("Try 'multiarch --help'.").doesNotContain("multiarch multiarch");
    }

    @Test
    void shouldNameATimeoutByItsOptionAndUnitNotByTheRequestsField() throws IOException {
        // before: "field 'platformTimeout' = 'PT0S': must be more than 0 and at most 24h"
        CliRun run = CliRun.of("build", context.toString(), "--image", IMAGE, "--platforms", "linux/amd64", "--timeout", "0",
                "--test-timeout", "90000", "--docker", docker.path());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("option '--timeout' = '0': must be between 1 and 1440 minutes (24 h)")
                .contains("option '--test-timeout' = '90000': must be between 1 and 86400 seconds (24 h)")
                .doesNotContain("PT0S", "platformTimeout", "testTimeout");
    }

    @Test
    void shouldRefuseKeyValueEntriesWithTheEnginesMessageAsTheStepDoes() throws IOException {
        // the same entries and problems as the plugin's OneWayInTest, named by the options as typed
        CliRun run = CliRun.of("build", context.toString(), "--image", IMAGE, "--platforms", "linux/amd64",
                "--build-arg", "VERSION", "--build-arg", "A=1", "--build-arg", "A=2", "--label", "=x", "--docker", docker.path());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err().lines().map(String::strip)).contains(
                "option '--build-arg' = 'VERSION': expected KEY=VALUE",
                "option '--build-arg' = 'A=2': the key 'A' is given twice",
                "option '--label' = '=x': expected KEY=VALUE");
        assertThat(docker.wasCalled()).isFalse();
    }

    @Test
    void shouldShowControlCharactersEscapedInPicocliErrors() {
        // When
        CliRun run = CliRun.of("build", CTX, "--image", IMAGE, "--platforms", "linux/amd64", "--timeout", "1\nfake: line");

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("--timeout").contains("1\\x0afake: line");
        assertThat(run.err().lines()).noneMatch(line -> line.startsWith("fake: line"));
    }

    @Test
    void shouldRefuseMissingContextNamingTheParameter() throws IOException {
        // When
        CliRun run = CliRun.of("build", "--image", IMAGE, "--platforms", "linux/amd64", "--docker", docker.path());

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("CONTEXT");
        assertThat(docker.wasCalled()).isFalse();
    }

    @Test
    void shouldRefuseUnknownSubcommand() {
        // When
        CliRun run = CliRun.of("bild", CTX);

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("bild");
    }

    @Test
    void shouldListEveryViolationOfOneInvocation() throws IOException {
        // Given
        String[] args = {"build", "/nonexistent/ctx", "--image", "Demo/App", "--tag", "a b", "--platforms", "linux/sparc",
                "--retries", "9", "--docker", docker.path()};

        // When
        CliRun run = CliRun.of(args);

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("argument 'CONTEXT'", "option '--image'", "option '--tag'", "option '--platforms'",
                "option '--retries'");
        assertThat(docker.wasCalled()).isFalse();
    }

    /** The control experiment: with valid input the same recording script does run, so its absence above means something. */
    @Test
    void shouldStartDockerForValidInput() throws IOException {
        // Given
        String[] args = argv(new Case("none", "", CTX, List.of("--tag", "v1", "--build-arg", "A=1", "--test", "true")));

        // When
        CliRun run = CliRun.of(args);

        // Then
        assertThat(docker.wasCalled()).as("stderr: %s", run.err()).isTrue();
        assertThat(docker.calls()).contains("docker version --format {{json .}}\n"); // the probe's queries run at once
        assertThat(run.exitCode()).isEqualTo(ExitCodes.TOOLCHAIN);
        assertThat(run.err()).contains("the docker toolchain cannot be used").contains("fake docker: not a real daemon");
    }

    private String[] argv(Case c) {
        List<String> args = new ArrayList<>();
        args.add("build");
        args.add(c.context().replace(CTX, context.toString()));
        for (String o : c.options()) {
            args.add(o.replace(CTX, context.toString()));
        }
        if (!hasOption(c.options(), "--image")) {
            args.addAll(List.of("--image", IMAGE));
        }
        if (!hasOption(c.options(), "--platforms")) {
            args.addAll(List.of("--platforms", "linux/amd64"));
        }
        args.addAll(List.of("--docker", docker.path(), "--report", tmp.resolve("report").toString()));
        return args.toArray(String[]::new);
    }

    private static boolean hasOption(List<String> options, String name) {
        return options.stream().anyMatch(o -> o.equals(name) || o.startsWith(name + "="));
    }

    @Test
    void shouldHaveACorpusOfAtLeastFortyMalformedValues() {
        assertThat(malformedValues()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(malformedValues().map(a -> ((Case) a.get()[0]).field().replaceAll("\\[.*", ""))
                .distinct().toList()).as("fields covered").hasSizeGreaterThanOrEqualTo(Arrays.asList(
                "context", "image", "tags", "platforms", "optionalPlatforms", "dockerfile", "target", "buildArgs",
                "labels", "test", "testExec", "platformTimeout", "testTimeout", "emulatedRetries", "concurrency",
                "binfmt", "binfmtInstaller").size());
    }
}
