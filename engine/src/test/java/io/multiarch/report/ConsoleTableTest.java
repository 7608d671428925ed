package io.multiarch.report;

import io.multiarch.platform.Platform;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTableTest {

    private final ConsoleTable table = new ConsoleTable();

    @Test
    void shouldShowOneRowPerPlatformWithItsFacts() {
        // When
        List<String> lines = table.render(SampleRuns.withheld()).lines().toList();

        // Then
        assertThat(row(lines, "linux/amd64"))
                .contains("passed", "required", "native", "42.3", "12.3 MiB", "sha256:a1b2c3d4e5f6")
                .doesNotContain(SampleRuns.AMD64_DIGEST);
        assertThat(row(lines, "linux/arm64"))
                .contains("passed", "optional", "emulated", "180.0", "3.3", "11.0 MiB", "sha256:0f1e2d3c4b5a");
        assertThat(row(lines, "linux/arm/v7"))
                .contains("failed", "required", "emulated", "240.5", "7.5", "the test exited 1 under QEMU");
    }

    @Test
    void shouldKeepColumnsAtTheSameOffsetInEveryRow() {
        // When
        List<String> lines = table.render(SampleRuns.withheld()).lines().toList();
        String header = lines.get(1);

        // Then: each column starts where its header does, however long the values are
        for (String platform : List.of("linux/amd64", "linux/arm64", "linux/arm/v7")) {
            String row = row(lines, platform);
            assertThat(row.indexOf("required") >= 0 ? row.indexOf("required") : row.indexOf("optional"))
                    .isEqualTo(header.indexOf("REQUIRED"));
            assertThat(row.indexOf("sha256:")).isEqualTo(header.indexOf("DIGEST"));
            assertThat(row.length()).isLessThanOrEqualTo(header.indexOf("MESSAGE") + ConsoleTable.MESSAGE_WIDTH);
        }
        assertThat(header).startsWith("PLATFORM").contains("STATUS", "BINFMT s", "BUILD s", "PUSH s", "TEST s", "SIZE", "EXIT", "MESSAGE");
    }

    @Test
    void shouldShowTheTestExitCodeOrADashWhenNoTestRan() {
        List<String> lines = table.render(SampleRuns.withheld()).lines().toList();
        // the column is right-aligned: its values end where its title does
        int end = lines.get(1).indexOf("EXIT") + "EXIT".length();

        assertThat(row(lines, "linux/amd64").substring(end - 7, end)).isEqualTo("      -");
        assertThat(row(lines, "linux/arm64").substring(end - 7, end)).isEqualTo("      0");
        assertThat(row(lines, "linux/arm/v7").substring(end - 7, end)).isEqualTo("      1");
    }

    @Test
    void shouldStateWhyThePublishWasWithheldAndWhatWasLeftBehind() {
        String out = table.render(SampleRuns.withheld());

        assertThat(out).contains("not published (1.2.3, latest): " + SampleRuns.WITHHELD);
        assertThat(out).contains("left in the registry: " + SampleRuns.LEFTOVER);
    }

    @Test
    void shouldShowTheIndexDigestAndTagsWhenPublished() {
        String out = table.render(SampleRuns.published());

        assertThat(out).contains("published " + SampleRuns.INDEX_DIGEST + " as 1.2.3, latest (publish 2.0 s)");
        assertThat(out).doesNotContain("not published", "left in the registry");
    }

    @Test
    void shouldCutLongMessagesAndDropControlCharacters() {
        // Given a skipped platform whose message is long and carries an escape sequence and line breaks
        String longMessage = "not started:\n fail-fast stopped the run \u001b[31mafter linux/arm/v7 failed\u001b[0m, "
                + "x".repeat(200);
        RunResult run = new RunResult("r1", "app", List.of("1"), "docker",
                List.of(PlatformResult.skipped(Platform.S390X, false, true, longMessage)),
                PublishResult.withheld(List.of("1"), List.of(), "nothing passed"), 1);

        // When
        String out = table.render(run);

        // Then
        String row = row(out.lines().toList(), "linux/s390x");
        assertThat(row).contains("skipped", "not started: fail-fast stopped the run").endsWith("…");
        assertThat(row.substring(row.indexOf("not started"))).hasSize(ConsoleTable.MESSAGE_WIDTH);
        assertThat(out).doesNotContain("\u001b", "\r").doesNotContain("xxxxxxxxxx\n");
    }

    private static String row(List<String> lines, String platform) {
        return lines.stream().filter(l -> l.startsWith(platform + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + platform + " in\n" + String.join("\n", lines)));
    }

    @Test
    void shouldListWhereEveryTagIsAfterAPublishThatFailedPartWay() {
        String out = new ConsoleTable().render(SampleRuns.failedPartWay());

        assertThat(out).contains("not published (1.2.3, latest): publish failed: interrupted while moving the tags\n"
                + "  tag 1.2.3: (absent) -> " + SampleRuns.INDEX_DIGEST + " (created by this publish)\n"
                + "  tag latest: sha256:0123456789ab");
        assertThat(out).contains("(restored after the failed publish)");
    }

    @Test
    void shouldShowTheSizeChangeTheBudgetsAndTheBiggestLayers() {
        String out = table.render(SampleRuns.sized());

        assertThat(out.lines().filter(l -> l.startsWith("linux/amd64 "))).singleElement().asString()
                .contains("  3.0 MiB    +1.0 KiB  ");
        assertThat(out.lines().filter(l -> l.startsWith("linux/arm64 "))).singleElement().asString()
                .containsPattern("4\\.8 MiB +- {2}");
        assertThat(out).contains("size change: against the image of the same platform in the index '1.2.3' served before this run")
                .contains("size budget linux/amd64: 3.0 MiB of 3.8 MiB, within\n")
                .contains("size budget linux/arm64: 4.8 MiB of 3.8 MiB, OVER: failed\n")
                .contains("size budget linux/riscv64: 3.9 MiB of 3.8 MiB, OVER (a warning only)\n")
                .contains("biggest layers linux/amd64: 2.9 MiB COPY rootfs/linux/amd64/ / # buildkit; 142.6 KiB RUN echo")
                .contains("; 752 B sha256:333333333333\n")
                .doesNotContain("biggest layers linux/riscv64");
    }

    @Test
    void shouldShowEachVariantsTableThenWhatEachPublished() {
        String out = table.render(SampleRuns.matrix());

        assertThat(out).contains("== variant debian (tags 1.2.3, latest)\n").contains("== variant alpine (tags ")
                .contains("variants:\n  debian: not published: withheld: required platform linux/arm/v7 failed its test (exit 1)\n")
                .contains("  alpine: published sha256:feedfacecafe as 1.2.3, latest\n");
    }
}
