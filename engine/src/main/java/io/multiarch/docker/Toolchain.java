package io.multiarch.docker;

import io.multiarch.platform.Platform;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * What one docker endpoint offers: versions, the current buildx builder and its driver, and the platforms the
 * daemon's machine runs natively, as measured by {@link NativeProbe}.
 *
 * @param pushByDigest whether the builder can push an image by digest alone ({@code push-by-digest=true}); the
 *                     {@code docker} driver cannot, so images go to the registry under a temporary tag instead
 * @param buildxPath   the buildx plugin's executable as the docker CLI found it ({@code docker info}'s plugin list), which
 *                     a front end may run standalone ({@link DockerCli#withBuildx}); {@code ""} where not known
 */
public record Toolchain(String clientVersion, String serverVersion, String buildxVersion, String builder,
                        String driver, String serverArchitecture, Set<Platform> nativePlatforms,
                        boolean containerdStore, boolean pushByDigest, String buildxPath) implements Serializable {

    public Toolchain {
        nativePlatforms = Set.copyOf(nativePlatforms);
        buildxPath = buildxPath == null ? "" : buildxPath;
    }

    /** A toolchain whose buildx plugin's executable is not known. */
    public Toolchain(String clientVersion, String serverVersion, String buildxVersion, String builder, String driver,
                     String serverArchitecture, Set<Platform> nativePlatforms, boolean containerdStore, boolean pushByDigest) {
        this(clientVersion, serverVersion, buildxVersion, builder, driver, serverArchitecture, nativePlatforms, containerdStore,
                pushByDigest, "");
    }

    /**
     * The platforms a machine of this (Go or {@code uname -m}) architecture might run without emulation: its own,
     * and the 32-bit platforms its CPU may also execute (386 on amd64, arm/v7 and arm/v6 on arm64). Whether it does
     * is measured ({@link NativeProbe}): a kernel without 32-bit support, or a QEMU registration in binfmt_misc,
     * which the kernel consults first, makes a candidate emulated. Every other platform is emulated.
     */
    public static List<Platform> nativeCandidates(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> List.of(Platform.AMD64, Platform.I386);
            case "arm64", "aarch64" -> List.of(Platform.ARM64, Platform.ARM_V7, Platform.ARM_V6);
            case "arm", "armv7l", "armv8l" -> List.of(Platform.ARM_V7, Platform.ARM_V6);
            case "386", "i386", "i686" -> List.of(Platform.I386);
            default -> {
                try {
                    yield List.of(Platform.parse(arch));
                } catch (IllegalArgumentException e) {
                    yield List.of();
                }
            }
        };
    }

    public String describe() {
        return "docker " + clientVersion + " (daemon " + serverVersion + ", " + serverArchitecture
                + (containerdStore ? ", containerd image store" : "") + "), buildx " + buildxVersion
                + ", builder '" + builder + "' (driver " + driver + (pushByDigest ? ", pushes by digest" : ", pushes temporary tags") + ")"
                + ", runs natively: " + (nativePlatforms.isEmpty() ? "none of the platforms checked"
                : String.join(", ", new java.util.TreeSet<>(nativePlatforms).stream().map(Platform::toString).toList()));
    }
}
