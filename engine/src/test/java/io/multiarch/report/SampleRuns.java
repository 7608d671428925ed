package io.multiarch.report;

import io.multiarch.platform.Platform;
import io.multiarch.result.ImageSize;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.Status;
import io.multiarch.result.TestOutcome;

import java.util.List;
import java.util.Optional;

/** Runs built by hand, as the engine would report them, for the report tests. */
final class SampleRuns {
    static final String AMD64_DIGEST = "sha256:" + "a1b2c3d4e5f6".repeat(5) + "0718";
    static final String ARM64_DIGEST = "sha256:" + "0f1e2d3c4b5a".repeat(5) + "6978";
    static final String HOSTILE_OUTPUT = "starting\n<script>alert(1)</script>\n"
            + "NUL:\u0000 BEL:\u0007 ESC:\u001b[31mred\u001b[0m VT:\u000b\n"
            + "end of CDATA ]]> & \"double\" 'single'\n"
            + "FAIL: expected 'armv7l' got \"aarch64\"";
    static final String FAILED_MESSAGE = "the test exited 1 under QEMU; see \"output\" <below> & 'retry'";
    static final String WITHHELD = "withheld: required platform linux/arm/v7 failed its test (exit 1)";
    static final String LEFTOVER = "registry.example.com/team/app:tmp-r42-linux-arm-v7";
    static final String INDEX_DIGEST = "sha256:" + "feedfacecafe".repeat(5) + "beef";

    private SampleRuns() {
    }

    /** amd64 passed natively without a test. */
    static PlatformResult nativePassed() {
        return new PlatformResult(Platform.AMD64, true, Status.PASSED, AMD64_DIGEST, false, "agent-x86", 1,
                0.0, 42.25, 0.5, 12_897_484L, "", Optional.empty(), "");
    }

    /** arm64 passed under QEMU, its test too. */
    static PlatformResult emulatedPassed() {
        return new PlatformResult(Platform.ARM64, false, Status.PASSED, ARM64_DIGEST, true, "agent-x86", 2,
                1.5, 180.0, 1.25, 11_534_336L, "",
                Optional.of(new TestOutcome("uname -m", 0, false, 3.25, "aarch64\n")), "");
    }

    /** arm/v7 built but its test failed with output no report may pass through raw. */
    static PlatformResult failedWithHostileOutput() {
        return new PlatformResult(Platform.ARM_V7, true, Status.FAILED, "sha256:\"quoted\"<digest>", true,
                "agent-x86", 1, 0.75, 240.5, 2.0, 0L, "tmp-r42-linux-arm-v7",
                Optional.of(new TestOutcome("/app/selftest --arch", 1, false, 7.5, HOSTILE_OUTPUT)),
                FAILED_MESSAGE);
    }

    /** The three platforms above, and the publish withheld because the required arm/v7 failed. */
    static RunResult withheld() {
        return new RunResult("r42", "registry.example.com/team/app", List.of("1.2.3", "latest"),
                "docker 27.3.1, buildx v0.17.1",
                List.of(nativePassed(), emulatedPassed(), failedWithHostileOutput()),
                PublishResult.withheld(List.of("1.2.3", "latest"), List.of(LEFTOVER), WITHHELD), 301.5);
    }

    /** amd64 and arm64 passed and the index went out under both tags. */
    static RunResult published() {
        List<String> tags = List.of("1.2.3", "latest");
        return new RunResult("r43", "registry.example.com/team/app", tags, "docker 27.3.1, buildx v0.17.1",
                List.of(nativePassed(), emulatedPassed()),
                new PublishResult(true, INDEX_DIGEST, tags, List.of(Platform.AMD64, Platform.ARM64), 2.0, List.of(),
                        "index pushed as 1.2.3, latest"), 230.0);
    }

    /** A publish stopped by SIGTERM after it created 1.2.3, which it cannot remove; latest was put back. */
    static RunResult failedPartWay() {
        List<String> tags = List.of("1.2.3", "latest");
        String old = "sha256:" + "0123456789ab".repeat(5) + "cdef";
        return new RunResult("r44", "registry.example.com/team/app", tags, "docker 27.3.1, buildx v0.17.1",
                List.of(nativePassed(), emulatedPassed()),
                new PublishResult(false, "", tags, List.of(), 2.0, List.of(), "publish failed: interrupted while moving the tags",
                        List.of(new io.multiarch.result.TagState("1.2.3", "", INDEX_DIGEST, "created by this publish", true),
                                new io.multiarch.result.TagState("latest", old, old, "restored after the failed publish", false))),
                230.0, "SIGTERM");
    }

