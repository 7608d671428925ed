package io.multiarch.cli;

import io.multiarch.platform.Platform;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.VariantRequest;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a CLI run needs beside the validated request: how it is executed (platforms at once, batches), where
 * platforms are sent ({@code --endpoint}), the variants of a matrix (empty for none) and how they publish, and where
 * reports go.
 */
record RunSettings(ExecutionOptions execution, Map<Platform, String> endpoints, List<VariantRequest> variants,
                   boolean allOrNothing, Path reportDir, boolean showTimeline) {

    RunSettings {
        endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints)); // in the order given
        variants = List.copyOf(variants);
    }
}
