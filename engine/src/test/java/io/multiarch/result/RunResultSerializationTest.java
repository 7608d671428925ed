package io.multiarch.result;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunResultSerializationTest {

    @Test
    void shouldSurviveJavaSerializationAsJenkinsRemotingUsesIt() throws Exception {
        // Given a run with a tested platform (an Optional inside) and a failed one
        PlatformResult tested = new PlatformResult(Platform.ARM_V7, true, Status.PASSED, "sha256:" + "a".repeat(64), true,
                "agent-1", 2, 0.1, 3.5, 0.7, 1234, "multiarch-tmp-x-linux-arm-v7",
                Optional.of(new TestOutcome("arch-test", 0, false, 0.4, "ok linux/arm/v7")), "");
        PlatformResult failed = PlatformResult.failed(Platform.S390X, false, true, "agent-2", "the build failed");
        RunResult run = new RunResult("r1", "127.0.0.1:5000/a/b", List.of("v1"), "docker 26",
                List.of(tested, failed), new PublishResult(true, "sha256:" + "b".repeat(64), List.of("v1"),
                List.of(Platform.ARM_V7), 0.3, List.of(), ""), 9.5);

        // When it is written and read back
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(run);
        }
        RunResult copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (RunResult) in.readObject();
        }

        // Then nothing is lost
        assertThat(copy).isEqualTo(run);
        assertThat(copy.platforms().get(0).test()).contains(tested.test().orElseThrow());
        assertThat(copy.platforms().get(1).test()).isEmpty();
    }

    @Test
    void shouldComputeTheEmulationFactorAgainstTheMedianNativeBuildOfTheRun() {
        // Given two native builds (2 s and 4 s) and an emulated one of 9 s
        PlatformResult amd64 = result(Platform.AMD64, false, 2.0);
        PlatformResult i386 = result(Platform.I386, false, 4.0);
        PlatformResult riscv = result(Platform.RISCV64, true, 9.0);
        RunResult run = new RunResult("r", "a/b", List.of("v1"), "", List.of(amd64, i386, riscv),
                PublishResult.withheld(List.of("v1"), List.of(), ""), 10);

        // Then the emulated one is 3x the median native time, and native ones have no factor
        assertThat(run.emulationFactor(riscv)).hasValue(3.0);
        assertThat(run.emulationFactor(amd64)).isEmpty();
        RunResult emulatedOnly = new RunResult("r", "a/b", List.of("v1"), "", List.of(riscv),
                PublishResult.withheld(List.of("v1"), List.of(), ""), 10);
        assertThat(emulatedOnly.emulationFactor(riscv)).isEmpty();
    }

    private static PlatformResult result(Platform p, boolean emulated, double buildSeconds) {
        return new PlatformResult(p, true, Status.PASSED, "sha256:" + "c".repeat(64), emulated, "local", 1, 0,
                buildSeconds, 0, 1, "", Optional.empty(), "");
    }
}
