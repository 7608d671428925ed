package io.multiarch.buildx;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BuildProgressTest {

    private static BuildProgress feed(String text) {
        BuildProgress progress = new BuildProgress();
        text.lines().forEach(l -> progress.line(l, true));
        return progress;
    }

    @Test
    void shouldAddTheExportersPushAndTheDockerDriversPushStep() {
        // #9 "pushing layers 0.0s done" inside the export, then step #11 "pushing … with docker", DONE 0.1s
        BuildProgress progress = feed(Captured.text("buildx-progress-cached.txt"));

        assertThat(progress.pushSeconds()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void shouldReadTheBuilderTheBuildRanOn() {
        assertThat(feed(Captured.text("buildx-progress-batch.txt")).builder())
                .hasValue(new BuildProgress.BuilderUsed("default", "docker"));
        assertThat(feed("#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n").builder()).isEmpty();
        assertThat(feed("#0 building with \"ci builder\" instance using docker-container driver\n").builder())
                .hasValue(new BuildProgress.BuilderUsed("ci builder", "docker-container"));
    }

    @Test
    void shouldSayOnceWhichDigestTheExporterPushedAsTheLineArrives() {
        java.util.List<String> pushed = new java.util.ArrayList<>();
        BuildProgress progress = new BuildProgress().whenPushed(pushed::add);

        // a captured batch build: its index's push is reported once, before the cache export and the docker push
        Captured.text("buildx-progress-batch.txt").lines().forEach(l -> {
            progress.line(l, true);
            if (l.startsWith("#15 pushing ")) {
                assertThat(pushed).hasSize(1); // already known when the docker driver's push starts
            }
        });
        // the same line again, a push not yet done, and a manifest pushed by name only: nothing more
        progress.line("#13 pushing manifest for 127.0.0.1:5000/exp/ov:tmp-batch@sha256:81c9efd9bce9f191d4c5f851ae8fb990198140e14c74c3a722fd61282d7b2a7e 0.0s done", true);
        progress.line("#13 pushing manifest for 127.0.0.1:5000/exp/ov@sha256:" + "1".repeat(64), true);
        progress.line("#13 pushing manifest for 127.0.0.1:5000/exp/ov:tmp 0.1s done", true);

        assertThat(pushed).containsExactly("sha256:81c9efd9bce9f191d4c5f851ae8fb990198140e14c74c3a722fd61282d7b2a7e");
        // and by digest alone (a builder that pushes by digest), with or without its time
        progress.line("#9 pushing manifest for 127.0.0.1:5000/exp/ov@sha256:" + "2".repeat(64) + " done", true);
        assertThat(pushed).last().isEqualTo("sha256:" + "2".repeat(64));
    }

    @Test
    void shouldListTheImageManifestsTheExporterWroteBeforeItsPush() {
        BuildProgress progress = new BuildProgress();
        java.util.List<java.util.List<String>> whenPushed = new java.util.ArrayList<>();
        progress.whenPushed(d -> whenPushed.add(progress.exportedManifests()));

        // a captured batch build of two platforms: an image manifest each, then the index
        feedInto(progress, Captured.text("buildx-progress-batch.txt"));
        // an attestation manifest, a line not yet done, and one with its time are told apart
        progress.line("#13 exporting attestation manifest sha256:" + "a".repeat(64) + " done", true);
        progress.line("#13 exporting manifest sha256:" + "b".repeat(64), true);
        progress.line("#13 exporting manifest sha256:" + "c".repeat(64) + " 0.0s done", true);

        assertThat(whenPushed).singleElement().isEqualTo(java.util.List.of(
                "sha256:3a6a79714810fe8ba7c70e2548081b3daae3b3cb43136c3ac80ba709c514265f",
                "sha256:534b57ca3f9e23c8f5340a0914a7dc481c689d77f66781b3594b37bdca7a62ef"));
        assertThat(progress.exportedManifests()).hasSize(3).last().isEqualTo("sha256:" + "c".repeat(64));
    }

    private static void feedInto(BuildProgress progress, String text) {
        text.lines().forEach(l -> progress.line(l, true));
    }

    @Test
    void shouldNotNamePlatformsInASinglePlatformBuild() {
        BuildProgress progress = feed(Captured.text("buildx-progress-cached.txt"));

        assertThat(progress.platformSeconds(Platform.ARM64)).isEmpty();
    }

    @Test
    void shouldGiveEachPlatformOfABatchTheTimeOfItsOwnSteps() {
        BuildProgress progress = feed(Captured.text("buildx-progress-batch.txt"));

        // arm64: metadata 0.0 + FROM 0.1 + COPY cached + RUN 0.9 (announced twice, "#11 ..." in between)
        assertThat(progress.platformSeconds(Platform.ARM64)).hasValueSatisfying(s -> assertThat(s).isCloseTo(1.0, within(1e-9)));
        assertThat(progress.platformSeconds(Platform.AMD64)).hasValueSatisfying(s -> assertThat(s).isCloseTo(0.6, within(1e-9)));
        assertThat(progress.platformSeconds(Platform.RISCV64)).isEmpty();
        // pushing layers 0.1 + pushing manifest 0.0 in the export, then the docker driver's push step 0.1
        assertThat(progress.pushSeconds()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void shouldNotCountTheCacheExportOrUnpackingAsPush() {
        BuildProgress progress = feed("""
                #13 exporting to image
                #13 unpacking to 127.0.0.1:5000/x:tmp 2.0s done
                #13 DONE 2.0s
                #14 exporting cache to registry
                #14 writing layer sha256:2460 3.0s done
                #14 DONE 3.0s
                """);

        assertThat(progress.pushSeconds()).isZero();
    }

    @Test
    void shouldCountAPushSubtaskOnceEvenWhenItsStepIsAPushStep() {
        // a step named "pushing …" is counted by its DONE time, not again by its sub-tasks
        BuildProgress progress = feed("""
                #15 pushing 127.0.0.1:5000/x:tmp with docker
                #15 pushing layer ad3bd683afde 0.4s done
                #15 DONE 0.5s
                """);

        assertThat(progress.pushSeconds()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void shouldIgnoreOutputItDoesNotKnow() {
        BuildProgress progress = feed("""
                ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2
                #7 [linux/arm64 2/2] RUN make
                #7 0.312 make: *** No rule to make target 'all'.  Stop.
                #7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2
                ------
                """);

        assertThat(progress.pushSeconds()).isZero();
        assertThat(progress.platformSeconds(Platform.ARM64)).hasValue(0.0);
    }

    @Test
    void shouldTellAFailureOfTheDockerDriversPushFromAFailedBuild() {
        BuildProgress pushFailed = feed(Captured.text("buildx-progress-push-500.txt"));
        BuildProgress runFailed = feed("""
                #7 [linux/s390x 2/2] RUN make
                #7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2
                #9 pushing 127.0.0.1:5000/x:tmp with docker
                #9 ERROR: unexpected status from HEAD request: 500 Internal Server Error
                """);

        assertThat(pushFailed.failedSteps()).containsExactly("pushing 127.0.0.1:5000/bench/overhead10:oneliner with docker");
        assertThat(pushFailed.failedOnlyWhilePushing()).isTrue();
        assertThat(runFailed.failedOnlyWhilePushing()).isFalse();
        assertThat(feed(Captured.text("buildx-progress-batch.txt")).failedOnlyWhilePushing()).isFalse();
    }

    @Test
    void shouldTellAFailedPushOfABatchWhoseCacheRefsDoNotExistYet() {
        // Given a batch's real progress: its per-platform cache refs do not exist (a batch exports to its set's ref
        // only), so BuildKit marks each import ERROR; then the docker driver's push got the registry's 500
        BuildProgress progress = feed(Captured.text("buildx-progress-push-500-missing-caches.txt"));

        // Then the push alone failed: the batch is pushed again, not built platform by platform (before, the failed
        // imports made it look like a failed build, and ten platforms were built again one by one)
        assertThat(progress.failedSteps()).hasSize(11).last().asString().startsWith("pushing 127.0.0.1:5000/bench/overhead10:");
        assertThat(progress.failedOnlyWhilePushing()).isTrue();
    }
}
