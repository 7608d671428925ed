package io.multiarch.request;

import java.time.Duration;
import java.util.Optional;

/**
 * How each platform's run is judged and bounded: its test, fail-fast, the build and test timeouts, the retries of
 * emulated builds, the registry cache, and the size budget.
 */
public record RunPolicy(Optional<TestSpec> test, boolean failFast, Duration platformTimeout, Duration testTimeout,
                        int emulatedRetries, boolean registryCache, SizeBudget sizeBudget) {
}
