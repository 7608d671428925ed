package io.multiarch.result;

import io.multiarch.platform.Platform;

import java.io.Serializable;
import java.util.Optional;

/**
 * The result of one platform: the one model behind the console table, report.json, report.html, JUnit XML and
 * the Jenkins build page.
 *
 * @param digest       the pushed image's digest, or empty when the build did not push
 * @param emulated     whether it ran under QEMU rather than natively
 * @param agent        where it ran (a Jenkins agent name, or a docker endpoint)
 * @param attempts     how many times the build was tried (retries apply to emulated platforms)
 * @param binfmtSeconds time spent checking or registering the emulator
 * @param buildSeconds the build, push excluded (in a batch: the platform's own steps, see {@code BuildProgress})
 * @param pushSeconds  pushing the image to the registry, as BuildKit timed it (in a batch: the batch's whole push)
 * @param size         the image's compressed size (the sum of its layers), its change against the tag's previous
 *                     index, its budget and its biggest layers
 * @param tempTag      the temporary tag the image was pushed under, when the driver cannot push by digest
 * @param test         the test outcome, empty when no test was configured or the build failed
 * @param message      for failures and skips: what went wrong, in a sentence a user can act on
 */
public record PlatformResult(Platform platform, boolean required, Status status, String digest, boolean emulated,
                             String agent, int attempts, double binfmtSeconds, double buildSeconds, double pushSeconds,
                             ImageSize size,
                             String tempTag, Optional<TestOutcome> test, String message) implements Serializable {

    public PlatformResult {
        size = size == null ? ImageSize.UNKNOWN : size;
    }

    /** With only the size known, nothing compared. */
    public PlatformResult(Platform platform, boolean required, Status status, String digest, boolean emulated,
                          String agent, int attempts, double binfmtSeconds, double buildSeconds, double pushSeconds,
                          long sizeBytes, String tempTag, Optional<TestOutcome> test, String message) {
        this(platform, required, status, digest, emulated, agent, attempts, binfmtSeconds, buildSeconds, pushSeconds,
                ImageSize.of(sizeBytes), tempTag, test, message);
    }

    /** Compressed size of the image, the sum of its layers; 0 when unknown. */
    public long sizeBytes() {
        return size.bytes();
    }

    public double testSeconds() {
        return test.map(TestOutcome::seconds).orElse(0.0);
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    /** A platform that failed before a test could run (binfmt, build or push). */
    public static PlatformResult failed(Platform platform, boolean required, boolean emulated, String agent, String message) {
        return new PlatformResult(platform, required, Status.FAILED, "", emulated, agent, 0, 0, 0, 0, 0, "",
                Optional.empty(), message);
    }

    /** {@link Optional} is not serializable: results travel (agents, Jenkins) in this form instead. */
    private Object writeReplace() {
        return new SerialForm(this);
    }

    private static final class SerialForm implements Serializable {
        private static final long serialVersionUID = 2L;
        private final Platform platform;
        private final boolean required;
        private final Status status;
        private final String digest;
        private final boolean emulated;
        private final String agent;
        private final int attempts;
        private final double binfmtSeconds;
        private final double buildSeconds;
        private final double pushSeconds;
        private final ImageSize size;
        private final String tempTag;
        private final TestOutcome test;
        private final String message;

        SerialForm(PlatformResult r) {
            platform = r.platform;
            required = r.required;
            status = r.status;
            digest = r.digest;
            emulated = r.emulated;
            agent = r.agent;
            attempts = r.attempts;
            binfmtSeconds = r.binfmtSeconds;
            buildSeconds = r.buildSeconds;
            pushSeconds = r.pushSeconds;
            size = r.size;
            tempTag = r.tempTag;
            test = r.test.orElse(null);
            message = r.message;
        }

        private Object readResolve() {
            return new PlatformResult(platform, required, status, digest, emulated, agent, attempts, binfmtSeconds,
                    buildSeconds, pushSeconds, size, tempTag, Optional.ofNullable(test), message);
        }
    }

    public static PlatformResult skipped(Platform platform, boolean required, boolean emulated, String message) {
        return new PlatformResult(platform, required, Status.SKIPPED, "", emulated, "", 0, 0, 0, 0, 0, "",
                Optional.empty(), message);
    }
}
