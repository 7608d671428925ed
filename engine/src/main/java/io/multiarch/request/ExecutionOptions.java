package io.multiarch.request;

/**
 * How the command line runs a request on one machine, not what it builds: platforms built at once, and whether
 * the platforms of one docker endpoint go into one {@code buildx build}. Kept apart from the {@link BuildRequest}:
 * the Jenkins plugin runs one platform per Pipeline branch and never needs it.
 */
public record ExecutionOptions(int concurrency, boolean batch) {
    public static final int MAX_CONCURRENCY = 32;

    /** Two builds at a time per core, at least two: a build waits on I/O and the registry as much as on CPU. */
    public static int defaultConcurrency() {
        return Math.max(2, Math.min(MAX_CONCURRENCY, Runtime.getRuntime().availableProcessors() * 2));
    }

    /**
     * Whether the platforms of {@code request} sharing a docker endpoint are built in one {@code buildx build}: asked
     * for, and not ruled out by {@code concurrency} 1 (one platform at a time) or by attestations, provenance or SBOM
     * (the publish keeps each platform's attestation only from per-platform builds, whose digests are small indexes of
     * image and attestation).
     */
    public boolean batches(BuildRequest request) {
        return batch && concurrency > 1 && !request.provenance() && !request.sbom();
    }
}
