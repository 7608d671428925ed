package io.multiarch.buildx;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.multiarch.platform.Platform;

import java.util.Map;
import java.util.Optional;

/** An OCI content descriptor, as found in indexes and buildx metadata. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(String mediaType, String digest, long size, OciPlatform platform,
                         Map<String, String> annotations) {

    /** The {@code platform} object of a descriptor. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OciPlatform(String architecture, String os, String variant) {
        public Optional<Platform> toPlatform() {
            return Platform.fromOci(os, architecture, variant);
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
        }
    }

    /**
     * Whether this entry is an attestation manifest (buildx marks them {@code unknown/unknown} and annotates
     * {@code vnd.docker.reference.type=attestation-manifest}) rather than an image for a platform.
     */
    public boolean isAttestation() {
        if (annotations != null && "attestation-manifest".equals(annotations.get("vnd.docker.reference.type"))) {
            return true;
        }
        return platform != null && "unknown".equals(platform.os()) && "unknown".equals(platform.architecture());
    }
}
