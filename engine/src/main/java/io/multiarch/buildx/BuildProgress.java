package io.multiarch.buildx;

import io.multiarch.platform.Platform;
import io.multiarch.process.OutputListener;
import io.multiarch.timeline.Timeline;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Timings read from {@code docker buildx build --progress plain} as it streams, so that a run can report the push
 * apart from the build, and each platform's share of a multi-platform build. buildx 0.13 has no machine-readable
 * progress ({@code rawjson} came later), and BuildKit's plain printer is stable: a step is announced as
 * {@code #N name}, ends with {@code #N DONE 1.2s} (or {@code CACHED}), and timed sub-tasks end with
 * {@code #N what 0.3s done}.
 *
 * <p>Push time is the sum of the exporter's timed {@code pushing …} sub-tasks and the steps named {@code pushing …}
 * (the docker driver's extra push). A platform's build time is the sum of its steps' durations, which in a
 * multi-platform build are named {@code [linux/arm64 2/3] RUN …}. Lines that match nothing are ignored: unknown
 * output makes a figure smaller, never a build fail. Thread-safe: stdout and stderr may be fed concurrently.
 *
 * <p>With a {@link Timeline}, each step is recorded there as it is seen: from its first line to its {@code DONE},
 * {@code CACHED} or {@code ERROR} line (BuildKit prints a step's lines as they happen).
 */
public final class BuildProgress implements OutputListener {
    private static final Pattern HEADER = Pattern.compile("#(\\d+) (.+)");
    private static final Pattern DONE = Pattern.compile("#(\\d+) DONE (\\d+(?:\\.\\d+)?)s");
    private static final Pattern ERROR = Pattern.compile("#(\\d+) ERROR: .*");
    private static final Pattern TIMED_SUBTASK = Pattern.compile("#(\\d+) (.+?) (\\d+(?:\\.\\d+)?)s done");
    private static final Pattern PLATFORM_STEP = Pattern.compile("\\[([a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9]+)?) [^\\]]*\\].*");
    /** The exporter's push of the image's manifest (or index) done: the registry has it under that digest. */
    private static final Pattern PUSHED = Pattern.compile("#\\d+ pushing manifest for \\S+@(sha256:[0-9a-f]{64})(?: \\d+(?:\\.\\d+)?s)? done");
    /** The exporter's image manifest written (before its push), one per platform; attestation manifests are named apart. */
    private static final Pattern EXPORTED_MANIFEST = Pattern.compile("#\\d+ exporting manifest (sha256:[0-9a-f]{64})(?: \\d+(?:\\.\\d+)?s)? done");
    /** buildx's first line (0.10 and later): {@code #0 building with "default" instance using docker driver}. */
    private static final Pattern BUILDER = Pattern.compile("#0 building with \"(.+)\" instance using (\\S+) driver");

    private final Map<Integer, String> names = new LinkedHashMap<>();
    private final Map<Integer, Double> seconds = new LinkedHashMap<>();
    private final java.util.Set<Integer> failed = new java.util.LinkedHashSet<>();
    private double subtaskPushSeconds;
    private final Timeline timeline;
    private final String phasePrefix;
    private final Map<Integer, Long> firstSeen = new LinkedHashMap<>();
    private BuilderUsed builder;
    private Consumer<String> whenPushed = digest -> { };
    private final Set<String> pushed = new HashSet<>();
    private final Set<String> exportedManifests = new java.util.LinkedHashSet<>();

    /** The builder instance and driver a build says it ran on. */
    public record BuilderUsed(String name, String driver) {
    }

    /** Progress that records no timeline. */
    public BuildProgress() {
        this(Timeline.NONE, "");
    }

    /** Progress that records each step in {@code timeline}, named {@code phasePrefix + "buildkit " + step}. */
    public BuildProgress(Timeline timeline, String phasePrefix) {
        this.timeline = timeline;
        this.phasePrefix = phasePrefix;
    }

    private void ended(int id) {
        Long start = firstSeen.remove(id);
        if (start != null) {
            timeline.add(phasePrefix + "buildkit #" + id + " " + names.getOrDefault(id, ""), start, System.nanoTime());
        }
    }

    @Override
    public synchronized void line(String line, boolean error) {
        Matcher done = DONE.matcher(line);
        if (done.matches()) {
            seconds.merge(Integer.parseInt(done.group(1)), Double.parseDouble(done.group(2)), Double::sum);
            ended(Integer.parseInt(done.group(1)));
            return;
        }
        Matcher failure = ERROR.matcher(line);
        if (failure.matches()) {
            failed.add(Integer.parseInt(failure.group(1)));
            ended(Integer.parseInt(failure.group(1)));
            return;
        }
        if (line.endsWith(" CACHED") && line.startsWith("#")) {
            try {
                ended(Integer.parseInt(line.substring(1, line.indexOf(' '))));
            } catch (NumberFormatException e) {
                // not a step's line
            }
            return;
        }
        if (line.contains(" exporting manifest sha256:")) {
            Matcher m = EXPORTED_MANIFEST.matcher(line);
            if (m.matches()) {
                exportedManifests.add(m.group(1));
            }
        }
        if (line.contains(" pushing manifest for ")) {
            Matcher m = PUSHED.matcher(line);
            if (m.matches() && pushed.add(m.group(1))) {
                whenPushed.accept(m.group(1));
            }
        }
        Matcher sub = TIMED_SUBTASK.matcher(line);
        if (sub.matches()) {
            if (sub.group(2).startsWith("pushing ") && !isPushStep(names.get(Integer.parseInt(sub.group(1))))) {
                subtaskPushSeconds += Double.parseDouble(sub.group(3));
            }
            return;
        }
        if (builder == null && line.startsWith("#0 building with ")) {
            Matcher b = BUILDER.matcher(line);
            if (b.matches()) {
                builder = new BuilderUsed(b.group(1), b.group(2));
            }
        }
        Matcher header = HEADER.matcher(line);
        if (header.matches()) {
            int id = Integer.parseInt(header.group(1));
            names.putIfAbsent(id, header.group(2));
            firstSeen.putIfAbsent(id, System.nanoTime());
        }
    }

    /**
     * Calls {@code listener} with the digest of each manifest (or index) the exporter reports pushed, once per digest,
     * as the line arrives: the registry serves it from then on, while buildx goes on (the cache export, the
     * {@code docker} driver's own push). Whether the build succeeds is known only when buildx ends. Returns this.
     */
    public synchronized BuildProgress whenPushed(Consumer<String> listener) {
        this.whenPushed = listener;
        return this;
    }

    /**
     * The digests of the image manifests the exporter reported written so far, in order: before its push, each
     * platform's image (a multi-platform build's, inside the index it pushes).
     */
    public synchronized List<String> exportedManifests() {
        return List.copyOf(exportedManifests);
    }

    /** The builder the build said it ran on; empty until its first line, or when buildx did not say. */
    public synchronized Optional<BuilderUsed> builder() {
        return Optional.ofNullable(builder);
    }

    /** Seconds spent pushing the image (layers, manifests, and a driver's separate push step). */
    public synchronized double pushSeconds() {
        double steps = 0;
        for (Map.Entry<Integer, Double> e : seconds.entrySet()) {
            if (isPushStep(names.get(e.getKey()))) {
                steps += e.getValue();
            }
        }
        return steps + subtaskPushSeconds;
    }

    /** Seconds of the steps of {@code platform} in a multi-platform build, empty when none ran or were named so. */
    public synchronized Optional<Double> platformSeconds(Platform platform) {
        String wanted = platform.toString();
        boolean seen = false;
        double total = 0;
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            Matcher m = PLATFORM_STEP.matcher(e.getValue());
            if (m.matches() && wanted.equals(m.group(1))) {
                seen = true;
                total += seconds.getOrDefault(e.getKey(), 0.0);
            }
        }
        return seen ? Optional.of(total) : Optional.empty();
    }

    /** The names of the steps that failed ({@code #N ERROR: …}), in order. */
    public synchronized java.util.List<String> failedSteps() {
        return failed.stream().map(id -> names.getOrDefault(id, "#" + id)).toList();
    }

    /**
     * Whether the build failed only while pushing: every failed step is a push ({@code pushing … with docker}), so
     * the image itself was built. The docker driver pushes a multi-platform image a second time through the daemon,
     * which PUTs every platform's manifest to the same tag at once; some registries answer that with a transient
     * error (registry 2.8's filesystem driver: 500 on a HEAD of the tag). Cache imports that failed (a cache ref
     * that does not exist yet) do not count: they never fail a build.
     */
    public synchronized boolean failedOnlyWhilePushing() {
        List<Integer> relevant = failed.stream().filter(id -> !isCacheImport(names.get(id))).toList();
        return !relevant.isEmpty() && relevant.stream().allMatch(id -> isPushStep(names.get(id)));
    }

    /**
     * A registry cache that cannot be imported ({@code importing cache manifest from …}, e.g. a cache ref that does
     * not exist yet: in a batch, the per-platform refs) is marked {@code ERROR} by BuildKit but never fails a build.
     */
    private static boolean isCacheImport(String name) {
        return name != null && name.startsWith("importing cache manifest from ");
    }

    private static boolean isPushStep(String name) {
        return name != null && name.startsWith("pushing ");
    }
}
