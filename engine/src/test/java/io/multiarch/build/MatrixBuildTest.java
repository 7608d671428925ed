package io.multiarch.build;

import io.multiarch.binfmt.BinfmtFixture;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.VariantRequest;
import io.multiarch.request.VariantSpec;
import io.multiarch.result.MatrixResult;
import io.multiarch.result.Status;
import io.multiarch.result.VariantResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.multiarch.build.FakeDocker.REPO;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MatrixBuildTest {
    @TempDir
    Path temp;

    private Path context;
    private BinfmtFixture binfmt;
    private final FakeDocker docker = new FakeDocker();

    @BeforeEach
    void setUp() throws IOException {
        context = Files.createDirectories(temp.resolve("context"));
        Files.writeString(context.resolve("Dockerfile.debian"), "FROM debian\n");
        Files.writeString(context.resolve("Dockerfile.alpine"), "FROM alpine\n");
        binfmt = BinfmtFixture.debianQemuUserStatic(temp);
    }

    /** How {@link #variants()} run: one build per platform (the default concurrency, no batch). */
    private static final ExecutionOptions ONE_BY_ONE = new ExecutionOptions(ExecutionOptions.defaultConcurrency(), false);

    /** Debian on amd64 and arm64 (narrowed), Alpine on all three; one build per platform, no retries. */
    private List<VariantRequest> variants() {
        return new RawBuildInput().image(REPO).tags(List.of("1.0")).context(context.toString())
                .platforms(List.of("linux/amd64", "linux/arm64", "linux/riscv64")).testShell("true")
                .batch(false).emulatedRetries(0)
                .buildVariants(List.of(
                        new VariantSpec("debian", "-debian", "Dockerfile.debian", null, Map.of("BASE", "debian"),
                                List.of("linux/amd64", "linux/arm64"), null, null),
                        VariantSpec.ofDockerfile("alpine", "Dockerfile.alpine")));
    }

    private MatrixResult run(List<VariantRequest> variants, boolean allOrNothing) throws InterruptedException {
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        return new MatrixBuild(variants, v -> new MultiArchBuild(v.request(), ONE_BY_ONE,
                RunPlan.of(v.request(), FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), "run-" + v.name(), v.name()),
                p -> agent, agent), agent, allOrNothing).run();
    }

    @Test
    void shouldBuildEveryVariantOnItsPlatformsAndPublishEachUnderItsOwnTags() throws Exception {
        // When
        MatrixResult m = run(variants(), false);

        // Then
        assertThat(m.published()).isTrue();
        assertThat(m.variants()).extracting(VariantResult::name).containsExactly("debian", "alpine");
        VariantResult debian = m.variants().get(0);
        assertThat(debian.run().platforms()).extracting(r -> r.platform()).containsExactly(Platform.AMD64, Platform.ARM64);
        assertThat(debian.run().tags()).containsExactly("1.0-debian");
        assertThat(docker.served("1.0-debian")).isNotNull();
        assertThat(docker.served("1.0-alpine")).isNotNull();
        assertThat(docker.served("1.0")).isNull();
        // each variant's build: its Dockerfile, its build args, its own cache
        assertThat(docker.builds()).filteredOn(c -> String.join(" ", c.argv()).contains("Dockerfile.debian")).hasSize(2)
                .allSatisfy(c -> assertThat(c.argv()).contains("BASE=debian")
                        .anyMatch(a -> a.contains("multiarch-cache-debian-linux-")));
        assertThat(docker.builds()).filteredOn(c -> String.join(" ", c.argv()).contains("Dockerfile.alpine")).hasSize(3)
                .allSatisfy(c -> assertThat(c.argv()).doesNotContain("BASE=debian"));
    }

    @Test
    void shouldPublishTheOtherVariantsWhenOneFails() throws Exception {
        // Given the first arm64 build (Debian's) fails
        docker.buildExits(Platform.ARM64, 1);

        // When
        MatrixResult m = run(variants(), false);

        // Then Debian is withheld and moved no tag, Alpine is published
        assertThat(m.published()).isFalse();
        VariantResult debian = m.variants().get(0);
        assertThat(debian.run().published()).isFalse();
        assertThat(debian.run().publish().message()).contains("linux/arm64");
        assertThat(docker.served("1.0-debian")).isNull();
        assertThat(m.variants().get(1).run().published()).isTrue();
        assertThat(m.variants().get(1).run().platforms()).extracting(r -> r.status()).containsOnly(Status.PASSED);
        assertThat(docker.served("1.0-alpine")).isNotNull();
    }

    @Test
    void shouldPublishNoVariantAllOrNothingWhenOneFails() throws Exception {
        docker.buildExits(Platform.ARM64, 1);

        MatrixResult m = run(variants(), true);

        assertThat(m.allOrNothing()).isTrue();
        assertThat(m.variants()).noneMatch(v -> v.run().published());
        assertThat(m.variants().get(1).run().publish().message())
                .isEqualTo("all or nothing: not published because variant(s) debian did not pass; no tag was created or moved");
        assertThat(docker.creates()).isEmpty();
        assertThat(docker.served("1.0-alpine")).isNull();
    }

    @Test
    void shouldPublishEveryVariantAllOrNothingWhenAllPass() throws Exception {
        MatrixResult m = run(variants(), true);

        assertThat(m.published()).isTrue();
        assertThat(docker.served("1.0-debian")).isNotNull();
        assertThat(docker.served("1.0-alpine")).isNotNull();
    }

    @Test
    void shouldBuildNoFurtherVariantOnceStopped() throws Exception {
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        MatrixBuild[] matrix = new MatrixBuild[1];
        matrix[0] = new MatrixBuild(variants(), v -> {
            if (v.name().equals("alpine")) {
                matrix[0].stop("SIGTERM");
            }
            return new MultiArchBuild(v.request(), ONE_BY_ONE, RunPlan.of(v.request(), FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(),
                    "run-" + v.name(), v.name()), p -> agent, agent);
        }, agent, false);

        MatrixResult m = matrix[0].run();

        assertThat(m.interrupted()).isEqualTo("SIGTERM");
        assertThat(m.variants()).extracting(VariantResult::name).containsExactly("debian");
        assertThat(docker.builds()).noneMatch(c -> String.join(" ", c.argv()).contains("Dockerfile.alpine"));
    }
}
