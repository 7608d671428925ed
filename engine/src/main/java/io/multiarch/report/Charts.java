package io.multiarch.report;

import io.multiarch.result.ImageSize;
import io.multiarch.result.Phase;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.RunResult;

import java.util.List;
import java.util.Locale;

/**
 * The two charts of report.html, as inline SVG (no script, nothing fetched): the timeline of each platform's phases
 * on the run's clock (what ran in parallel, what waited), and the image size of each platform against its previous
 * size and its budget. Both are readable without colour: phases are told apart by grey level, hatching and their
 * names written on them, sizes by the numbers written beside each bar. Public for the Jenkins plugin's build page,
 * which shows the same charts.
 */
public final class Charts {
    private static final int WIDTH = 1000;
    private static final int LABEL = 130;
    private static final int ROW = 24;
    private static final int BAR = 16;

    private Charts() {
    }

    /** Fill and text colour of each phase, and the name written on it. */
    private record Style(String fill, String text, String label) {
    }

    private static Style style(String phase, String id) {
        return switch (phase) {
            case "binfmt" -> new Style("#e0e0e0", "#000", "emulator");
            case "build" -> new Style("#404040", "#fff", "build");
            case "push" -> new Style("#9a9a9a", "#000", "push");
            case "test" -> new Style("url(#hatch" + id + ")", "#000", "test");
            case "publish" -> new Style("#000", "#fff", "publish");
            default -> new Style("#ccc", "#000", phase);
        };
    }

    /** The timeline, or "" when no phase was recorded. {@code id} keeps the SVG ids of several charts apart. */
    public static String timeline(RunResult run, String id) {
        List<PlatformResult> rows = run.platforms().stream().filter(p -> !run.phasesOf(p.platform()).isEmpty()).toList();
        if (rows.isEmpty()) {
            return "";
        }
        Phase publish = rows.stream().flatMap(p -> run.phasesOf(p.platform()).stream()).filter(x -> x.name().equals("publish"))
                .findFirst().orElse(null);
        double total = Math.max(run.totalSeconds(), rows.stream().flatMap(p -> run.phasesOf(p.platform()).stream())
                .mapToDouble(Phase::end).max().orElse(1));
        total = Math.max(total, 0.001);
        int n = rows.size() + (publish == null ? 0 : 1);
        int height = n * ROW + 40;
        double scale = (WIDTH - LABEL - 10) / total;
        StringBuilder sb = new StringBuilder();
        sb.append("<figure class=\"chart\"><svg role=\"img\" aria-labelledby=\"tl").append(id).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"100%\" style=\"max-width:").append(WIDTH)
                .append("px\" font-family=\"sans-serif\" font-size=\"11\">\n")
                .append("<title id=\"tl").append(id).append("\">Timeline of the phases of every platform, in seconds since the run started</title>\n")
                .append("<defs><pattern id=\"hatch").append(id).append("\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" ")
                .append("patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>")
                .append("<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"2\"/></pattern></defs>\n");
        axis(sb, total, scale, n * ROW);
        int row = 0;
        for (PlatformResult p : rows) {
            int y = row++ * ROW;
            label(sb, p.platform().toString(), y);
            for (Phase phase : run.phasesOf(p.platform())) {
                if (!phase.name().equals("publish")) {
                    bar(sb, p.platform() + " " + phase.name(), phase, style(phase.name(), id), scale, y);
                }
            }
        }
        if (publish != null) {
            int y = row * ROW;
            label(sb, "publish", y);
            bar(sb, "publish", publish, style("publish", id), scale, y);
        }
        sb.append("</svg>\n<figcaption>Each row is one platform on the run's clock: <b>emulator</b> (the binfmt check, light ")
                .append("grey), <b>build</b> (dark), <b>push</b> (mid grey), <b>test</b> (hatched), then the <b>publish</b> ")
                .append("(black). Bars that overlap in time ran in parallel; a gap is time the platform waited (for a ")
                .append("thread of the pool, or for the other platforms of its batch).</figcaption></figure>\n");
        return sb.toString();
    }

    private static void axis(StringBuilder sb, double total, double scale, int top) {
        double step = niceStep(total / 8);
        sb.append("<line x1=\"").append(LABEL).append("\" y1=\"").append(top + 4).append("\" x2=\"").append(WIDTH - 10)
                .append("\" y2=\"").append(top + 4).append("\" stroke=\"#000\"/>\n");
        for (double t = 0; t <= total + 1e-9; t += step) {
            double x = LABEL + t * scale;
            sb.append("<line x1=\"").append(num(x)).append("\" y1=\"0\" x2=\"").append(num(x)).append("\" y2=\"").append(top + 8)
                    .append("\" stroke=\"#bbb\" stroke-dasharray=\"2,3\"/>")
                    .append("<text x=\"").append(num(x)).append("\" y=\"").append(top + 22).append("\" text-anchor=\"middle\">")
                    .append(num(t)).append(" s</text>\n");
        }
    }

