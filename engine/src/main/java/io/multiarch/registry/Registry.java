package io.multiarch.registry;

import java.io.IOException;
import java.util.Optional;

/**
 * Reads and writes manifests in an OCI registry: what a tag or digest serves, exactly as served, and an index put
 * under a tag. {@link ImagetoolsRegistry} asks {@code docker buildx imagetools} (a process per question, as the
 * plugin does on its agents); {@link HttpRegistry} speaks the distribution API itself (milliseconds a question);
 * {@link FallbackRegistry} uses the second and falls back to the first where it cannot go.
 */
public interface Registry {
    /**
     * The manifest or index {@code reference} ({@code host/repo:tag} or {@code host/repo@sha256:…}) resolves to,
     * exactly as the registry serves it; empty when the registry has no such tag or digest.
     */
    Optional<String> read(String reference) throws IOException, InterruptedException;

    /**
     * The configuration of the image {@code reference} ({@code host/repo@sha256:…} of an image manifest, not of an
     * index): the JSON of its {@code config} blob, with the history that names the step of each layer; empty when the
     * registry has no such image.
     */
    Optional<String> readConfig(String reference) throws IOException, InterruptedException;

    /**
     * {@link #readConfig(String)}, for a caller that has read the image manifest already and gives the digest it names
     * as its {@code config}: a registry that reads blobs by digest goes straight to the blob, with no second read of
     * the manifest.
     */
    default Optional<String> readConfig(String reference, String configDigest) throws IOException, InterruptedException {
        return readConfig(reference);
    }

    /** Whether {@link #write} works here; when it does not, the publish moves tags with {@code imagetools create}. */
    boolean writes();

    /**
     * Puts {@code manifest} (its bytes as given) under {@code reference} ({@code host/repo:tag}); every manifest it
     * refers to must be in the repository already.
     *
     * @throws UnsupportedOperationException when {@link #writes()} is false
     */
    void write(String reference, String manifest) throws IOException, InterruptedException;

    /**
     * Gets ready to answer about {@code repository} ({@code host/repo}) quickly, e.g. connects; called beside other
     * work at the start of a run. Never throws: a failure shows in the first real question.
     */
    default void prepare(String repository) {
    }
}
