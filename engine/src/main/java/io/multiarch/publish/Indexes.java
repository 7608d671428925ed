package io.multiarch.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.Manifest;
import io.multiarch.docker.Json;
import io.multiarch.platform.Platform;
import io.multiarch.registry.Registry;
import io.multiarch.request.ImageName;
import io.multiarch.result.PlatformResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The image index a publish serves: checked to list exactly the platforms that passed, or composed here. */
final class Indexes {

    private Indexes() {
    }

    /** The index must list exactly the expected platforms, once each, attestations aside. */
    static List<Platform> check(Manifest index, Set<Platform> expected, String what) {
        if (!index.isIndex()) {
            throw new IllegalStateException(what + " is not an image index");
        }
        List<Platform> listed = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (Descriptor d : index.imageEntries()) {
            if (d.platform() == null) {
                unknown.add(d.digest() + " (no platform)");
                continue;
            }
            d.platform().toPlatform().ifPresentOrElse(listed::add, () -> unknown.add(d.platform().toString()));
        }
        Set<Platform> listedSet = new TreeSet<>(listed);
        if (!unknown.isEmpty() || listedSet.size() != listed.size() || !listedSet.equals(expected)) {
            throw new IllegalStateException(what + " lists " + listed + (unknown.isEmpty() ? "" : " and " + unknown)
                    + ", expected exactly " + expected);
        }
        return List.copyOf(listedSet);
    }

    /** Whether an index lists exactly the platforms that passed, each with the image digest it passed with. */
    static boolean holdsExactly(String raw, List<PlatformResult> passed, Set<Platform> expected) {
        try {
            Manifest index = Manifest.parse(raw);
            check(index, expected, "the index");
            return passed.stream().allMatch(r -> index.imageFor(r.platform()).map(d -> d.digest().equals(r.digest())).orElse(false));
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }


    /**
     * The index of the passed platforms' image manifests, composed here from what the registry serves for each digest
     * (one read each, at once): for a registry that this publish writes to itself, so that no {@code imagetools}
     * process is needed. Empty when a digest is not a plain image manifest of one kind (e.g. an index with an
     * attestation): imagetools composes those.
     */
    static Optional<String> composeLocally(Registry registry, ImageName image, List<PlatformResult> passed) throws IOException, InterruptedException {
        Map<PlatformResult, Optional<String>> raws = InParallel.run(passed, r -> registry.read(image.withDigest(r.digest())));
        Set<String> mediaTypes = new LinkedHashSet<>();
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        ArrayNode manifests = Json.MAPPER.createArrayNode();
        for (PlatformResult r : passed) {
            Optional<String> raw = raws.get(r);
            if (raw.isEmpty() || !Manifest.digestOf(raw.get()).equals(r.digest())) {
                return Optional.empty();
            }
            Manifest m = Manifest.parse(raw.get());
            if (m.isIndex() || m.mediaType() == null) {
                return Optional.empty();
            }
            mediaTypes.add(m.mediaType());
            ObjectNode d = manifests.addObject();
            d.put("mediaType", m.mediaType());
            d.put("digest", r.digest());
            d.put("size", raw.get().getBytes(StandardCharsets.UTF_8).length);
            ObjectNode platform = d.putObject("platform");
            platform.put("architecture", r.platform().architecture());
            platform.put("os", r.platform().os());
            if (!r.platform().variant().isEmpty()) {
                platform.put("variant", r.platform().variant());
            }
        }
        String type;
        if (mediaTypes.equals(Set.of("application/vnd.oci.image.manifest.v1+json"))) {
            type = "application/vnd.oci.image.index.v1+json";
        } else if (mediaTypes.equals(Set.of("application/vnd.docker.distribution.manifest.v2+json"))) {
            type = "application/vnd.docker.distribution.manifest.list.v2+json";
        } else {
            return Optional.empty();
        }
        index.put("mediaType", type);
        index.set("manifests", manifests);
        return Optional.of(Json.MAPPER.writeValueAsString(index));
    }
}
