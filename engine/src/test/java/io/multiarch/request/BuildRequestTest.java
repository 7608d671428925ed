package io.multiarch.request;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BuildRequestTest {
    private static final String PINNED = "tonistiigi/binfmt@sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path context;

    @BeforeEach
    void writeDockerfile() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
    }

    private RawBuildInput valid() {
        return new RawBuildInput()
                .image("127.0.0.1:5000/demo/hello")
                .context(context.toString())
                .platforms(List.of("linux/amd64", "linux/arm64"));
    }

    private List<Violation> violationsOf(UnaryOperator<RawBuildInput> change) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> change.apply(valid()).build());
        assertThat(e).as("the request should be refused").isNotNull();
        return e.violations();
    }

    @Test
    void shouldBuildAValidRequestWithDefaults() {
        // When
        BuildRequest request = valid().build();

        // Then
        assertThat(request.image().fullName()).isEqualTo("127.0.0.1:5000/demo/hello");
        assertThat(request.tags()).extracting(Tag::value).containsExactly("latest");
        assertThat(request.context()).isEqualTo(context.toAbsolutePath().normalize());
        assertThat(request.dockerfile()).isEqualTo(context.toAbsolutePath().normalize().resolve("Dockerfile"));
        assertThat(request.target()).isEmpty();
        assertThat(request.buildArgs()).isEmpty();
        assertThat(request.labels()).isEmpty();
        assertThat(request.platforms()).containsExactly(Platform.AMD64, Platform.ARM64);
        assertThat(request.optionalPlatforms()).isEmpty();
        assertThat(request.test()).isEmpty();
        assertThat(request.failFast()).isFalse();
        assertThat(request.platformTimeout()).isEqualTo(Duration.ofMinutes(60));
        assertThat(request.testTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(request.emulatedRetries()).isEqualTo(1);
        assertThat(request.provenance()).isFalse();
        assertThat(valid().validate().execution().concurrency()).isEqualTo(ExecutionOptions.defaultConcurrency()).isBetween(2, 32);
        assertThat(valid().validate().execution().batch()).isTrue();
        assertThat(request.binfmtMode()).isEqualTo(BinfmtMode.VERIFY);
        assertThat(request.binfmtInstaller()).isEqualTo(BinfmtInstaller.HOST);
        assertThat(request.registryCache()).isTrue();
        assertThat(request.isRequired(Platform.AMD64)).isTrue();
        assertThat(request.isRequired(Platform.ARM64)).isTrue();
    }

    @Test
    void shouldKeepEveryFieldAsGiven() throws IOException {
        // Given
        Files.createDirectories(context.resolve("docker"));
        Files.writeString(context.resolve("docker/app.Dockerfile"), "FROM busybox AS runtime\n");

        // When
        BuildRequest request = valid()
                .tags(List.of("1.0", "latest"))
                .dockerfile("docker/app.Dockerfile")
                .target("runtime")
                .buildArg("VERSION", "1.0 with spaces; $(not a shell)")
                .label("org.opencontainers.image.source", "https://example.com/app")
                .platforms(List.of("linux/amd64", "aarch64", "armhf", "linux/riscv64"))
                .optionalPlatforms(List.of("riscv64"))
                .testShell("busybox uname -m\necho ok")
                .failFast(true)
                .platformTimeout(Duration.ofMinutes(30))
                .testTimeout(Duration.ofSeconds(90))
                .emulatedRetries(0)
                .provenance(true)
                .concurrency(4)
                .binfmtMode(BinfmtMode.INSTALL)
                .binfmtInstaller(PINNED)
                .registryCache(false)
                .validate().request();

        // Then
        assertThat(request.tags()).extracting(Tag::value).containsExactly("1.0", "latest");
        assertThat(request.dockerfile()).isEqualTo(request.context().resolve("docker/app.Dockerfile"));
        assertThat(request.target()).hasValue("runtime");
        assertThat(request.buildArgs()).containsExactly(Map.entry("VERSION", "1.0 with spaces; $(not a shell)"));
        assertThat(request.labels()).containsExactly(Map.entry("org.opencontainers.image.source", "https://example.com/app"));
        assertThat(request.platforms()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
        assertThat(request.optionalPlatforms()).containsExactly(Platform.RISCV64);
        assertThat(request.isRequired(Platform.RISCV64)).isFalse();
        assertThat(request.isRequired(Platform.ARM_V7)).isTrue();
        assertThat(request.test()).hasValueSatisfying(t -> {
            assertThat(t.shell()).isTrue();
            assertThat(t.argv()).containsExactly("/bin/sh", "-c", "busybox uname -m\necho ok");
            assertThat(t.display()).isEqualTo("busybox uname -m\necho ok");
        });
        assertThat(request.failFast()).isTrue();
        assertThat(request.platformTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(request.testTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(request.emulatedRetries()).isZero();
        assertThat(request.provenance()).isTrue();
        assertThat(valid().concurrency(4).batch(false).validate().execution()).isEqualTo(new ExecutionOptions(4, false));
        assertThat(request.binfmtMode()).isEqualTo(BinfmtMode.INSTALL);
        assertThat(request.binfmtInstaller().kind()).isEqualTo(BinfmtInstaller.Kind.IMAGE);
        assertThat(request.binfmtInstaller().image()).isEqualTo(PINNED);
        assertThat(request.registryCache()).isFalse();
    }

    @Test
    void shouldAcceptAnExecFormTest() {
        BuildRequest request = valid().testExec(List.of("/bin/busybox", "sh", "-c", "true")).build();

        assertThat(request.test()).hasValueSatisfying(t -> {
            assertThat(t.shell()).isFalse();
            assertThat(t.argv()).containsExactly("/bin/busybox", "sh", "-c", "true");
            assertThat(t.display()).isEqualTo("/bin/busybox sh -c true");
        });
    }

    @Test
    void shouldAcceptAnAbsoluteDockerfileOutsideTheContext(@TempDir Path elsewhere) throws IOException {
        Path dockerfile = Files.writeString(elsewhere.resolve("Containerfile"), "FROM busybox\n");

        assertThat(valid().dockerfile(dockerfile.toString()).build().dockerfile()).isEqualTo(dockerfile);
    }

    @Test
    void shouldNotBeChangedByTheBuilderAfterwards() {
        // Given
        RawBuildInput builder = valid().buildArg("A", "1");
        BuildRequest request = builder.build();

        // When
        builder.buildArg("B", "2").label("x", "y");

        // Then
        assertThat(request.buildArgs()).containsOnlyKeys("A");
        assertThat(request.labels()).isEmpty();
        assertThatThrownBy(() -> request.platforms().add(Platform.S390X)).isInstanceOf(UnsupportedOperationException.class);
    }

    // One violation per invalid field, naming the field and the value

    @Test
    void shouldNameTheImageField() {
        assertThat(violationsOf(b -> b.image("Team/App:1.0")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("image");
                    assertThat(v.value()).isEqualTo("Team/App:1.0");
                    assertThat(v.describe()).startsWith("field 'image' = 'Team/App:1.0': ");
                });
    }

    @Test
    void shouldRequireAnImage() {
        assertThat(violationsOf(b -> b.image(null))).singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("image"));
    }

    @Test
    void shouldNameTheTagByIndex() {
        assertThat(violationsOf(b -> b.tags(List.of("1.0", ".bad", "ok"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("tags[1]");
                    assertThat(v.value()).isEqualTo(".bad");
                    assertThat(v.problem()).contains("not a valid tag");
                });
    }

    @Test
    void shouldRefuseATagListedTwice() {
        assertThat(violationsOf(b -> b.tags(List.of("1.0", "1.0"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("tags[1]");
                    assertThat(v.problem()).contains("twice");
                });
    }

    @Test
    void shouldRequireAtLeastOneTag() {
        assertThat(violationsOf(b -> b.tags(List.of())))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("tags"));
    }

    @Test
    void shouldNameAContextThatIsNoDirectory() {
        String missing = context.resolve("missing").toString();

        assertThat(violationsOf(b -> b.context(missing)))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("context");
                    assertThat(v.value()).isEqualTo(missing);
                    assertThat(v.problem()).contains("not an existing directory");
                });
    }

    @Test
    void shouldNameAMissingDockerfile() {
        assertThat(violationsOf(b -> b.dockerfile("build/Dockerfile.prod")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("dockerfile");
                    assertThat(v.value()).isEqualTo("build/Dockerfile.prod");
                    assertThat(v.problem()).contains("no such file");
                });
    }

    @Test
    void shouldNameTheDefaultDockerfileWhenTheContextHasNone() throws IOException {
        Files.delete(context.resolve("Dockerfile"));

        assertThat(violationsOf(b -> b)).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("dockerfile");
            assertThat(v.value()).isEqualTo("Dockerfile");
        });
    }

    @Test
    void shouldNameAnInvalidTarget() {
        assertThat(violationsOf(b -> b.target("1st stage")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("target");
                    assertThat(v.value()).isEqualTo("1st stage");
                });
    }

    @Test
    void shouldNameAnInvalidBuildArgKey() {
        assertThat(violationsOf(b -> b.buildArg("BAD-KEY", "1")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("buildArgs key");
                    assertThat(v.value()).isEqualTo("BAD-KEY");
                });
    }

    @Test
    void shouldNameABuildArgValueWithALineBreak() {
        assertThat(violationsOf(b -> b.buildArg("VERSION", "1\n2")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("buildArgs[VERSION]");
                    assertThat(v.problem()).contains("\\x0a");
                    assertThat(v.describe()).doesNotContain("\n");
                });
    }

    @Test
    void shouldNameALabelByItsKey() {
        assertThat(violationsOf(b -> b.label("org.example.note", "a\u0000b")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("labels[org.example.note]");
                    assertThat(v.value()).isEqualTo("a\u0000b");
                    assertThat(v.describe()).contains("'a\\x00b'");
                });
    }

    @Test
    void shouldNameAnInvalidLabelKey() {
        assertThat(violationsOf(b -> b.label(".starts-with-dot", "x")))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("labels key"));
    }

    @Test
    void shouldNameAnUnsupportedPlatformByIndex() {
        assertThat(violationsOf(b -> b.platforms(List.of("linux/sparc", "linux/amd64"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("platforms[0]");
                    assertThat(v.value()).isEqualTo("linux/sparc");
                    assertThat(v.problem()).contains("unsupported platform 'linux/sparc'").contains("accepted: linux/amd64");
                });
    }

    @Test
    void shouldRefuseAPlatformNamedTwiceThroughAnAlias() {
        assertThat(violationsOf(b -> b.platforms(List.of("linux/arm64", "aarch64"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("platforms[1]");
                    assertThat(v.value()).isEqualTo("aarch64");
                    assertThat(v.problem()).contains("linux/arm64 again");
                });
    }

    @Test
    void shouldRequireAtLeastOnePlatform() {
        assertThat(violationsOf(b -> b.platforms(List.of())))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("platforms"));
    }

    @Test
    void shouldNameAnOptionalPlatformThatIsNotBuilt() {
        assertThat(violationsOf(b -> b.optionalPlatforms(List.of("linux/s390x"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("optionalPlatforms[0]");
                    assertThat(v.value()).isEqualTo("linux/s390x");
                    assertThat(v.problem()).contains("not one of the platforms");
                });
    }

    @Test
    void shouldNameAnUnsupportedOptionalPlatform() {
        assertThat(violationsOf(b -> b.optionalPlatforms(List.of("windows/amd64"))))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("optionalPlatforms[0]"));
    }

    @Test
    void shouldRefuseMakingEveryPlatformOptional() {
        assertThat(violationsOf(b -> b.optionalPlatforms(List.of("linux/amd64", "arm64"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("optionalPlatforms");
                    assertThat(v.problem()).contains("at least one must be required");
                });
    }

    @Test
    void shouldRefuseBothTestForms() {
        assertThat(violationsOf(b -> b.testShell("true").testExec(List.of("/bin/true"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("test");
                    assertThat(v.problem()).contains("not both");
                });
    }

    @Test
    void shouldRefuseAnEmptyTest() {
        assertThat(violationsOf(b -> b.testShell("  ")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("test");
                    assertThat(v.problem()).contains("empty");
                });
    }

    @Test
    void shouldNameTheExecElementWithAControlCharacter() {
        assertThat(violationsOf(b -> b.testExec(List.of("/bin/echo", "ok", "a\u0007b"))))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("testExec[2]");
                    assertThat(v.value()).isEqualTo("a\u0007b");
                });
    }

    @Test
    void shouldRequireAProgramInTheExecForm() {
        assertThat(violationsOf(b -> b.testExec(List.of())))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("testExec"));
        assertThat(violationsOf(b -> b.testExec(Arrays.asList(" ", "x"))))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("testExec"));
    }

    @Test
    void shouldNameAnOutOfRangePlatformTimeout() {
        assertThat(violationsOf(b -> b.platformTimeout(Duration.ZERO)))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("platformTimeout");
                    assertThat(v.value()).isEqualTo("PT0S");
                });
        assertThat(violationsOf(b -> b.platformTimeout(Duration.ofHours(25))))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("platformTimeout"));
        assertThat(violationsOf(b -> b.testTimeout(Duration.ofSeconds(-1))))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("testTimeout"));
    }

    @Test
    void shouldNameOutOfRangeRetries() {
        assertThat(violationsOf(b -> b.emulatedRetries(6)))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("emulatedRetries");
                    assertThat(v.value()).isEqualTo("6");
                    assertThat(v.problem()).contains("between 0 and 5");
                });
        assertThat(violationsOf(b -> b.emulatedRetries(-1)))
                .singleElement().satisfies(v -> assertThat(v.value()).isEqualTo("-1"));
    }

    @Test
    void shouldNameOutOfRangeConcurrency() {
        assertThat(violationsOf(b -> b.concurrency(0)))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("concurrency");
                    assertThat(v.value()).isEqualTo("0");
                });
        assertThat(violationsOf(b -> b.concurrency(33)))
                .singleElement().satisfies(v -> assertThat(v.value()).isEqualTo("33"));
    }

    @Test
    void shouldNameAnInstallerImageThatIsNotPinned() {
        assertThat(violationsOf(b -> b.binfmtInstaller("tonistiigi/binfmt:latest")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("binfmtInstaller");
                    assertThat(v.value()).isEqualTo("tonistiigi/binfmt:latest");
                    assertThat(v.problem()).contains("pinned by digest");
                });
    }

    @Test
    void shouldNameAMissingBinfmtMode() {
        assertThat(violationsOf(b -> b.binfmtMode((BinfmtMode) null)))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("binfmt"));
    }

    @Test
    void shouldCollectEveryViolationAtOnce() {
        // Given a request wrong in five places
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> valid()
                .image("UPPER/case")
                .tags(List.of("ok", "-bad"))
                .platforms(List.of("linux/sparc"))
                .emulatedRetries(9)
                .concurrency(0)
                .build());

        // Then every field is named, in the order of the request, and the message lists them all
        assertThat(e.violations()).extracting(Violation::field)
                .containsExactly("image", "tags[1]", "platforms[0]", "emulatedRetries", "concurrency");
        assertThat(e.getMessage().split("\n")).hasSize(5);
        assertThat(e.getMessage()).contains("field 'tags[1]' = '-bad'").contains("field 'platforms[0]' = 'linux/sparc'");
    }

    @Test
    void shouldRefuseOverlongValuesWhateverTheField() {
        String huge = "x".repeat(5000);

        assertThat(violationsOf(b -> b.buildArg("BIG", huge)))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("buildArgs[BIG]");
                    assertThat(v.problem()).contains("5000 characters long");
                    assertThat(v.describe()).hasSizeLessThan(300);
                });
    }

    @Test
    void shouldKeepSecretsByReferenceWithTheirFileMadeAbsolute() throws IOException {
        // Given a secret file in the context's parent and a variable that is set
        Path file = Files.writeString(context.resolve("token.txt"), "value");

        // When
        BuildRequest request = valid().secret("id=token,src=" + file).secret("id=npm,env=NPM_TOKEN")
                .environment(Map.of("NPM_TOKEN", "npm-value")).build();

        // Then
        assertThat(request.secrets()).containsExactly(BuildSecret.file("token", file.toAbsolutePath().normalize().toString()),
                BuildSecret.env("npm", "NPM_TOKEN"));
        assertThat(request.toString()).doesNotContain("npm-value");
    }

    @Test
    void shouldTakeARelativeSecretFileFromTheWorkspace() throws IOException {
        Files.writeString(context.resolve("token.txt"), "value");

        BuildRequest request = valid().on(context.toString(), PathProbe.LOCAL).context(".").secret("id=t,src=token.txt").build();

        assertThat(request.secrets()).containsExactly(BuildSecret.file("t", context.resolve("token.txt").toString()));
    }

    @Test
    void shouldNameEverySecretThatCannotBeUsed() {
        // When
        List<Violation> violations = violationsOf(b -> b.environment(Map.of("SET", "x"))
                .secret("id=missing,src=/nonexistent/secret")
                .secret("id=unset,env=NOT_SET")
                .secret("id=ok,env=SET")
                .secret("id=ok,env=SET")
                .secret("nonsense"));

        // Then each is named by its index, with its value and what is wrong
        assertThat(violations).extracting(Violation::field)
                .containsExactly("secrets[0]", "secrets[1]", "secrets[3]", "secrets[4]");
        assertThat(violations.get(0).problem()).isEqualTo("no such file: /nonexistent/secret");
        assertThat(violations.get(1).problem()).isEqualTo("the environment variable NOT_SET is not set");
        assertThat(violations.get(2).problem()).isEqualTo("the id 'ok' is given twice");
        assertThat(violations.get(3).value()).isEqualTo("nonsense");
    }
}
