package io.multiarch.result;

import java.io.Serializable;
import java.util.List;

/**
 * The whole run: what was asked, each platform's result, and the publish.
 *
 * @param interrupted why the run was stopped from outside (a signal such as {@code SIGTERM}, an abort), or
 *                    {@code ""} when it ran to its end; an interrupted run publishes nothing
 */
public record RunResult(String runId, String image, List<String> tags, String toolchain,
                        List<PlatformResult> platforms, PublishResult publish, double totalSeconds, String interrupted,
                        java.util.Map<io.multiarch.platform.Platform, List<Phase>> timeline)
        implements Serializable {

    public RunResult {
        tags = List.copyOf(tags);
        platforms = List.copyOf(platforms);
        interrupted = interrupted == null ? "" : interrupted;
        timeline = timeline == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timeline));
    }

    /** Without a timeline: a run reported by parts (the Jenkins plugin), or built by hand. */
    public RunResult(String runId, String image, List<String> tags, String toolchain, List<PlatformResult> platforms,
                     PublishResult publish, double totalSeconds, String interrupted) {
        this(runId, image, tags, toolchain, platforms, publish, totalSeconds, interrupted, java.util.Map.of());
    }

    /** A run that was not interrupted. */
    public RunResult(String runId, String image, List<String> tags, String toolchain, List<PlatformResult> platforms,
                     PublishResult publish, double totalSeconds) {
        this(runId, image, tags, toolchain, platforms, publish, totalSeconds, "");
    }

    /** The phases of a platform on the run's clock (empty when not recorded), the publish under {@code publish}. */
    public List<Phase> phasesOf(io.multiarch.platform.Platform platform) {
        return timeline.getOrDefault(platform, List.of());
    }

    public boolean published() {
        return publish.published();
    }

    /**
     * How much slower an emulated platform built than the native ones of this run: its build seconds over the median
     * build seconds of the native platforms that passed. Empty for native platforms, failed ones, and runs with no
     * native platform to compare with.
     */
    public java.util.OptionalDouble emulationFactor(PlatformResult p) {
        return emulationFactor(platforms, p);
    }

    /** {@link #emulationFactor(PlatformResult)} among {@code all}: for front ends that keep results without a run. */
    public static java.util.OptionalDouble emulationFactor(List<PlatformResult> all, PlatformResult p) {
        double[] nativeSeconds = all.stream().filter(r -> !r.emulated() && r.passed() && r.buildSeconds() > 0)
                .mapToDouble(PlatformResult::buildSeconds).sorted().toArray();
        if (!p.emulated() || !p.passed() || nativeSeconds.length == 0) {
            return java.util.OptionalDouble.empty();
        }
        int n = nativeSeconds.length;
        double median = n % 2 == 1 ? nativeSeconds[n / 2] : (nativeSeconds[n / 2 - 1] + nativeSeconds[n / 2]) / 2;
        return java.util.OptionalDouble.of(p.buildSeconds() / median);
    }

    /** An emulation factor as reports and pages show it: {@code 4.3x}. */
    public static String formatFactor(double factor) {
        return String.format(java.util.Locale.ROOT, "%.1fx", factor);
    }

    /** Required platforms that did not pass: why nothing was published. */
    public List<PlatformResult> blockers() {
        return platforms.stream().filter(p -> p.required() && !p.passed()).toList();
    }
}
