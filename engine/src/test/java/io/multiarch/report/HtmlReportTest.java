package io.multiarch.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {

    @TempDir
    Path dir;

    private String writeWithheld() throws IOException {
        Path file = new HtmlReport().write(SampleRuns.withheld(), dir);
        assertThat(file).isEqualTo(dir.resolve("report.html"));
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void shouldEscapeHostileTestOutput() throws IOException {
        // When
        String html = writeWithheld();

        // Then: the script in the test output is text, not markup
        assertThat(html).doesNotContainIgnoringCase("<script");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("end of CDATA ]]&gt; &amp; &quot;double&quot; &#39;single&#39;");
        assertThat(html).contains("FAIL: expected &#39;armv7l&#39; got &quot;aarch64&quot;");
    }

    @Test
    void shouldEscapeQuotesInDigestsAndMessages() throws IOException {
        String html = writeWithheld();

        assertThat(html).contains("title=\"sha256:&quot;quoted&quot;&lt;digest&gt;\"");
        assertThat(html).contains("the test exited 1 under QEMU; see &quot;output&quot; &lt;below&gt; &amp; &#39;retry&#39;");
        assertThat(html).doesNotContain("\"quoted\"", "<digest>", "<below>");
    }

    @Test
    void shouldDropControlCharactersFromTheOutput() throws IOException {
        String html = writeWithheld();

        assertThat(html).doesNotContain("\u0000", "\u0007", "\u001b", "\u000b", "[31m");
        assertThat(html).contains("NUL: BEL: ESC:red VT:");
    }

    @Test
    void shouldBeSelfContained() throws IOException {
        String html = writeWithheld();

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").contains("<meta charset=\"utf-8\">");
        assertThat(html).doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<img")
                .doesNotContainIgnoringCase("src=")
                .doesNotContainIgnoringCase("url(")
                .doesNotContain("http://", "https://");
    }

    @Test
    void shouldSummariseTheRunAndTheWithheldPublish() throws IOException {
        String html = writeWithheld();

        assertThat(html).contains("<dt>Image</dt><dd><code>registry.example.com/team/app</code></dd>");
        assertThat(html).contains("<dt>Tags</dt><dd><code>1.2.3</code>, <code>latest</code></dd>");
        assertThat(html).contains("<dt>Published</dt><dd><span class=\"failed\">no</span></dd>");
        assertThat(html).contains("<dt>Index digest</dt><dd>-</dd>");
        assertThat(html).contains("Not published: " + SampleRuns.WITHHELD).doesNotContain("Not published. ");
        assertThat(html).contains("<li><code>" + SampleRuns.LEFTOVER + "</code></li>");
    }

    @Test
    void shouldShowOneRowPerPlatformAndTheOutputOfEachTest() throws IOException {
        String html = writeWithheld();

        assertThat(html).contains("<td><code>linux/amd64</code></td><td><span class=\"passed\">passed</span></td>"
                + "<td>required</td><td>native</td><td class=\"num\">0.0</td><td class=\"num\">42.3</td><td class=\"num\">0.5</td>"
                + "<td class=\"num\">-</td><td class=\"num\">-</td>"
                + "<td class=\"num\">12.3 MiB</td>");
        assertThat(html).contains("<td><code>linux/arm/v7</code></td><td><span class=\"failed\">failed</span></td>");
        // two platforms ran a test: each has its output, and the failed one is open
        assertThat(html.split("<details", -1)).hasSize(3);
        assertThat(html).contains("<details><summary>Test output of <code>linux/arm64</code>: <code>uname -m</code>"
                + "</summary><pre>aarch64\n</pre></details>");
        assertThat(html).contains("<details open><summary>Test output of <code>linux/arm/v7</code>");
    }

    @Test
    void shouldShowTheIndexDigestWhenPublished() throws IOException {
        String html = new HtmlReport().render(SampleRuns.published());

        assertThat(html).contains("<dt>Published</dt><dd><span class=\"passed\">yes</span></dd>");
        assertThat(html).contains("<dt>Index digest</dt><dd><code>" + SampleRuns.INDEX_DIGEST + "</code></dd>");
        assertThat(html).contains("<dt>Publish</dt><dd>2.0 s</dd>");
        assertThat(html).doesNotContain("left in the registry");
    }

    @Test
    void shouldShowEveryPhaseAndTheEmulationFactorOfAnEmulatedPlatform() throws IOException {
        String html = writeWithheld();

        // arm64: binfmt 1.5 s, build 180 s, push 1.25 s, test 3.25 s; 180 / 42.25 (amd64, native) = 4.3x
        assertThat(html).contains("<td>emulated</td><td class=\"num\">1.5</td><td class=\"num\">180.0</td>"
                + "<td class=\"num\">1.3</td><td class=\"num\">3.3</td><td class=\"num\">4.3x</td>");
        assertThat(html).contains("<th>Binfmt s</th><th>Build s</th><th>Push s</th><th>Test s</th><th>Emulation factor</th>");
    }

    @Test
    void shouldLetTheTableFitTheWindowByWrappingLongCellsInsteadOfCuttingTheMessageColumn() throws IOException {
        // before: the table took the width of its longest unbreakable value (a digest, a message without spaces)
        String html = writeWithheld();

        assertThat(html).contains("table{border-collapse:collapse;width:100%}")
                .contains("td{white-space:nowrap}td.msg,td.digest{white-space:normal;overflow-wrap:anywhere}")
                .contains("<td class=\"msg\">" + Text.html(SampleRuns.FAILED_MESSAGE) + "</td>");
    }

    @Test
    void shouldShowAnInterruptedRunAndWhereEveryTagIsAfterAFailedPublish() throws IOException {
        SampleRuns.published();
        io.multiarch.result.RunResult run = SampleRuns.failedPartWay();

        String html = new HtmlReport().render(run);

        assertThat(html).contains("<dt>Interrupted</dt><dd><span class=\"failed\">by SIGTERM</span></dd>");
        assertThat(html).contains("<td><code>1.2.3</code></td><td>(absent)</td><td><code>" + SampleRuns.INDEX_DIGEST
                + "</code></td><td class=\"msg\"><span class=\"failed\">not restored</span> created by this publish</td>");
    }

    @Test
    void shouldShowEverySizeWithItsChangeBudgetAndBiggestLayersEscaped() throws IOException {
        String html = Files.readString(new HtmlReport().write(SampleRuns.sized(), dir), StandardCharsets.UTF_8);

        assertThat(html).contains("<h2 id=\"sizes\">Image size</h2>")
                .contains("against the image of the same platform in the index <code>1.2.3</code>")
                .contains("<td class=\"num\">+1.0 KiB</td>")
                .contains("3.8 MiB, within")
                .contains("<span class=\"failed\">over: failed</span>")
                .contains("<span class=\"skipped\">over (a warning only)</span>")
                .contains("<td class=\"num\">-97.7 KiB</td>")
                .contains("<td class=\"num\">3.0 MiB<br>+1.0 KiB</td>")
                .contains("<td class=\"num\">4.8 MiB<br><span class=\"failed\">over budget</span></td>")
                .contains("2.9 MiB <code title=\"sha256:" + "1".repeat(64) + "\">COPY rootfs/linux/amd64/ / # buildkit</code>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>")
                .contains("752 B <code>sha256:333333333333</code>");
    }

    @Test
    void shouldShowAMatrixWithASummaryAndASectionPerVariant() throws IOException {
        String html = Files.readString(new HtmlReport().write(SampleRuns.matrix(), dir), StandardCharsets.UTF_8);

        assertThat(html).contains(", 2 variants</h1>")
                .contains("<a href=\"#variant-debian\"><code>debian</code></a>")
                .contains("<h2 id=\"variant-debian\">Variant <code>debian</code></h2>")
                .contains("<h2 id=\"variant-alpine\">Variant <code>alpine</code></h2>")
                .contains("<h3>Platforms</h3>")
                .doesNotContain("<script>");
        assertThat(html.indexOf("variant-debian\">Variant")).isLessThan(html.indexOf("variant-alpine\">Variant"));
    }

    @Test
    void shouldDrawTheTimelineAndTheSizeChartAsInlineSvgWithTheirNumbersWritten() throws IOException {
        String html = Files.readString(new HtmlReport().write(SampleRuns.timed(), dir), StandardCharsets.UTF_8);

        // the timeline: one row per platform that recorded phases, then the publish; names and seconds on the bars
        int timeline = html.indexOf("<h2 id=\"timeline\">Timeline</h2>");
        assertThat(timeline).isPositive();
        String svg = html.substring(timeline, html.indexOf("</figure>", timeline));
        assertThat(svg).contains("<svg role=\"img\"").contains(">linux/amd64</text>").contains(">linux/arm64</text>")
                .contains(">publish</text>").contains(">build 6 s</text>").contains(">test 7 s</text>")
                .contains("<title>linux/arm64 test: 9 s to 16 s (7 s)</title>")
                .contains("url(#hatch)")
                .doesNotContain(">linux/riscv64</text>"); // no phases recorded for it
        // the size chart: a bar per platform, the numbers written beside it, over budget hatched
        int sizes = html.indexOf("<h2 id=\"sizes\">Image size</h2>");
        String chart = html.substring(sizes, html.indexOf("</figure>", sizes));
        assertThat(chart).contains(">3.0 MiB (+1.0 KiB), budget 3.8 MiB</text>")
                .contains(">4.8 MiB, OVER the budget of 3.8 MiB</text>")
                .contains("fill=\"url(#over)\"")
                .contains("<title>before: 3.0 MiB</title>");
        // still nothing that runs or loads
        assertThat(html).doesNotContain("<script").doesNotContain("href=\"http").doesNotContain("xlink:href");
    }

    @Test
    void shouldKeepTheChartIdsOfEachVariantApart() throws IOException {
        io.multiarch.result.MatrixResult m = new io.multiarch.result.MatrixResult(List.of(
                new io.multiarch.result.VariantResult("debian", "-debian", SampleRuns.timed()),
                new io.multiarch.result.VariantResult("alpine", "-alpine", SampleRuns.timed())), false, 40, "");

        String html = new HtmlReport().render(m);

        assertThat(html).contains("id=\"hatch-debian\"", "id=\"hatch-alpine\"", "url(#over-alpine)", "id=\"timeline-debian\"");
    }
}
