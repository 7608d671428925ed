package io.multiarch.request;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VariantRequestTest {
    @TempDir
    Path context;

    @BeforeEach
    void writeDockerfiles() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        Files.writeString(context.resolve("Dockerfile.alpine"), "FROM alpine\n");
    }

    private RawBuildInput base() {
        return new RawBuildInput().image("127.0.0.1:5000/demo/hello").tags(List.of("1.4", "latest"))
                .context(context.toString()).platforms(List.of("linux/amd64", "linux/arm64", "linux/riscv64"))
                .optionalPlatforms(List.of("linux/riscv64")).buildArg("VERSION", "1.4").sizeBudget("10MB");
    }

    @Test
    void shouldMakeEachVariantsRequestFromTheRunsWithItsOwnValues() {
        // When
        List<VariantRequest> vs = base().buildVariants(List.of(
                new VariantSpec("debian", "-debian", null, "runtime", Map.of("BASE", "debian"),
                        List.of("linux/amd64", "aarch64"), null, List.of("linux/arm64=20MB")),
                VariantSpec.ofDockerfile("alpine", "Dockerfile.alpine")));

        // Then
        VariantRequest debian = vs.get(0);
        assertThat(debian.name()).isEqualTo("debian");
        assertThat(debian.request().tags()).extracting(Tag::value).containsExactly("1.4-debian", "latest-debian");
        assertThat(debian.request().dockerfile()).isEqualTo(context.toAbsolutePath().normalize().resolve("Dockerfile"));
        assertThat(debian.request().target()).contains("runtime");
        assertThat(debian.request().buildArgs()).containsExactly(Map.entry("VERSION", "1.4"), Map.entry("BASE", "debian"));
        assertThat(debian.request().platforms()).containsExactly(Platform.AMD64, Platform.ARM64);
        assertThat(debian.request().optionalPlatforms()).isEmpty(); // riscv64 is not one of its platforms
        assertThat(debian.request().sizeBudget().forPlatform(Platform.ARM64)).hasValue(20_000_000);
        assertThat(debian.request().sizeBudget().forPlatform(Platform.AMD64)).isEmpty();
        VariantRequest alpine = vs.get(1);
        assertThat(alpine.tagSuffix()).isEqualTo("-alpine");
        assertThat(alpine.request().tags()).extracting(Tag::value).containsExactly("1.4-alpine", "latest-alpine");
        assertThat(alpine.request().dockerfile().getFileName().toString()).isEqualTo("Dockerfile.alpine");
        assertThat(alpine.request().platforms()).hasSize(3);
        assertThat(alpine.request().optionalPlatforms()).containsExactly(Platform.RISCV64);
        assertThat(alpine.request().sizeBudget().forPlatform(Platform.AMD64)).hasValue(10_000_000);
    }

    @Test
    void shouldNameEveryVariantProblemWithTheVariant() {
        // When
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> base().buildVariants(List.of(
                VariantSpec.ofDockerfile("Alpine", "Dockerfile.alpine"),
                VariantSpec.ofDockerfile("alpine", "missing.Dockerfile"),
                VariantSpec.ofDockerfile("alpine", "Dockerfile.alpine"),
                new VariantSpec("plain", "", null, null, Map.of(), List.of("linux/s390x"), null, null),
                new VariantSpec("plain2", "", null, null, Map.of(), List.of(), null, null),
                new VariantSpec("long", "-" + "x".repeat(70), null, null, Map.of(), List.of(), null, null),
                new VariantSpec("narrow", "-narrow", null, null, Map.of(), List.of("linux/riscv64"), null, null))));

        // Then
        assertThat(e.violations()).extracting(Violation::field).containsExactly(
                "variants[0].name",
                "variants[1] (alpine).dockerfile",
                "variants[2].name",
                "variants[3] (plain).platforms[0]",
                "variants[4] (plain2).tagSuffix",
                "variants[5] (long).tagSuffix",
                "variants[6] (narrow).optionalPlatforms");
        assertThat(e.violations().get(3).problem()).contains("is not one of the run's platforms");
        assertThat(e.violations().get(4).problem()).contains("they would publish the same tags");
        assertThat(e.violations().get(5).value()).isEqualTo("-" + "x".repeat(70));
    }

    @Test
    void shouldNeedAVariant() {
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> base().buildVariants(List.of())).violations())
                .extracting(Violation::field).containsExactly("variants");
    }

    @Test
    void shouldNotNeedTheRunsDockerfileWhenEveryVariantHasItsOwn() throws IOException {
        Files.delete(context.resolve("Dockerfile"));

        List<VariantRequest> vs = base().buildVariants(List.of(VariantSpec.ofDockerfile("alpine", "Dockerfile.alpine")));

        assertThat(vs).singleElement().satisfies(v -> assertThat(v.request().dockerfile().getFileName().toString())
                .isEqualTo("Dockerfile.alpine"));
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> base().buildVariants(List.of(
                VariantSpec.ofDockerfile("alpine", "Dockerfile.alpine"),
                new VariantSpec("plain", "-plain", null, null, Map.of(), List.of(), null, null)))).violations())
                .extracting(Violation::field).containsExactly("dockerfile");
    }
}