    static final String HOSTILE_STEP = "RUN echo '<script>alert(1)</script>' > /x # buildkit";

    /**
     * Sizes compared and budgeted: amd64 grew by 1 KiB against the tag's previous index and is within its budget,
     * arm64 is new in the index and over its budget, so it failed; riscv64 is over its budget as a warning only.
     */
    static RunResult sized() {
        PlatformResult amd64 = new PlatformResult(Platform.AMD64, true, Status.PASSED, AMD64_DIGEST, false, "local", 1,
                0, 2.0, 0.5, new ImageSize(3_146_752, 3_145_728, "1.2.3", 4_000_000, false, List.of(
                        new ImageSize.Layer("sha256:" + "1".repeat(64), 3_000_000, "COPY rootfs/linux/amd64/ / # buildkit"),
                        new ImageSize.Layer("sha256:" + "2".repeat(64), 146_000, HOSTILE_STEP),
                        new ImageSize.Layer("sha256:" + "3".repeat(64), 752, ""))),
                "", Optional.empty(), "");
        PlatformResult arm64 = new PlatformResult(Platform.ARM64, true, Status.FAILED, ARM64_DIGEST, true, "local", 1,
                0.1, 6.0, 0.5, new ImageSize(5_000_000, -1, "1.2.3", 4_000_000, false, List.of(
                        new ImageSize.Layer("sha256:" + "4".repeat(64), 5_000_000, "COPY big /big # buildkit"))),
                "", Optional.empty(), "the image is 4.8 MiB compressed, over the size budget of 3.8 MiB by 976.6 KiB");
        PlatformResult riscv64 = new PlatformResult(Platform.RISCV64, false, Status.PASSED, "sha256:" + "5".repeat(64), true,
                "local", 1, 0.1, 9.0, 0.5, new ImageSize(4_100_000, 4_200_000, "1.2.3", 4_000_000, true, List.of()),
                "", Optional.empty(), "the image is 3.9 MiB compressed, over the size budget of 3.8 MiB by 97.7 KiB (a warning only)");
        return new RunResult("r43", "registry.example.com/team/app", List.of("1.2.3"), "docker 26.1.5",
                List.of(amd64, arm64, riscv64),
                PublishResult.withheld(List.of("1.2.3"), List.of(), "withheld: required platform linux/arm64 failed"), 20.0);
    }

    /** Two variants: {@code debian} withheld (the runs of {@link #withheld()}), {@code alpine} published. */
    static io.multiarch.result.MatrixResult matrix() {
        return new io.multiarch.result.MatrixResult(List.of(
                new io.multiarch.result.VariantResult("debian", "-debian", withheld()),
                new io.multiarch.result.VariantResult("alpine", "-alpine", published())), false, 400.0, "");
    }

    /** {@link #sized()} with its timeline: amd64 built natively while arm64 built under QEMU, then the publish. */
    static RunResult timed() {
        RunResult r = sized();
        java.util.Map<Platform, List<io.multiarch.result.Phase>> timeline = new java.util.LinkedHashMap<>();
        io.multiarch.result.Phase publish = new io.multiarch.result.Phase("publish", 17.0, 19.5);
        timeline.put(Platform.AMD64, List.of(new io.multiarch.result.Phase("build", 0.1, 2.1),
                new io.multiarch.result.Phase("push", 2.1, 2.6), new io.multiarch.result.Phase("test", 2.6, 4.0), publish));
        timeline.put(Platform.ARM64, List.of(new io.multiarch.result.Phase("binfmt", 0.0, 0.1),
                new io.multiarch.result.Phase("build", 0.1, 6.1), new io.multiarch.result.Phase("push", 6.1, 6.6),
                new io.multiarch.result.Phase("test", 9.0, 16.0), publish));
        return new RunResult(r.runId(), r.image(), r.tags(), r.toolchain(), r.platforms(), r.publish(), 20.0, "", timeline);
    }
}
