package io.multiarch.buildx;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.multiarch.docker.Json;
import io.multiarch.platform.Platform;

import java.util.Map;
import java.util.Optional;

/** An OCI content descriptor, as found in indexes and buildx metadata. */
public record Descriptor(String mediaType, String digest, long size, OciPlatform platform,
                         Map<String, String> annotations) {

    /** The {@code platform} object of a descriptor. */
    public record OciPlatform(String architecture, String os, String variant) {
        /** The platform {@code node} describes, read as data binding would; {@code null} for none or JSON null. */
        public static OciPlatform of(JsonNode node) throws JsonMappingException {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            Json.Fields f = Json.fields(node, OciPlatform.class);
            return new OciPlatform(f.text("architecture"), f.text("os"), f.text("variant"));
        }

        public Optional<Platform> toPlatform() {
            return Platform.fromOci(os, architecture, variant);
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
        }
    }

    /**
     * The descriptor {@code node} holds, read as data binding would (see {@link Json}); {@code null} for none or JSON
     * null. A node of another shape than an object, or a field of the wrong shape, fails naming the field.
     */
    public static Descriptor of(JsonNode node) throws JsonMappingException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        Json.Fields f = Json.fields(node, Descriptor.class);
        return new Descriptor(f.text("mediaType"), f.text("digest"), f.longValue("size"),
                f.object("platform", OciPlatform::of), f.textMap("annotations"));
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
