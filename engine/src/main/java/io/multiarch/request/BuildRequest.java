package io.multiarch.request;

import io.multiarch.platform.Platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one multi-architecture build needs, validated. Front ends (the CLI, the Jenkins step) fill a
 * {@link RawBuildInput} with what the user wrote, as strings; {@link RawBuildInput#build()} checks every field against
 * the real grammars and either returns a request or throws {@link InvalidRequestException} listing every problem,
 * before any process starts.
 */
public record BuildRequest(
        ImageName image,
        List<Tag> tags,
        Path context,
        Path dockerfile,
        Optional<String> target,
        Map<String, String> buildArgs,
        Map<String, String> labels,
        List<Platform> platforms,
        Set<Platform> optionalPlatforms,
        Optional<TestSpec> test,
        boolean failFast,
        Duration platformTimeout,
        Duration testTimeout,
        int emulatedRetries,
        boolean provenance,
        int concurrency,
        BinfmtMode binfmtMode,
        BinfmtInstaller binfmtInstaller,
        boolean registryCache,
        boolean batch,
        List<BuildSecret> secrets,
        SizeBudget sizeBudget,
        boolean sbom,
        Optional<String> sbomGenerator) {

    public static final Duration DEFAULT_PLATFORM_TIMEOUT = Duration.ofMinutes(60);
    public static final Duration DEFAULT_TEST_TIMEOUT = Duration.ofMinutes(10);
    public static final int MAX_RETRIES = 5;
    public static final int MAX_CONCURRENCY = 32;

    public BuildRequest {
        tags = List.copyOf(tags);
        buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        platforms = List.copyOf(platforms);
        optionalPlatforms = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(optionalPlatforms));
        secrets = List.copyOf(secrets);
    }

    /**
     * Whether platforms sharing a docker endpoint are built in one {@code buildx build}: asked for, and not ruled out
     * by {@code concurrency} 1 (one platform at a time) or by attestations, provenance or SBOM (the publish keeps each
     * platform's attestation only from per-platform builds, whose digests are small indexes of image and attestation).
     */
    public boolean batches() {
        return batch && concurrency > 1 && !provenance && !sbom;
    }

    /** Two builds at a time per core, at least two: a build waits on I/O and the registry as much as on CPU. */
    public static int defaultConcurrency() {
        return Math.max(2, Math.min(MAX_CONCURRENCY, Runtime.getRuntime().availableProcessors() * 2));
    }

    /** Whether a platform may fail without blocking the publish. */
    public boolean isRequired(Platform platform) {
        return !optionalPlatforms.contains(platform);
    }
}
