package io.multiarch.publish;

import io.multiarch.platform.Platform;
import io.multiarch.result.PlatformResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The one publish gate, as the publisher and the Jenkins record ask it. */
class RequiredPlatformsTest {

    @Test
    void shouldBlockOnARequiredPlatformThatFailedOrNeverReported() {
        // Given amd64 passed, arm64 failed, s390x never reported, riscv64 (optional) failed
        List<String> platforms = List.of("linux/amd64", "linux/arm64", "linux/s390x", "linux/riscv64");
        Map<String, Boolean> reported = Map.of("linux/amd64", true, "linux/arm64", false, "linux/riscv64", false);
        Set<String> optional = Set.of("linux/riscv64");

        // When
        List<String> blockers = RequiredPlatforms.notPassed(platforms, p -> !optional.contains(p),
                p -> reported.getOrDefault(p, false));

        // Then
        assertThat(blockers).containsExactly("linux/arm64", "linux/s390x");
        assertThat(RequiredPlatforms.withheld(blockers))
                .isEqualTo("required platforms linux/arm64, linux/s390x did not pass; no tag was created or moved");
    }

    @Test
    void shouldAskTheSameOfResults() {
        PlatformResult failed = PlatformResult.failed(Platform.S390X, true, true, "local", "the build failed");
        PlatformResult optional = PlatformResult.failed(Platform.RISCV64, false, true, "local", "the build failed");

        assertThat(RequiredPlatforms.notPassed(List.of(failed, optional))).containsExactly(failed);
        assertThat(RequiredPlatforms.withheld(List.of(Platform.S390X)))
                .isEqualTo("required platform linux/s390x did not pass; no tag was created or moved");
    }
}