    private static double niceStep(double raw) {
        double[] steps = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600};
        for (double s : steps) {
            if (s >= raw) {
                return s;
            }
        }
        return 7200;
    }

    private static void label(StringBuilder sb, String text, int y) {
        sb.append("<text x=\"").append(LABEL - 6).append("\" y=\"").append(y + BAR - 3).append("\" text-anchor=\"end\">")
                .append(Text.html(text)).append("</text>\n");
    }

    private static void bar(StringBuilder sb, String what, Phase phase, Style style, double scale, int y) {
        double x = LABEL + phase.start() * scale;
        double w = Math.max(1, phase.seconds() * scale);
        sb.append("<rect x=\"").append(num(x)).append("\" y=\"").append(y).append("\" width=\"").append(num(w))
                .append("\" height=\"").append(BAR).append("\" fill=\"").append(style.fill()).append("\" stroke=\"#000\" stroke-width=\"0.5\">")
                .append("<title>").append(Text.html(what)).append(": ").append(num(phase.start())).append(" s to ")
                .append(num(phase.end())).append(" s (").append(num(phase.seconds())).append(" s)</title></rect>\n");
        String text = style.label() + " " + num(phase.seconds()) + " s";
        if (w > text.length() * 6.2 + 6) {
            sb.append("<text x=\"").append(num(x + 3)).append("\" y=\"").append(y + BAR - 4).append("\" fill=\"")
                    .append(style.text()).append("\"").append(style.fill().startsWith("url(") ? " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"" : "")
                    .append(">").append(Text.html(text)).append("</text>\n");
        }
    }

    /** The size chart, or "" when no size is known. */
    public static String sizes(RunResult run, String id) {
        List<PlatformResult> rows = run.platforms().stream().filter(p -> p.size().known() || p.size().hasBudget()).toList();
        if (rows.isEmpty()) {
            return "";
        }
        long max = 1;
        for (PlatformResult p : rows) {
            ImageSize s = p.size();
            max = Math.max(max, Math.max(s.bytes(), Math.max(s.budgetBytes(), s.previousBytes())));
        }
        int barArea = WIDTH - LABEL - 260;
        double scale = barArea / (double) max;
        int height = rows.size() * ROW + 8;
        StringBuilder sb = new StringBuilder();
        sb.append("<figure class=\"chart\"><svg role=\"img\" aria-labelledby=\"sz").append(id).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"100%\" style=\"max-width:").append(WIDTH)
                .append("px\" font-family=\"sans-serif\" font-size=\"11\">\n")
                .append("<title id=\"sz").append(id).append("\">Compressed image size of every platform</title>\n")
                .append("<defs><pattern id=\"over").append(id).append("\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" ")
                .append("patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#404040\"/>")
                .append("<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" stroke-width=\"2\"/></pattern></defs>\n");
        int row = 0;
        for (PlatformResult p : rows) {
            ImageSize s = p.size();
            int y = row++ * ROW;
            label(sb, p.platform().toString(), y);
            double w = Math.max(1, s.bytes() * scale);
            sb.append("<rect x=\"").append(LABEL).append("\" y=\"").append(y).append("\" width=\"").append(num(w))
                    .append("\" height=\"").append(BAR).append("\" fill=\"").append(s.overBudget() ? "url(#over" + id + ")" : "#707070")
                    .append("\" stroke=\"#000\" stroke-width=\"0.5\"><title>").append(Text.html(p.platform().toString()))
                    .append(": ").append(Text.html(ImageSize.format(s.bytes()))).append("</title></rect>\n");
            if (s.previousBytes() >= 0) {
                double x = LABEL + s.previousBytes() * scale;
                sb.append("<line x1=\"").append(num(x)).append("\" y1=\"").append(y - 2).append("\" x2=\"").append(num(x))
                        .append("\" y2=\"").append(y + BAR + 2).append("\" stroke=\"#000\" stroke-width=\"2\"><title>before: ")
                        .append(Text.html(ImageSize.format(s.previousBytes()))).append("</title></line>\n");
            }
            if (s.hasBudget()) {
                double x = LABEL + s.budgetBytes() * scale;
                sb.append("<line x1=\"").append(num(x)).append("\" y1=\"").append(y - 3).append("\" x2=\"").append(num(x))
                        .append("\" y2=\"").append(y + BAR + 3).append("\" stroke=\"#000\" stroke-dasharray=\"3,2\" stroke-width=\"1.5\">")
                        .append("<title>budget: ").append(Text.html(ImageSize.format(s.budgetBytes()))).append("</title></line>\n");
            }
            StringBuilder text = new StringBuilder(ImageSize.format(s.bytes()));
            s.change().ifPresent(c -> text.append(" (").append(Formats.sizeChange(c)).append(")"));
            if (s.hasBudget()) {
                text.append(s.overBudget() ? ", OVER the budget of " : ", budget ").append(ImageSize.format(s.budgetBytes()));
            }
            sb.append("<text x=\"").append(LABEL + barArea + 8).append("\" y=\"").append(y + BAR - 3).append("\">")
                    .append(Text.html(text.toString())).append("</text>\n");
        }
        sb.append("</svg>\n<figcaption>Bars: compressed size (the sum of the layers). A solid tick marks the size in the ")
                .append("index the tag served before this run, a dashed one the budget; a bar over its budget is hatched. ")
                .append("The numbers say the same.</figcaption></figure>\n");
        return sb.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.1f", v);
    }
}
