package io.multiarch.buildx;

import io.multiarch.docker.Json;
import io.multiarch.platform.Platform;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * An image index or image manifest as the registry serves it ({@code docker buildx imagetools inspect --raw}):
 * an index lists {@link #manifests()}, an image manifest has a {@link #config()} and {@link #layers()}.
 */
public record Manifest(int schemaVersion, String mediaType, List<Descriptor> manifests, Descriptor config,
                       List<Descriptor> layers) {

    public static Manifest parse(String json) throws JsonProcessingException {
        return Json.read(json, Manifest.class, node -> {
            Json.Fields f = Json.fields(node, Manifest.class);
            return new Manifest(f.intValue("schemaVersion"), f.text("mediaType"), f.list("manifests", Descriptor::of),
                    f.object("config", Descriptor::of), f.list("layers", Descriptor::of));
        });
    }

    public boolean isIndex() {
        return manifests != null;
    }

    /** The entries that are images for a platform, attestations left out. */
    public List<Descriptor> imageEntries() {
        return manifests == null ? List.of() : manifests.stream().filter(d -> !d.isAttestation()).toList();
    }

    /** The index entry of the image for {@code platform}, attestations left out. */
    public Optional<Descriptor> imageFor(Platform platform) {
        return imageEntries().stream()
                .filter(d -> d.platform() != null && d.platform().toPlatform().filter(platform::equals).isPresent())
                .findFirst();
    }

    /** Compressed size: config plus every layer, as pulled from the registry. */
    public long imageSize() {
        long size = config == null ? 0 : config.size();
        if (layers != null) {
            size += layers.stream().mapToLong(Descriptor::size).sum();
        }
        return size;
    }

    /** Compressed size the sum of the layer sizes, the config left out. */
    public long layersSize() {
        return layers == null ? 0 : layers.stream().mapToLong(Descriptor::size).sum();
    }

    /** The {@code sha256:} digest of exactly these bytes, as a registry computes it. */
    public static String digestOf(String raw) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
