package io.multiarch.request;

import io.multiarch.platform.Platform;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The platforms to build, in the order given, and those of them allowed to fail without blocking the publish. */
public record PlatformSet(List<Platform> platforms, Set<Platform> optionalPlatforms) {

    public PlatformSet {
        platforms = List.copyOf(platforms);
        optionalPlatforms = Collections.unmodifiableSet(new LinkedHashSet<>(optionalPlatforms));
    }

    /** Whether a platform must pass for the publish to go ahead. */
    public boolean isRequired(Platform platform) {
        return !optionalPlatforms.contains(platform);
    }
}
