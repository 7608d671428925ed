package io.jenkins.plugins.multiarch;

import io.multiarch.publish.RequiredPlatforms;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code multiArchImage} call in a build: its plan, each platform's record as its stage reports it, and the
 * publish. A build may call the step several times; each call has its own run id.
 *
 * <p>Parallel stages report at the same time while the build is being saved: the platform map is never changed in
 * place but replaced by a changed copy, so that XStream always writes a map nobody is changing.
 */
public final class RunRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PlanSpec spec;
    private volatile Map<String, PlatformRecord> platforms = new LinkedHashMap<>();
    private volatile PublishRecord publish;
    /** Why the publish stage did not run (set by {@code multiArchGate}), or null. */
    private volatile String withheld;

    RunRecord(PlanSpec spec) {
        this.spec = spec;
    }

    public PlanSpec getSpec() {
        return spec;
    }

    public String getId() {
        return spec.getId();
    }

    public String getImage() {
        return spec.getImage();
    }

    /** The variant this record builds in a matrix build, {@code ""} without variants: the page groups by it. */
    public String getVariant() {
        return spec.getVariant();
    }

    /** {@code image:tag} for each requested tag. */
    public List<String> getReferences() {
        return spec.getTags().stream().map(t -> spec.getImage() + ":" + t).toList();
    }

    /** Every planned platform in the order asked, with a placeholder for those that have not reported. */
    public synchronized List<PlatformRecord> getPlatforms() {
        List<PlatformRecord> list = new ArrayList<>();
        for (String p : spec.getPlatforms()) {
            PlatformRecord r = platforms.get(p);
            list.add(r != null ? r : PlatformRecord.missing(p, spec.isRequired(p), !spec.isNative(p),
                    publish == null ? Messages.RunRecord_pending() : Messages.RunRecord_notReported()));
        }
        return list;
    }

    synchronized PlatformRecord platform(String platform) {
        return platforms.get(platform);
    }

    synchronized void put(PlatformRecord record) {
        Map<String, PlatformRecord> copy = new LinkedHashMap<>(platforms);
        copy.put(record.getPlatform(), record);
        platforms = copy;
    }

    /** The one publish gate, the engine's {@link RequiredPlatforms}: the required platforms that did not pass, or did not report at all. */
    public List<String> requiredNotPassed() {
        return requiredNotPassed(spec.getPlatforms());
    }

    /** Those of {@code platforms} that block the publish, by the engine's {@link RequiredPlatforms}. */
    synchronized List<String> requiredNotPassed(List<String> platforms) {
        Map<String, PlatformRecord> reported = this.platforms;
        return RequiredPlatforms.notPassed(platforms, spec::isRequired,
                p -> reported.get(p) != null && reported.get(p).isPassed());
    }

    synchronized void setWithheld(String withheld) {
        this.withheld = withheld;
    }

    public synchronized PublishRecord getPublish() {
        return publish;
    }

    synchronized void setPublish(PublishRecord publish) {
        this.publish = publish;
    }

    /** Why nothing was published, when {@code multiArchGate} kept the publish stage from running; else empty. */
    public synchronized String getWithheld() {
        return publish != null || withheld == null ? "" : withheld;
    }

    /** {@code image@sha256:…} of the published index, or empty. */
    public String getIndexReference() {
        PublishRecord p = getPublish();
        return p == null || !p.isPublished() ? "" : spec.getImage() + "@" + p.getIndexDigest();
    }

    /**
     * How much slower an emulated platform built than this run's native ones ({@code 4.3x}, as the engine's
     * {@link io.multiarch.report.Formats} writes it), or {@code -}: see
     * {@link io.multiarch.result.RunResult#emulationFactor(io.multiarch.result.PlatformResult)}.
     */
    public String emulationFactor(PlatformRecord r) {
        java.util.List<io.multiarch.result.PlatformResult> all = getPlatforms().stream().map(PlatformRecord::toResult).toList();
        java.util.OptionalDouble factor = io.multiarch.result.RunResult.emulationFactor(all, r.toResult());
        return factor.isPresent() ? io.multiarch.report.Formats.factor(factor.getAsDouble()) : "-";
    }

    /**
     * The timeline of every platform's phases and the publish, in seconds since the plan, as inline SVG: the engine's
     * own chart of report.html (no script, nothing fetched). Empty when no phase was recorded.
     */
    public String getTimelineSvg() {
        return io.multiarch.report.Charts.timeline(chartRun(), chartId());
    }

    /** Each platform's size against its previous size and its budget, as inline SVG (report.html's chart), or empty. */
    public String getSizeChartSvg() {
        return io.multiarch.report.Charts.sizes(chartRun(), chartId());
    }

    private String chartId() {
        return spec.getId().replaceAll("[^A-Za-z0-9]", "");
    }

    /** The record as the engine's run, with its timeline: what the charts are drawn from. */
    private io.multiarch.result.RunResult chartRun() {
        List<PlatformRecord> records = getPlatforms();
        Map<io.multiarch.platform.Platform, List<io.multiarch.result.Phase>> timeline = new LinkedHashMap<>();
        double total = 0;
        for (PlatformRecord r : records) {
            List<io.multiarch.result.Phase> phases = new ArrayList<>(r.phases());
            if (!phases.isEmpty()) {
                timeline.put(io.multiarch.platform.Platform.parse(r.getPlatform()), phases);
                total = Math.max(total, phases.stream().mapToDouble(io.multiarch.result.Phase::end).max().orElse(0));
            }
        }
        PublishRecord p = getPublish();
        if (p != null && p.phase() != null && !timeline.isEmpty()) {
            timeline.values().iterator().next().add(p.phase());
            total = Math.max(total, p.phase().end());
        }
        return new io.multiarch.result.RunResult(spec.getId(), spec.getImage(), spec.getTags(), "",
                records.stream().map(PlatformRecord::toResult).toList(), null, total, "", timeline);
    }

    /** {@code image@sha256:…} of one platform's image, or empty. */
    public String reference(PlatformRecord r) {
        return r.getDigest().isEmpty() ? "" : spec.getImage() + "@" + r.getDigest();
    }
}
