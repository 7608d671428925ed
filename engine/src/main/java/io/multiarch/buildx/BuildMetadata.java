package io.multiarch.buildx;

import io.multiarch.docker.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * What {@code docker buildx build --metadata-file} writes: the pushed image's digest and descriptor.
 * With provenance on, the digest is that of a small index holding the image and its attestation.
 */
public record BuildMetadata(String digest, Descriptor descriptor, String imageName) {

    public static BuildMetadata parse(String json) throws JsonProcessingException {
        BuildMetadata m = Json.read(json, BuildMetadata.class, node -> {
            Json.Fields f = Json.fields(node, BuildMetadata.class);
            return new BuildMetadata(f.text("containerimage.digest"), f.object("containerimage.descriptor", Descriptor::of),
                    f.text("image.name"));
        });
        if (m == null || m.digest() == null || !m.digest().matches("sha256:[a-f0-9]{64}")) {
            throw new IllegalArgumentException("buildx metadata has no image digest (containerimage.digest): " + json);
        }
        return m;
    }
}
