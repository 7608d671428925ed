package io.multiarch.plan;

import io.multiarch.platform.Platform;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RunPlanTest {
    private static final Set<Platform> AMD64_HOST = Set.of(Platform.AMD64, Platform.I386);
    private static final List<String> ALL_TEN = Platform.SUPPORTED.stream().map(Platform::toString).toList();

    @TempDir
    Path context;

    @BeforeEach
    void writeDockerfile() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
    }

    private BuildRequest request(List<String> platforms, List<String> optional) {
        return new RawBuildInput().image("127.0.0.1:5000/demo/hello").context(context.toString())
                .platforms(platforms).optionalPlatforms(optional).build();
    }

    @Test
    void shouldStartNativePlatformsFirstThenTheCostliestEmulatedOnes() {
        // Given the ten platforms in the docs' order, on an amd64 host
        BuildRequest request = request(ALL_TEN, List.of());

        // When
        RunPlan plan = RunPlan.of(request, AMD64_HOST, "20250101-120000-abcdef");

        // Then
        assertThat(plan.tasks()).extracting(PlatformTask::platform).containsExactly(
                Platform.AMD64, Platform.I386,
                Platform.S390X, Platform.MIPS64,
                Platform.MIPS64LE, Platform.RISCV64,
                Platform.PPC64LE,
                Platform.ARM64,
                Platform.ARM_V7, Platform.ARM_V6);
        assertThat(plan.tasks()).extracting(PlatformTask::nativePlatform)
                .containsExactly(true, true, false, false, false, false, false, false, false, false);
    }

    @Test
    void shouldPutS390xAndMips64BeforeArmWhateverTheRequestsOrder() {
        RunPlan plan = RunPlan.of(request(List.of("linux/arm/v7", "linux/arm64", "linux/mips64", "linux/amd64", "linux/s390x"),
                List.of()), AMD64_HOST, "r");

        assertThat(plan.tasks()).extracting(PlatformTask::platform)
                .containsExactly(Platform.AMD64, Platform.S390X, Platform.MIPS64, Platform.ARM64, Platform.ARM_V7);
    }

    @Test
    void shouldPutTheHostsOwnPlatformFirstOnAnArm64Host() {
        RunPlan plan = RunPlan.of(request(List.of("linux/amd64", "linux/riscv64", "linux/arm64"), List.of()),
                Set.of(Platform.ARM64), "r");

        assertThat(plan.tasks()).extracting(PlatformTask::platform)
                .containsExactly(Platform.ARM64, Platform.RISCV64, Platform.AMD64);
    }

    @Test
    void shouldMarkOptionalPlatformsAsNotRequired() {
        RunPlan plan = RunPlan.of(request(List.of("linux/amd64", "linux/riscv64"), List.of("riscv64")), AMD64_HOST, "r");

        assertThat(plan.task(Platform.RISCV64).required()).isFalse();
        assertThat(plan.task(Platform.AMD64).required()).isTrue();
    }

    @Test
    void shouldGiveEveryPlatformAValidUniqueTemporaryTag() {
        // Given
        String runId = RunPlan.newRunId();

        // When
        RunPlan plan = RunPlan.of(request(ALL_TEN, List.of()), AMD64_HOST, runId);

        // Then
        assertThat(plan.tasks()).extracting(PlatformTask::tempTag)
                .allSatisfy(t -> assertThat(Tag.parse(t).value()).isEqualTo(t))
                .allSatisfy(t -> assertThat(t).startsWith("multiarch-tmp-" + runId + "-"))
                .doesNotHaveDuplicates();
        assertThat(plan.task(Platform.ARM_V7).tempTag()).isEqualTo("multiarch-tmp-" + runId + "-linux-arm-v7");
        assertThat(plan.tasks()).extracting(PlatformTask::cacheTag)
                .allSatisfy(Tag::parse)
                .doesNotHaveDuplicates()
                .contains("multiarch-cache-linux-arm-v6");
    }

    @Test
    void shouldKeepTemporaryTagsApartBetweenRuns() {
        BuildRequest request = request(List.of("linux/amd64"), List.of());

        String first = RunPlan.of(request, AMD64_HOST, RunPlan.newRunId()).task(Platform.AMD64).tempTag();
        String second = RunPlan.of(request, AMD64_HOST, RunPlan.newRunId()).task(Platform.AMD64).tempTag();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void shouldMakeRunIdsOfUtcTimeAndRandomHex() {
        // When
        String before = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String id = RunPlan.newRunId();
        String after = LocalDateTime.now(ZoneOffset.UTC).plusSeconds(1).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

        // Then
        assertThat(id).matches("\\d{8}-\\d{6}-[0-9a-f]{6}");
        assertThat(id.substring(0, 15)).isBetween(before, after);
    }

    @Test
    void shouldWriteEveryFieldOfTheRunIdAtItsFullWidth() {
        assertThat(RunPlan.runId(LocalDateTime.of(2026, 1, 2, 3, 4, 5), 0xa)).isEqualTo("20260102-030405-00000a");
        assertThat(RunPlan.runId(LocalDateTime.of(2026, 12, 31, 23, 59, 59), -1)).isEqualTo("20261231-235959-ffffff");
    }

    @Test
    void shouldMakeDistinctRunIds() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 200).forEach(i -> ids.add(RunPlan.newRunId()));

        assertThat(ids).hasSizeGreaterThan(195);
    }

    @Test
    void shouldRefuseAPlatformOutsideThePlan() {
        RunPlan plan = RunPlan.of(request(List.of("linux/amd64"), List.of()), AMD64_HOST, "run-1");

        assertThatIllegalArgumentException().isThrownBy(() -> plan.task(Platform.S390X))
                .withMessage("linux/s390x is not part of run run-1");
    }
}
