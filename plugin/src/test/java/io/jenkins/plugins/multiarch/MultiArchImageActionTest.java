package io.jenkins.plugins.multiarch;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import io.multiarch.platform.Platform;
import io.multiarch.report.Formats;
import io.multiarch.report.HtmlReport;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.Status;
import io.multiarch.result.TestOutcome;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlTableRow;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The build page summary and the action's own page, with values a hostile build could produce. */
@WithJenkins
class MultiArchImageActionTest {
    private static final String DIGEST_AMD64 = "sha256:" + "1".repeat(64);
    private static final String DIGEST_ARM64 = "sha256:" + "2".repeat(64);
    private static final String INDEX = "sha256:" + "9".repeat(64);
    private static final String HOSTILE = "<script>alert('x')</script>";

    private static RunRecord record() {
        PlanSpec spec = new PlanSpec();
        spec.id = "20250101-000000-abcdef";
        spec.image = "ghcr.io/acme/app";
        spec.tags = new java.util.ArrayList<>(List.of("1.0", "latest"));
        spec.platforms = new java.util.ArrayList<>(List.of("linux/amd64", "linux/arm64", "linux/riscv64"));
        spec.optionalPlatforms = new java.util.ArrayList<>(List.of("linux/riscv64"));
        spec.nativeLabels.put("linux/amd64", "amd64");
        RunRecord record = new RunRecord(spec);
        record.put(PlatformRecord.of(new PlatformResult(Platform.AMD64, true, Status.PASSED, DIGEST_AMD64, false,
                "amd64-agent", 1, 0, 12.5, 0.75, 7_340_000, "", Optional.of(new TestOutcome("uname -m", 0, false, 0.4,
                "x86_64\n" + HOSTILE)), "")));
        record.put(PlatformRecord.of(new PlatformResult(Platform.ARM64, true, Status.PASSED, DIGEST_ARM64, true,
                "emulation-agent", 2, 0.1, 80.0, 0.5, 7_100_000, "", Optional.of(new TestOutcome("uname -m", 0, false, 1.2,
                "aarch64")), "")));
        record.put(PlatformRecord.of(new PlatformResult(Platform.RISCV64, false, Status.FAILED, "", true,
                "emulation-agent", 2, 0.1, 300.0, 0, 0, "", Optional.empty(), "the build failed: " + HOSTILE)));
        record.setPublish(PublishRecord.of(new PublishResult(true, INDEX, List.of("1.0", "latest"),
                List.of(Platform.AMD64, Platform.ARM64), 3.0, List.of(), "")));
        return record;
    }

    @Test
    void shouldShowTheUnifiedTagIndexAndPlatformsEscaped(JenkinsRule r) throws Exception {
        // Given
        FreeStyleProject project = r.createFreeStyleProject();
        FreeStyleBuild build = r.buildAndAssertSuccess(project);
        MultiArchImageAction action = MultiArchImageAction.of(build);
        action.add(record());
        build.save();
        JenkinsRule.WebClient web = r.createWebClient();

        // When
        HtmlPage summary = web.getPage(build);
        HtmlPage page = web.getPage(build, MultiArchImageAction.URL_NAME + "/");

        // Then
        assertThat(summary.asNormalizedText()).contains("ghcr.io/acme/app:1.0", "ghcr.io/acme/app@" + INDEX,
                "linux/amd64", "linux/arm64", "linux/riscv64");
        String text = page.asNormalizedText();
        assertThat(text).contains("ghcr.io/acme/app@" + DIGEST_AMD64, "ghcr.io/acme/app@" + DIGEST_ARM64,
                "amd64-agent", "emulated (QEMU)", "native", "7.0 MiB", "failed", "(optional)", HOSTILE,
                "6.4x"); // arm64's emulation factor: 80.0 s against amd64's 12.5 s
        assertThat(page.getElementById("platform-20250101-000000-abcdef-linux-arm64")).isNotNull();
        assertThat(page.getElementsByTagName("script").stream().map(e -> e.getTextContent()))
                .noneMatch(s -> s.contains("alert('x')"));
        assertThat(summary.getElementsByTagName("script").stream().map(e -> e.getTextContent()))
                .noneMatch(s -> s.contains("alert('x')"));
    }

