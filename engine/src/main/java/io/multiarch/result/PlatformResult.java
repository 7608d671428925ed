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
 * @param sizeBytes    compressed size of the image (config and layers), 0 when unknown
 * @param tempTag      the temporary tag the image was pushed under, when the driver cannot push by digest
 * @param test         the test outcome, empty when no test was configured or the build failed
 * @param message      for failures and skips: what went wrong, in a sentence a user can act on
 */
public record PlatformResult(Platform platform, boolean required, Status status, String digest, boolean emulated,
                             String agent, int attempts, double binfmtSeconds, double buildSeconds, long sizeBytes,
                             String tempTag, Optional<TestOutcome> test, String message) implements Serializable {

    public double testSeconds() {
        return test.map(TestOutcome::seconds).orElse(0.0);
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    public static PlatformResult skipped(Platform platform, boolean required, boolean emulated, String message) {
        return new PlatformResult(platform, required, Status.SKIPPED, "", emulated, "", 0, 0, 0, 0, "",
                Optional.empty(), message);
    }
}
