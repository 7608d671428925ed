package io.multiarch.report;

import io.multiarch.result.ImageSize;
import io.multiarch.result.MatrixResult;
import io.multiarch.result.VariantResult;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.TestOutcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS, no scripts, nothing fetched) with the run's
 * summary, the per-platform table with each test's output, and the publish. Every value from the run is escaped,
 * since test output, messages and even tags come from outside and the page is opened from a CI server.
 */
public final class HtmlReport {
    /** The file name within the report directory. */
    public static final String FILE_NAME = "report.html";

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}h3{font-size:1em;margin-top:1.2em}
            section.variant{border-top:2px solid #888;margin-top:2em}
            table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
            td{white-space:nowrap}td.msg,td.digest{white-space:normal;overflow-wrap:anywhere}
            td.msg{min-width:9em;width:100%}
            th{background:#f3f3f3}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
            pre{background:#f7f7f7;padding:.6em;max-height:30em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
            dd{overflow-wrap:anywhere}
            .passed{color:#1a7f37;font-weight:bold}.failed{color:#cf222e;font-weight:bold}
            .skipped{color:#8c6d00;font-weight:bold}
            ol.layers{margin:0;padding-left:1.4em}
            figure.chart{margin:.5em 0}figcaption{font-size:.85em;color:#333;max-width:70em}
            dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}
            """;

    private static final int COLUMNS = 13;

    /** Writes {@value #FILE_NAME} into {@code dir} (created if needed) and returns its path. */
    public Path write(RunResult run, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        Files.writeString(file, render(run), StandardCharsets.UTF_8);
        return file;
    }

    /** The whole page. */
    public String render(RunResult run) {
        StringBuilder sb = new StringBuilder(4096);
        head(sb, run.image());
        sb.append("<h1>Multi-architecture build of <code>").append(Text.html(run.image())).append("</code></h1>\n");
        body(sb, run, "h2", "");
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** Writes a matrix build's {@value #FILE_NAME}: a summary of the variants, then a section per variant. */
    public Path write(MatrixResult matrix, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        Files.writeString(file, render(matrix), StandardCharsets.UTF_8);
        return file;
    }

    /** The page of a matrix build: which variant published what, then each variant as a run's page shows it. */
    public String render(MatrixResult matrix) {
        StringBuilder sb = new StringBuilder(8192);
        String image = matrix.variants().isEmpty() ? "" : matrix.variants().get(0).run().image();
        head(sb, image);
        sb.append("<h1>Multi-architecture build of <code>").append(Text.html(image)).append("</code>, ")
                .append(matrix.variants().size()).append(" variants</h1>\n<dl>\n");
        item(sb, "Published", matrix.published() ? "<span class=\"passed\">every variant</span>"
                : "<span class=\"failed\">not every variant</span>");
        item(sb, "All or nothing", matrix.allOrNothing() ? "yes: no variant is published unless every one passed"
                : "no: each variant is published when its own platforms passed");
        if (!Text.orEmpty(matrix.interrupted()).isEmpty()) {
            item(sb, "Interrupted", "<span class=\"failed\">by " + Text.html(matrix.interrupted()) + "</span>");
        }
        item(sb, "Total", Formats.seconds(matrix.totalSeconds()) + " s");
        sb.append("</dl>\n<table>\n<thead><tr><th>Variant</th><th>Tags</th><th>Platforms</th><th>Published</th>")
                .append("<th>Message</th></tr></thead>\n<tbody>\n");
        for (VariantResult v : matrix.variants()) {
            RunResult run = v.run();
            sb.append("<tr>");
            cell(sb, "", "<a href=\"#variant-" + Text.html(v.name()) + "\"><code>" + Text.html(v.name()) + "</code></a>");
            cell(sb, "", String.join(", ", run.tags().stream().map(t -> "<code>" + Text.html(t) + "</code>").toList()));
            cell(sb, "msg", String.join(", ", run.platforms().stream().map(p -> "<code>" + Text.html(p.platform().toString())
                    + "</code> <span class=\"" + p.status().label() + "\">" + p.status().label() + "</span>").toList()));
            cell(sb, "", run.published() ? "<span class=\"passed\">yes</span>" : "<span class=\"failed\">no</span>");
            cell(sb, "msg", Text.html(run.publish().message()));
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
        for (VariantResult v : matrix.variants()) {
            sb.append("<section class=\"variant\">\n<h2 id=\"variant-").append(Text.html(v.name())).append("\">Variant <code>")
                    .append(Text.html(v.name())).append("</code></h2>\n");
            body(sb, v.run(), "h3", "-" + v.name());
            sb.append("</section>\n");
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void head(StringBuilder sb, String image) {
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                // the page must never load or run anything, even if an escape were missed
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<title>multiarch report: ").append(Text.html(image)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    }

    /** A run's summary, platforms, sizes and publish, under headings {@code h}; {@code id} keeps anchors apart. */
    private static void body(StringBuilder sb, RunResult run, String h, String id) {
        PublishResult publish = run.publish();
        sb.append("<dl>\n");
        item(sb, "Image", "<code>" + Text.html(run.image()) + "</code>");
        item(sb, "Tags", run.tags().isEmpty() ? "none"
                : String.join(", ", run.tags().stream().map(t -> "<code>" + Text.html(t) + "</code>").toList()));
        item(sb, "Published", publish.published()
                ? "<span class=\"passed\">yes</span>" : "<span class=\"failed\">no</span>");
        if (!Text.orEmpty(run.interrupted()).isEmpty()) {
            item(sb, "Interrupted", "<span class=\"failed\">by " + Text.html(run.interrupted()) + "</span>");
        }
        item(sb, "Index digest", publish.published() && !Text.orEmpty(publish.indexDigest()).isEmpty()
                ? "<code>" + Text.html(publish.indexDigest()) + "</code>" : "-");
        item(sb, "Run", Text.html(run.runId()));
        item(sb, "Toolchain", Text.html(run.toolchain()));
        item(sb, "Total", Formats.seconds(run.totalSeconds()) + " s");
        item(sb, "Publish", Formats.seconds(publish.seconds()) + " s");
        sb.append("</dl>\n");

        sb.append("<" + h + ">Platforms</" + h + ">\n<table>\n<thead><tr>");
        for (String title : new String[] {"Platform", "Status", "Required", "Mode", "Binfmt s", "Build s", "Push s", "Test s",
                "Emulation factor", "Size",
                "Digest", "Exit", "Message"}) {
            sb.append("<th>").append(title).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        run.platforms().forEach(p -> platform(sb, run, p));
        sb.append("</tbody>\n</table>\n");
        String timeline = Charts.timeline(run, id);
        if (!timeline.isEmpty()) {
            sb.append("<" + h + " id=\"timeline").append(Text.html(id)).append("\">Timeline</" + h + ">\n").append(timeline);
        }

        sizes(sb, run, h, id);

        sb.append("<" + h + ">Publish</" + h + ">\n<p>");
        String message = Text.orEmpty(publish.message());
        sb.append(publish.published() ? "Published" : "Not published").append(message.isBlank() ? "." : ": ");
        sb.append(Text.html(message)).append("</p>\n");
        if (!publish.tagStates().isEmpty()) {
            sb.append("<table>\n<thead><tr><th>Tag</th><th>Before</th><th>Now</th><th>Note</th></tr></thead>\n<tbody>\n");
            for (io.multiarch.result.TagState t : publish.tagStates()) {
                sb.append("<tr>");
                cell(sb, "", "<code>" + Text.html(t.tag()) + "</code>");
                cell(sb, "", t.before().isEmpty() ? "(absent)" : "<code>" + Text.html(t.before()) + "</code>");
                cell(sb, "", t.after().isEmpty() ? "(absent)" : "<code>" + Text.html(t.after()) + "</code>");
                cell(sb, "msg", (t.unrestored() ? "<span class=\"failed\">not restored</span> " : "") + Text.html(t.note()));
                sb.append("</tr>\n");
            }
            sb.append("</tbody>\n</table>\n");
        }
        if (!publish.leftovers().isEmpty()) {
            sb.append("<p>Temporary tags left in the registry (the registry API deletes manifests, not tags, and these manifests are listed by the index: expire them with a retention policy or garbage collection, see the user guide):</p>\n<ul>\n");
            publish.leftovers().forEach(l -> sb.append("<li><code>").append(Text.html(l)).append("</code></li>\n"));
            sb.append("</ul>\n");
        }
    }

    /** Per platform: the size, its change, the budget and the biggest layers with the step that made each. */
    private static void sizes(StringBuilder sb, RunResult run, String h, String id) {
        if (run.platforms().stream().noneMatch(p -> p.size().known() || p.size().hasBudget())) {
            return;
        }
        String tag = run.platforms().stream().map(p -> p.size().previousTag()).filter(t -> !t.isEmpty()).findFirst().orElse("");
        sb.append("<" + h + " id=\"sizes").append(Text.html(id)).append("\">Image size</" + h + ">\n").append(Charts.sizes(run, id))
                .append("<p>Compressed size: the sum of the layers a pull downloads.")
                .append(tag.isEmpty() ? "" : " Change: against the image of the same platform in the index <code>"
                        + Text.html(tag) + "</code> served before this run (<q>-</q>: none to compare with).")
                .append("</p>\n<table>\n<thead><tr><th>Platform</th><th>Size</th><th>Change</th><th>Budget</th>")
                .append("<th>Biggest layers</th></tr></thead>\n<tbody>\n");
        for (PlatformResult p : run.platforms()) {
            ImageSize size = p.size();
            sb.append("<tr>");
            cell(sb, "", "<code>" + Text.html(p.platform().toString()) + "</code>");
            cell(sb, "num", Text.html(Formats.size(size.bytes())));
            cell(sb, "num", size.change().isPresent() ? Text.html(Formats.sizeChange(size.change().getAsLong())) : "-");
            cell(sb, "", !size.hasBudget() ? "-" : Text.html(Formats.size(size.budgetBytes())) + (!size.overBudget() ? ", within"
                    : size.budgetWarnOnly() ? ", <span class=\"skipped\">over (a warning only)</span>"
                    : ", <span class=\"failed\">over: failed</span>"));
            StringBuilder layers = new StringBuilder();
            if (!size.biggestLayers().isEmpty()) {
                layers.append("<ol class=\"layers\">");
                for (ImageSize.Layer l : size.biggestLayers()) {
                    layers.append("<li>").append(Text.html(Formats.size(l.bytes()))).append(' ')
                            .append(l.createdBy().isEmpty() ? "<code>" + Text.html(Formats.shortDigest(l.digest())) + "</code>"
                                    : "<code title=\"" + Text.html(l.digest()) + "\">" + Text.html(l.createdBy()) + "</code>")
                            .append("</li>");
                }
                layers.append("</ol>");
            }
            cell(sb, "msg", layers.length() == 0 ? "-" : layers.toString());
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    private static void item(StringBuilder sb, String term, String escapedValue) {
        sb.append("<dt>").append(term).append("</dt><dd>").append(escapedValue).append("</dd>\n");
    }

    private static void platform(StringBuilder sb, RunResult run, PlatformResult p) {
        String status = p.status().label();
        sb.append("<tr>");
        cell(sb, "", "<code>" + Text.html(p.platform().toString()) + "</code>");
        cell(sb, "", "<span class=\"" + status + "\">" + status + "</span>");
        cell(sb, "", p.required() ? "required" : "optional");
        cell(sb, "", p.emulated() ? "emulated" : "native");
        cell(sb, "num", Formats.seconds(p.binfmtSeconds()));
        cell(sb, "num", Formats.seconds(p.buildSeconds()));
        cell(sb, "num", Formats.seconds(p.pushSeconds()));
        cell(sb, "num", p.test().isPresent() ? Formats.seconds(p.testSeconds()) : "-");
        java.util.OptionalDouble factor = run.emulationFactor(p);
        cell(sb, "num", factor.isPresent() ? Formats.factor(factor.getAsDouble()) : "-");
        // the change and the budget under the size: the table must stay within the window
        cell(sb, "num", Text.html(Formats.size(p.sizeBytes()))
                + (p.size().change().isPresent() ? "<br>" + Text.html(Formats.sizeChange(p.size().change().getAsLong())) : "")
                + (p.size().overBudget() ? "<br><span class=\"" + (p.size().budgetWarnOnly() ? "skipped" : "failed")
                + "\">over budget</span>" : ""));
        // the short form is shown, the full digest is one hover away
        cell(sb, "digest", Text.orEmpty(p.digest()).isEmpty() ? "-"
                : "<code title=\"" + Text.html(p.digest()) + "\">" + Text.html(Formats.shortDigest(p.digest())) + "</code>");
        cell(sb, "num", Text.html(Text.exit(p)));
        cell(sb, "msg", Text.html(p.message()));
        sb.append("</tr>\n");
        if (p.test().isPresent()) {
            TestOutcome t = p.test().get();
            sb.append("<tr><td colspan=\"").append(COLUMNS).append("\"><details")
                    .append(t.passed() ? "" : " open").append("><summary>Test output of <code>")
                    .append(Text.html(p.platform().toString())).append("</code>: <code>")
                    .append(Text.html(t.command())).append("</code></summary><pre>")
                    .append(Text.html(t.output())).append("</pre></details></td></tr>\n");
        }
    }

    private static void cell(StringBuilder sb, String cssClass, String escapedValue) {
        sb.append(cssClass.isEmpty() ? "<td>" : "<td class=\"" + cssClass + "\">").append(escapedValue).append("</td>");
    }
}