    @Test
    void shouldWriteSizesDigestsAndDurationsAsTheEnginesReportsDo(JenkinsRule r) throws Exception {
        // Given: a known record, and the engine's report.html of the same results
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        RunRecord record = record();
        MultiArchImageAction.of(build).add(record);
        build.save();
        String report = new HtmlReport().render(new RunResult(record.getId(), record.getImage(), List.of("1.0"), "",
                record.getPlatforms().stream().map(PlatformRecord::toResult).toList(),
                new PublishResult(true, INDEX, List.of("1.0"), List.of(Platform.AMD64, Platform.ARM64), 3.0, List.of(), ""), 0));

        // When: arm64's row of the build page
        HtmlPage page = r.createWebClient().getPage(build, MultiArchImageAction.URL_NAME + "/");
        List<String> cells = ((HtmlTableRow) page.getElementById("platform-20250101-000000-abcdef-linux-arm64"))
                .getCells().stream().map(c -> c.asNormalizedText().trim()).toList();

        // Then: the engine's Formats, as in report.html: binary units, sha256: and twelve digits, one decimal
        assertThat(cells.get(4)).isEqualTo(Formats.seconds(0.1) + " s").isEqualTo("0.1 s");
        assertThat(cells.get(5)).startsWith(Formats.seconds(80.0) + " s");
        assertThat(cells.get(6)).isEqualTo(Formats.seconds(0.5) + " s");
        assertThat(cells.get(7)).endsWith(Formats.seconds(1.2) + " s");
        assertThat(cells.get(8)).isEqualTo(Formats.factor(6.4)).isEqualTo("6.4x");
        assertThat(cells.get(9)).isEqualTo(Formats.size(7_100_000)).isEqualTo("6.8 MiB");
        assertThat(cells.get(12)).isEqualTo(Formats.shortDigest(DIGEST_ARM64)).isEqualTo("sha256:222222222222");
        assertThat(report).contains(">" + cells.get(8) + "<", ">" + cells.get(9), ">" + cells.get(12) + "<",
                ">" + Formats.seconds(80.0) + "<");
        // what is unknown is "-" in both: riscv64's size, digest and emulation factor against no native build
        List<String> riscv = ((HtmlTableRow) page.getElementById("platform-20250101-000000-abcdef-linux-riscv64"))
                .getCells().stream().map(c -> c.asNormalizedText().trim()).toList();
        assertThat(List.of(riscv.get(9), riscv.get(10), riscv.get(11), riscv.get(12))).containsOnly("-");
    }

    @Test
    void shouldKeepTheRecordsAcrossARestartOfTheBuild(JenkinsRule r) throws Exception {
        // Given
        FreeStyleProject project = r.createFreeStyleProject();
        FreeStyleBuild build = r.buildAndAssertSuccess(project);
        MultiArchImageAction.of(build).add(record());
        build.save();

        // When
        build.reload();

        // Then
        RunRecord loaded = build.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(loaded.getIndexReference()).isEqualTo("ghcr.io/acme/app@" + INDEX);
        assertThat(loaded.getPlatforms()).extracting(PlatformRecord::getStatusLabel)
                .containsExactly("passed", "passed", "failed");
        assertThat(loaded.getPlatforms().get(0).toResult().test()).isPresent();
        assertThat(loaded.getPlatforms()).extracting(PlatformRecord::getPushSeconds).containsExactly(0.75, 0.5, 0.0);
        assertThat(loaded.getPlatforms()).extracting(loaded::emulationFactor).containsExactly("-", "6.4x", "-");
    }

    @Test
    void shouldKeepOnlyTheTailOfAHugeTestOutputInTheBuild(JenkinsRule r) throws Exception {
        // Given: a test that printed 8 MB, ending with the line that matters
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        String output = "x".repeat(8 * 1024 * 1024) + "\nFAILED: checksum mismatch\n";
        RunRecord record = record();
        record.put(PlatformRecord.of(new PlatformResult(Platform.RISCV64, false, Status.FAILED, "", true, "agent", 1, 0,
                1, 0, 0, "", Optional.of(new TestOutcome("selftest", 1, false, 2.0, output)), "the test failed")));
        MultiArchImageAction.of(build).add(record);

        // When
        build.save();
        build.reload();

        // Then: build.xml stays small, and the tail with the verdict is kept
        long size = new java.io.File(build.getRootDir(), "build.xml").length();
        assertThat(size).isLessThan(64 * 1024);
        String kept = build.getAction(MultiArchImageAction.class).getRuns().get(0).getPlatforms().get(2).getTestOutput();
        assertThat(kept).endsWith("FAILED: checksum mismatch\n").contains("left out here");
        assertThat(kept.length()).isLessThan(PlatformRecord.MAX_TEST_OUTPUT + 200);
    }

