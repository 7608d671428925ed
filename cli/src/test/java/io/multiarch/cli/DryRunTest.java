package io.multiarch.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code multiarch build --dry-run} prints, for each platform, the exact argv a real run executes, and the publish,
 * and runs nothing: the docker executable is a recording script whose marker file must stay absent.
 */
class DryRunTest {
    private static final String REPO = "127.0.0.1:5000/demo/app";

    @TempDir
    Path tmp;

    private Path context;
    private RecordingDocker docker;

    @BeforeEach
    void createContextAndFakeDocker() throws IOException {
        context = Files.createDirectory(tmp.resolve("ctx")).toAbsolutePath().normalize();
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        docker = RecordingDocker.in(Files.createDirectory(tmp.resolve("bin")));
    }

    private CliRun dryRun(String... extra) {
        List<String> args = new ArrayList<>(List.of("build", context.toString(), "--image", REPO,
                "--platforms", "linux/amd64,linux/arm64,linux/riscv64", "--tag", "v1", "--tag", "latest",
                "--test", "arch-test", "--dry-run", "--docker", docker.path(),
                "--report", tmp.resolve("report").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void shouldPrintOneBuildxBuildForAllThePlatformsByDefault() {
        // When
        CliRun run = dryRun();

        // Then one build, native first then emulated costliest first, cached per platform and per set
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains("one buildx build for all the platforms (--no-batch: one per platform)");
        List<String> builds = run.out().lines().filter(l -> l.startsWith("  ") && l.contains(" buildx build ")).toList();
        assertThat(builds).hasSize(1);
        assertThat(builds.get(0)).startsWith("  " + docker.path() + " buildx build --platform linux/amd64,linux/riscv64,linux/arm64 --file ")
                .contains(" --cache-from type=registry,ref=" + REPO + ":multiarch-cache-linux-arm64 ")
                .containsPattern(" --cache-to type=registry,ref=" + java.util.regex.Pattern.quote(REPO)
                        + ":multiarch-cache-set-[0-9a-f]{12},mode=max,ignore-error=true ")
                .endsWith(" --tag " + REPO + ":multiarch-tmp-DRYRUN-batch1 --push " + context);
        assertThat(run.out().lines().filter(l -> l.contains(" run --rm "))).hasSize(3);
    }

    @Test
    void shouldPrintTheExactBuildxBuildOfEveryPlatform() {
        // When
        CliRun run = dryRun("--no-batch");

        // Then
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isEqualTo(ExitCodes.PUBLISHED);
        for (String slug : List.of("linux-amd64", "linux-arm64", "linux-riscv64")) {
            String platform = slug.replace('-', '/');
            assertThat(run.out()).contains("  " + docker.path() + " buildx build --platform " + platform
                    + " --file " + context.resolve("Dockerfile") + " --provenance=false --progress plain"
                    + " --metadata-file '<tmp>/metadata.json'"
                    + " --cache-from type=registry,ref=" + REPO + ":multiarch-cache-" + slug
                    + " --cache-to type=registry,ref=" + REPO + ":multiarch-cache-" + slug + ",mode=max,ignore-error=true"
                    + " --tag " + REPO + ":multiarch-tmp-DRYRUN-" + slug + " --push " + context + "\n");
        }
        assertThat(run.out()).contains("dry run: nothing is executed");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPrintTheTestRunInsideEachArchitecture() {
        // When
        CliRun run = dryRun();

        // Then
        // under docker's init, labelled with the run and this process (so that a later run can remove it were we killed)
        assertThat(run.out()).containsPattern(java.util.regex.Pattern.quote("  " + docker.path()
                + " run --rm --init --name multiarch-test-DRYRUN-linux-riscv64 --label io.multiarch.run=DRYRUN"
                + " --label io.multiarch.owner=") + "[^ /]+/" + ProcessHandle.current().pid() + "/[0-9]+"
                + java.util.regex.Pattern.quote(" --platform linux/riscv64 --pull missing -e MULTIARCH_PLATFORM=linux/riscv64 -e MULTIARCH_ARCH=riscv64"
                + " -e MULTIARCH_VARIANT= --entrypoint /bin/sh '" + REPO + "@sha256:<digest>' -c arch-test\n"));
        assertThat(run.out()).contains("--platform linux/arm64 --pull missing -e MULTIARCH_PLATFORM=linux/arm64 ");
        assertThat(run.out()).contains("--platform linux/amd64 --pull missing -e MULTIARCH_PLATFORM=linux/amd64 ");
    }

    @Test
    void shouldPrintOnePublishOfEveryTag() {
        // When
        CliRun run = dryRun();

        // Then
        assertThat(run.out()).contains("[publish] only when every required platform passed");
        // one tag at a time, so that a failed publish knows which tags it moved
        List<String> publish = run.out().lines().filter(l -> l.contains(" imagetools create ")).toList();
        assertThat(publish).hasSize(2);
        assertThat(publish.get(0)).startsWith("  " + docker.path() + " buildx imagetools create --tag " + REPO + ":v1 '");
        assertThat(publish.get(1)).startsWith("  " + docker.path() + " buildx imagetools create --tag " + REPO + ":latest '");
        assertThat(publish).allSatisfy(l -> assertThat(l).contains("'" + REPO + "@sha256:<linux-amd64>'",
                "'" + REPO + "@sha256:<linux-arm64>'", "'" + REPO + "@sha256:<linux-riscv64>'"));
    }

    @Test
    void shouldListNativePlatformsFirstThenEmulatedCostliestFirst() {
        // Given: the dry run assumes this JVM's machine is the docker host
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        List<String> expected = switch (arch) {
            case "amd64", "x86_64" -> List.of("linux/amd64", "linux/riscv64", "linux/arm64");
            case "aarch64", "arm64" -> List.of("linux/arm64", "linux/riscv64", "linux/amd64");
            default -> List.of("linux/riscv64", "linux/arm64", "linux/amd64");
        };

        // When
        CliRun run = dryRun();

        // Then
        List<String> headers = run.out().lines().filter(l -> l.startsWith("[linux/")).toList();
        assertThat(headers).extracting(h -> h.substring(1, h.indexOf(']'))).containsExactlyElementsOf(expected);
        if (!expected.get(0).equals("linux/riscv64")) {
            assertThat(headers.get(0)).as("first platform").endsWith("required, native");
            assertThat(headers.subList(1, 3)).allSatisfy(h -> assertThat(h).contains("required, emulated (binfmt verify)"));
        }
    }

    @Test
    void shouldShowPushByDigestOutputWhenAsked() {
        // When
        CliRun run = dryRun("--push-by-digest", "--no-batch");

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains("--platform linux/arm64 --file " + context.resolve("Dockerfile")
                + " --provenance=false --progress plain --metadata-file '<tmp>/metadata.json'"
                + " --cache-from type=registry,ref=" + REPO + ":multiarch-cache-linux-arm64"
                + " --cache-to type=registry,ref=" + REPO + ":multiarch-cache-linux-arm64,mode=max,ignore-error=true"
                + " --output type=image,name="
                + REPO + ",push-by-digest=true,name-canonical=true,push=true " + context + "\n");
        assertThat(run.out()).doesNotContain("multiarch-tmp-DRYRUN").contains("(push by digest)");
    }

    @Test
    void shouldLeaveOutTheRegistryCacheWhenAskedTo() {
        // When
        CliRun run = dryRun("--no-registry-cache", "--provenance", "--build-arg", "VERSION=1.2", "--label", "team=core",
                "--target", "runtime");

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains("  " + docker.path() + " buildx build --platform linux/riscv64 --file "
                + context.resolve("Dockerfile") + " --target runtime --build-arg VERSION=1.2 --label team=core"
                + " --provenance=true --progress plain --metadata-file '<tmp>/metadata.json'"
                + " --tag " + REPO + ":multiarch-tmp-DRYRUN-linux-riscv64 --push " + context + "\n");
        assertThat(run.out()).doesNotContain("--cache-from", "--cache-to");
    }

    @Test
    void shouldQuoteArgumentsAShellWouldSplit() {
        // When
        CliRun run = dryRun("--build-arg", "GREETING=hello world; $(id)");

        // Then: shown for copy and paste; the real run passes the argv as it is, no shell involved
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains(" --build-arg 'GREETING=hello world; $(id)' ");
    }

    @Test
    void shouldPassASecretByReferenceOnly() throws IOException {
        // Given a secret in a file and one in a variable of this process
        Path file = Files.writeString(tmp.resolve("token.txt"), "s3cr3t-value-in-file");
        String variable = System.getenv().containsKey("HOME") ? "HOME" : System.getenv().keySet().iterator().next();

        // When
        CliRun run = dryRun("--secret", "id=token,src=" + file, "--secret", "id=home,env=" + variable);

        // Then the build names the file and the variable; no value is anywhere in what it prints
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains(" --secret id=token,src=" + file + " --secret id=home,env=" + variable + " ")
                .doesNotContain("s3cr3t-value-in-file").doesNotContain(System.getenv(variable));
    }

    @Test
    void shouldPrintEachVariantsBuildAndPublishWithItsOwnDockerfileTagsAndCache() throws IOException {
        // Given a variant file narrowing Debian to two platforms, and an Alpine variant given on the command line
        Files.writeString(context.resolve("Dockerfile.debian"), "FROM debian\n");
        Files.writeString(context.resolve("Dockerfile.alpine"), "FROM alpine\n");
        Path variants = Files.writeString(tmp.resolve("variants.json"), """
                [{"name": "debian", "tagSuffix": "-debian", "dockerfile": "Dockerfile.debian",
                  "buildArgs": {"BASE": "debian:bookworm-slim"}, "platforms": ["linux/amd64", "linux/arm64"]}]
                """);

        // When
        CliRun run = dryRun("--variants", variants.toString(), "--variant", "alpine=Dockerfile.alpine", "--all-or-nothing");

        // Then
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains("== variant debian (tags v1-debian, latest-debian), published only when every variant passed")
                .contains("== variant alpine (tags v1-alpine, latest-alpine)");
        List<String> builds = run.out().lines().filter(l -> l.startsWith("  ") && l.contains(" buildx build ")).toList();
        assertThat(builds).hasSize(2);
        assertThat(builds.get(0)).contains("--platform linux/amd64,linux/arm64 --file " + context.resolve("Dockerfile.debian"))
                .contains("--build-arg BASE=debian:bookworm-slim").contains(":multiarch-cache-debian-linux-arm64 ")
                .containsPattern(":multiarch-cache-debian-set-[0-9a-f]{12},");
        assertThat(builds.get(1)).contains("--platform linux/amd64,linux/riscv64,linux/arm64 --file " + context.resolve("Dockerfile.alpine"))
                .doesNotContain("BASE=").contains(":multiarch-cache-alpine-linux-riscv64 ");
        assertThat(run.out()).contains("imagetools create --tag " + REPO + ":v1-debian ")
                .contains("imagetools create --tag " + REPO + ":latest-alpine ");
        assertThat(docker.wasCalled()).isFalse();
    }

    @Test
    void shouldBuildEachPlatformAloneWithAnSbom() {
        CliRun run = dryRun("--sbom-generator", "127.0.0.1:5000/mirror/buildkit-syft-scanner:stable-1");

        assertThat(run.exitCode()).as("stderr: %s", run.err()).isEqualTo(ExitCodes.PUBLISHED);
        assertThat(run.out()).contains("one buildx build per platform");
        assertThat(run.out().lines().filter(l -> l.startsWith("  ") && l.contains(" buildx build ")))
                .hasSize(3).allMatch(l -> l.contains(" --sbom=generator=127.0.0.1:5000/mirror/buildkit-syft-scanner:stable-1 "));
    }

    @Test
    void shouldMarkOptionalPlatforms() {
        // When
        CliRun run = dryRun("--optional-platform", "riscv64");

        // Then
        assertThat(run.out()).contains("[linux/riscv64] optional, emulated").contains("[linux/arm64] required");
    }

    @Test
    void shouldRunNothing() throws IOException {
        // When
        CliRun plain = dryRun();
        CliRun byDigest = dryRun("--push-by-digest");

        // Then
        assertThat(plain.exitCode()).isZero();
        assertThat(byDigest.exitCode()).isZero();
        assertThat(docker.wasCalled()).as("docker was started: %s", docker.calls()).isFalse();
        assertThat(tmp.resolve("report")).doesNotExist();
    }
}
