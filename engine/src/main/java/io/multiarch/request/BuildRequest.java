package io.multiarch.request;

import io.multiarch.platform.Platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one multi-architecture build needs, validated, by concern: what to build ({@link BuildSource}), where
 * to publish ({@link PublishTarget}), the platforms ({@link PlatformSet}), how each platform's run is judged
 * ({@link RunPolicy}), and what may be done about emulators ({@link BinfmtPolicy}); how the command line executes it
 * ({@link ExecutionOptions}) is apart. Front ends fill a {@link RawBuildInput} with what the user wrote, as strings;
 * {@link RawBuildInput#build()} checks every field against the real grammars and either returns a request or throws
 * {@link InvalidRequestException} listing every problem, before any process starts. The accessors below the
 * components read through to them.
 */
public record BuildRequest(BuildSource source, PublishTarget publishTo, PlatformSet platformSet, RunPolicy policy,
                           BinfmtPolicy binfmt) {

    public static final Duration DEFAULT_PLATFORM_TIMEOUT = Duration.ofMinutes(60);
    public static final Duration DEFAULT_TEST_TIMEOUT = Duration.ofMinutes(10);
    public static final int MAX_RETRIES = 5;

    /** Whether a platform may fail without blocking the publish. */
    public boolean isRequired(Platform platform) {
        return platformSet.isRequired(platform);
    }

    public ImageName image() {
        return publishTo.image();
    }

    public List<Tag> tags() {
        return publishTo.tags();
    }

    public Path context() {
        return source.context();
    }

    public Path dockerfile() {
        return source.dockerfile();
    }

    public Optional<String> target() {
        return source.target();
    }

    public Map<String, String> buildArgs() {
        return source.buildArgs();
    }

    public Map<String, String> labels() {
        return source.labels();
    }

    public List<BuildSecret> secrets() {
        return source.secrets();
    }

    public boolean provenance() {
        return source.provenance();
    }

    public boolean sbom() {
        return source.sbom();
    }

    public Optional<String> sbomGenerator() {
        return source.sbomGenerator();
    }

    public List<Platform> platforms() {
        return platformSet.platforms();
    }

    public Set<Platform> optionalPlatforms() {
        return platformSet.optionalPlatforms();
    }

    public Optional<TestSpec> test() {
        return policy.test();
    }

    public boolean failFast() {
        return policy.failFast();
    }

    public Duration platformTimeout() {
        return policy.platformTimeout();
    }

    public Duration testTimeout() {
        return policy.testTimeout();
    }

    public int emulatedRetries() {
        return policy.emulatedRetries();
    }

    public boolean registryCache() {
        return policy.registryCache();
    }

    public SizeBudget sizeBudget() {
        return policy.sizeBudget();
    }

    public BinfmtMode binfmtMode() {
        return binfmt.mode();
    }

    public BinfmtInstaller binfmtInstaller() {
        return binfmt.installer();
    }

}
