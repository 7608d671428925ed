package io.multiarch.request;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to build: the context and Dockerfile on the building machine, the stage, build arguments and labels, build
 * secrets by reference, and the attestations (provenance, SBOM) the images carry.
 */
public record BuildSource(Path context, Path dockerfile, Optional<String> target, Map<String, String> buildArgs,
                          Map<String, String> labels, List<BuildSecret> secrets, boolean provenance, boolean sbom,
                          Optional<String> sbomGenerator) {

    public BuildSource {
        buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        secrets = List.copyOf(secrets);
    }
}