    @Test
    void shouldSaveWhileParallelStagesReport(JenkinsRule r) throws Exception {
        // Given: ten platforms report at once while the build is being saved, as parallel stages do
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        PlanSpec spec = new PlanSpec();
        spec.id = "20250101-000000-race00";
        spec.image = "registry.example/app";
        spec.tags = new java.util.ArrayList<>(List.of("1.0"));
        spec.platforms = new java.util.ArrayList<>(Platform.SUPPORTED.stream().map(Platform::toString).toList());
        RunRecord record = new RunRecord(spec);
        MultiArchImageAction action = MultiArchImageAction.of(build);
        action.add(record);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();

        // When
        for (Platform p : Platform.SUPPORTED) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    record.put(PlatformRecord.of(new PlatformResult(p, true, Status.PASSED, "sha256:" + "a".repeat(64),
                            false, "agent", 1, 0, i, 0, 0, "", Optional.empty(), "")));
                    action.save();
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get(); // a ConcurrentModificationException while writing would surface here
        }
        pool.shutdown();
        build.reload();

        // Then
        RunRecord loaded = build.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(loaded.getPlatforms()).hasSize(10).allMatch(PlatformRecord::isPassed);
        assertThat(loaded.getPlatforms()).extracting(PlatformRecord::getBuildSeconds).containsOnly(49.0);
    }

    @Test
    void shouldShowEachPlatformsSizeChangeBudgetVerdictAndBiggestLayersAfterAReload(JenkinsRule r) throws Exception {
        // Given: arm64 is over its 2 MB budget (failed), amd64 within it, riscv64 over a warn-only budget
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        RunRecord record = record();
        String longStep = "RUN " + "apk add ".repeat(100) + HOSTILE;
        List<io.multiarch.result.ImageSize.Layer> layers = List.of(
                new io.multiarch.result.ImageSize.Layer("sha256:" + "b".repeat(64), 1_900_000, longStep),
                new io.multiarch.result.ImageSize.Layer("sha256:" + "c".repeat(64), 600_000, "COPY app /app # buildkit"));
        record.put(PlatformRecord.of(withSize(Platform.AMD64, Status.PASSED,
                new io.multiarch.result.ImageSize(1_500_000, 1_400_000, "1.0", 2_000_000, false, List.of()))));
        record.put(PlatformRecord.of(withSize(Platform.ARM64, Status.FAILED,
                new io.multiarch.result.ImageSize(2_500_000, 2_000_000, "1.0", 2_000_000, false, layers))));
        record.put(PlatformRecord.of(withSize(Platform.RISCV64, Status.PASSED,
                new io.multiarch.result.ImageSize(2_100_000, -1, "1.0", 2_000_000, true, layers))));
        MultiArchImageAction.of(build).add(record);
        build.save();

        // When: the build is read back from build.xml, as after a restart
        build.reload();
        build.getAction(MultiArchImageAction.class).onLoad(build); // as loading the build does; reload() does not
        RunRecord loaded = build.getAction(MultiArchImageAction.class).getRuns().get(0);
        HtmlPage page = r.createWebClient().getPage(build, MultiArchImageAction.URL_NAME + "/");

        // Then: the sizes survive the XML, and the page says what each means
        assertThat(loaded.getPlatforms()).extracting(p -> p.getView().getSizeChangeText())
                .containsExactly("+97.7 KiB vs 1.0", "+488.3 KiB vs 1.0", "-");
        assertThat(loaded.getPlatforms()).extracting(p -> p.getView().getBudgetVerdict()).containsExactly(
                "within the budget of 1.9 MiB (488.3 KiB to spare)",
                "over the budget of 1.9 MiB by 488.3 KiB: failed",
                "over the budget of 1.9 MiB by 97.7 KiB: a warning only");
        assertThat(loaded.getPlatforms().get(1).toResult().size()).isEqualTo(new io.multiarch.result.ImageSize(2_500_000,
                2_000_000, "1.0", 2_000_000, false, List.of(new io.multiarch.result.ImageSize.Layer("sha256:" + "b".repeat(64),
                        1_900_000, longStep.substring(0, LayerRecord.MAX_CREATED_BY) + "…"), layers.get(1))));
        String text = page.asNormalizedText();
        assertThat(text).contains("+488.3 KiB vs 1.0", "over the budget of 1.9 MiB by 488.3 KiB: failed",
                "a warning only", "Biggest layers of linux/arm64", "1.8 MiB", "COPY app /app # buildkit", "bbbbbbbbbbbb");
        assertThat(page.getElementById("layers-20250101-000000-abcdef-linux-arm64").hasAttribute("open")).isTrue();
        assertThat(page.getElementById("layers-20250101-000000-abcdef-linux-riscv64").hasAttribute("open")).isTrue();
        assertThat(page.getElementsByTagName("script").stream().map(e -> e.getTextContent()))
                .noneMatch(s -> s.contains("alert('x')"));
        // kept small: three long steps cut, not the whole history
        assertThat(new java.io.File(build.getRootDir(), "build.xml").length()).isLessThan(32 * 1024);
    }

    @Test
    void shouldDrawTheTimelineOfEveryPlatformAndThePublishAndTheSizeChartWithTheEnginesCharts(JenkinsRule r) throws Exception {
        // Given: amd64 and arm64 phases on the plan's clock, and the publish after them
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        RunRecord record = record();
        record.getSpec().startMillis = 1_000_000;
        record.put(PlatformRecord.of(withSize(Platform.AMD64, Status.PASSED,
                new io.multiarch.result.ImageSize(1_500_000, 1_400_000, "1.0", 2_000_000, false, List.of())),
                List.of(new io.multiarch.result.Phase("binfmt", 2.0, 2.1), new io.multiarch.result.Phase("build", 2.1, 9.0),
                        new io.multiarch.result.Phase("push", 9.0, 9.5), new io.multiarch.result.Phase("test", 9.5, 10.0))));
        record.put(PlatformRecord.of(withSize(Platform.ARM64, Status.PASSED,
                new io.multiarch.result.ImageSize(1_600_000, -1, "1.0", 0, false, List.of())),
                List.of(new io.multiarch.result.Phase("build", 3.0, 30.0), new io.multiarch.result.Phase("test", 30.0, 33.0))));
        record.setPublish(PublishRecord.of(new PublishResult(true, INDEX, List.of("1.0", "latest"),
                List.of(Platform.AMD64, Platform.ARM64), 3.0, List.of(), "")).withPhase(1_000_000, 1_035_000, 1_037_500));
        MultiArchImageAction.of(build).add(record);
        build.save();
        build.reload();
        build.getAction(MultiArchImageAction.class).onLoad(build);

        // When
        HtmlPage page = r.createWebClient().getPage(build, MultiArchImageAction.URL_NAME + "/");

        // Then: one bar per phase (their tooltips say when), the publish on its own row; riscv64 has no phase
        List<String> bars = page.getByXPath("//div[@class='multiarch-timeline']//*[local-name()='rect']/*[local-name()='title']")
                .stream().map(e -> ((org.htmlunit.html.DomNode) e).getTextContent()).toList();
        assertThat(bars).containsExactly(
                "linux/amd64 binfmt: 2 s to 2.1 s (0.1 s)", "linux/amd64 build: 2.1 s to 9 s (6.9 s)",
                "linux/amd64 push: 9 s to 9.5 s (0.5 s)", "linux/amd64 test: 9.5 s to 10 s (0.5 s)",
                "linux/arm64 build: 3 s to 30 s (27 s)", "linux/arm64 test: 30 s to 33 s (3 s)",
                "publish: 35 s to 37.5 s (2.5 s)");
        assertThat(page.asNormalizedText()).contains("Timeline", "Image size");
        assertThat(page.getByXPath("//div[@class='multiarch-sizes']//*[local-name()='svg']")).hasSize(1);
        assertThat(page.getElementsByTagName("script").stream().map(e -> e.getTextContent()))
                .noneMatch(s -> s.contains("alert('x')"));
    }

    private static PlatformResult withSize(Platform p, Status status, io.multiarch.result.ImageSize size) {
        return new PlatformResult(p, true, status, "sha256:" + "d".repeat(64), false, "agent", 1, 0, 1, 1, size, "",
                Optional.empty(), "");
    }

    @Test
    void shouldNameEachTagAndWhatItServesWhenAFailedPublishLeftOneMoved(JenkinsRule r) throws Exception {
        // Given: the publish failed on the second tag and could not move the first one back
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        RunRecord record = record();
        String old = "sha256:" + "0".repeat(64);
        record.setPublish(PublishRecord.of(new PublishResult(false, "", List.of("1.0", "latest"),
                List.of(), 2.0, List.of(), "the registry refused latest; 1.0 could not be moved back",
                List.of(new io.multiarch.result.TagState("1.0", old, INDEX, "could not be moved back: 500", true),
                        new io.multiarch.result.TagState("latest", old, old, "", false)))));
        MultiArchImageAction.of(build).add(record);
        build.save();

        // When
        String text = r.createWebClient().getPage(build, MultiArchImageAction.URL_NAME + "/").asNormalizedText();

        // Then
        assertThat(record.getPublish().isTagsLeftChanged()).isTrue();
        assertThat(text).contains("the registry refused latest", "ghcr.io/acme/app:1.0", "ghcr.io/acme/app:latest",
                INDEX, old, "could not be moved back: 500");
    }
}
