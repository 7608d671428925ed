package io.multiarch.plan;

import io.multiarch.platform.Platform;
import io.multiarch.request.BuildRequest;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The order and names of one run. Native platforms go first (they are quick and show mistakes early), then the
 * emulated ones costliest first (s390x, mips64, riscv64 …), so that the slowest do not start last and set the
 * length of the whole run.
 */
public record RunPlan(String runId, List<PlatformTask> tasks) implements Serializable {
    public RunPlan {
        tasks = List.copyOf(tasks);
    }

    /**
     * A new run id: UTC time and random hex, valid in tags and container names ({@code 20260128-101500-a1b2c3}). The
     * random part only keeps runs of the same second apart, so it comes from {@link ThreadLocalRandom} (seeded from
     * the clocks' nanoseconds) and the time is written digit by digit: on the way to a run's first build, a {@code
     * DateTimeFormatter}'s first use cost 5-12 ms, and {@code SecureRandom}'s seeding some more (measured).
     */
    public static String newRunId() {
        return runId(LocalDateTime.now(ZoneOffset.UTC), ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** The run id of UTC time {@code t} and the low 24 bits of {@code random}. */
    static String runId(LocalDateTime t, int random) {
        StringBuilder id = new StringBuilder(22);
        digits(id, t.getYear(), 4);
        digits(id, t.getMonthValue(), 2);
        digits(id, t.getDayOfMonth(), 2);
        id.append('-');
        digits(id, t.getHour(), 2);
        digits(id, t.getMinute(), 2);
        digits(id, t.getSecond(), 2);
        String hex = Integer.toHexString(random & 0xffffff);
        return id.append('-').append("000000", hex.length(), 6).append(hex).toString();
    }

    private static void digits(StringBuilder to, int value, int width) {
        String s = Integer.toString(value);
        to.append("0000", 0, Math.max(0, width - s.length())).append(s);
    }

    public static RunPlan of(BuildRequest request, Set<Platform> nativePlatforms, String runId) {
        return of(request, nativePlatforms, runId, "");
    }

    /**
     * The plan of one variant of a matrix build: its registry cache tags carry the variant's name
     * ({@code multiarch-cache-alpine-linux-arm64}), so that variants built on other bases do not overwrite each
     * other's cache.
     */
    public static RunPlan of(BuildRequest request, Set<Platform> nativePlatforms, String runId, String variant) {
        String cache = "multiarch-cache-" + (variant.isEmpty() ? "" : variant + "-");
        Comparator<PlatformTask> order = Comparator.comparing((PlatformTask t) -> !t.nativePlatform())
                .thenComparing(t -> -t.platform().emulationCost())
                .thenComparing(PlatformTask::platform);
        List<PlatformTask> tasks = request.platforms().stream()
                .map(p -> new PlatformTask(p, request.isRequired(p), nativePlatforms.contains(p),
                        "multiarch-tmp-" + runId + "-" + p.slug(), cache + p.slug()))
                .sorted(order)
                .toList();
        return new RunPlan(runId, tasks);
    }

    /** The tag a batch of platforms is pushed under (as one index) when the driver cannot push by digest. */
    public String batchTag(int batch) {
        return "multiarch-tmp-" + runId + "-batch" + batch;
    }

    /**
     * The registry cache tag of a set of platforms built together: {@code multiarch-cache-set-} and a hash of the
     * sorted set, so that a run of another set of platforms never overwrites it; a variant's
     * ({@code multiarch-cache-alpine-set-…}) carries its name, as its per-platform cache tags do.
     */
    public static String batchCacheTag(List<PlatformTask> tasks) {
        String set = String.join(",", tasks.stream().map(t -> t.platform().toString()).sorted().toList());
        PlatformTask first = tasks.get(0);
        String prefix = first.cacheTag().substring(0, first.cacheTag().length() - first.platform().slug().length());
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(set.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return prefix + "set-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public PlatformTask task(Platform platform) {
        return tasks.stream().filter(t -> t.platform().equals(platform)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(platform + " is not part of run " + runId));
    }
}
