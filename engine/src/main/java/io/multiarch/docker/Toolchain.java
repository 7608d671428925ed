package io.multiarch.docker;

import io.multiarch.platform.Platform;

import java.io.Serializable;
import java.util.Set;

/**
 * What one docker endpoint offers: versions, the current buildx builder and its driver, and the platforms the
 * daemon's machine runs natively.
 *
 * @param pushByDigest whether the builder can push an image by digest alone ({@code push-by-digest=true}); the
 *                     {@code docker} driver cannot, so images go to the registry under a temporary tag instead
 */
public record Toolchain(String clientVersion, String serverVersion, String buildxVersion, String builder,
                        String driver, String serverArchitecture, Set<Platform> nativePlatforms,
                        boolean containerdStore, boolean pushByDigest) implements Serializable {

    public Toolchain {
        nativePlatforms = Set.copyOf(nativePlatforms);
    }

    /** The platforms a machine of this (Go) architecture runs without emulation. */
    public static Set<Platform> nativeFor(String goArch) {
        return switch (goArch) {
            case "amd64", "x86_64" -> Set.of(Platform.AMD64, Platform.I386);
            case "arm64", "aarch64" -> Set.of(Platform.ARM64);
            default -> {
                try {
                    yield Set.of(Platform.parse(goArch));
                } catch (IllegalArgumentException e) {
                    yield Set.of();
                }
            }
        };
    }

    public String describe() {
        return "docker " + clientVersion + " (daemon " + serverVersion + ", " + serverArchitecture
                + (containerdStore ? ", containerd image store" : "") + "), buildx " + buildxVersion
                + ", builder '" + builder + "' (driver " + driver + (pushByDigest ? ", pushes by digest" : ", pushes temporary tags") + ")";
    }
}
