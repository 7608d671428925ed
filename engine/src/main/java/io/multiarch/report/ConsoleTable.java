package io.multiarch.report;

import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;

import java.util.List;

/**
 * A plain-text table of a run for a console or build log: one row per platform in fixed-width columns, then the
 * publish (index digest and tags, or why it was withheld) and any temporary tags left in the registry. No colours
 * and no control characters, so it reads the same in a terminal, a Jenkins log and a CI artefact.
 */
public final class ConsoleTable {
    /** The message column is cut to this many characters; the full text is in report.json and report.html. */
    public static final int MESSAGE_WIDTH = 60;

    private static final List<Column> COLUMNS = List.of(
            new Column("PLATFORM", 16, false),
            new Column("STATUS", 7, false),
            new Column("REQUIRED", 8, false),
            new Column("MODE", 8, false),
            new Column("BINFMT s", 8, true),
            new Column("BUILD s", 8, true),
            new Column("PUSH s", 7, true),
            new Column("TEST s", 8, true),
            new Column("SIZE", 10, true),
            new Column("CHANGE", 10, true),
            new Column("DIGEST", 19, false),
            new Column("EXIT", 7, true),
            new Column("MESSAGE", MESSAGE_WIDTH, false));

    /** The table, header line first, each line ending in {@code \n}. */
    public String render(RunResult run) {
        StringBuilder sb = new StringBuilder();
        sb.append("run ").append(Text.oneLine(run.runId()))
                .append("  image ").append(Text.oneLine(run.image()))
                .append("  total ").append(Formats.seconds(run.totalSeconds())).append(" s\n");
        row(sb, COLUMNS.stream().map(Column::title).toList());
        row(sb, COLUMNS.stream().map(c -> "-".repeat(c.width())).toList());
        for (PlatformResult p : run.platforms()) {
            row(sb, List.of(
                    p.platform().toString(),
                    p.status().label(),
                    p.required() ? "required" : "optional",
                    p.emulated() ? "emulated" : "native",
                    Formats.seconds(p.binfmtSeconds()),
                    Formats.seconds(p.buildSeconds()),
                    Formats.seconds(p.pushSeconds()),
                    p.test().isPresent() ? Formats.seconds(p.testSeconds()) : "-",
                    Formats.size(p.sizeBytes()),
                    p.size().change().isPresent() ? Formats.sizeChange(p.size().change().getAsLong()) : "-",
                    Formats.shortDigest(p.digest()),
                    Text.exit(p),
                    Text.oneLine(p.message())));
        }
        publish(sb, run);
        return sb.toString();
    }

    /** A matrix build: each variant's table under its name, then one line per variant saying what it published. */
    public String render(io.multiarch.result.MatrixResult matrix) {
        StringBuilder sb = new StringBuilder();
        for (io.multiarch.result.VariantResult v : matrix.variants()) {
            sb.append("== variant ").append(Text.oneLine(v.name())).append(" (tags ")
                    .append(Text.oneLine(String.join(", ", v.run().tags()))).append(")\n");
            sb.append(render(v.run())).append('\n');
        }
        sb.append("variants").append(matrix.allOrNothing() ? " (all or nothing)" : "").append(":\n");
        for (io.multiarch.result.VariantResult v : matrix.variants()) {
            PublishResult p = v.run().publish();
            sb.append("  ").append(Text.oneLine(v.name())).append(": ")
                    .append(p.published() ? "published " + Formats.shortDigest(p.indexDigest()) + " as "
                            + Text.oneLine(String.join(", ", v.run().tags()))
                            : "not published: " + Text.oneLine(p.message()))
                    .append('\n');
        }
        return sb.toString();
    }

    private static void publish(StringBuilder sb, RunResult run) {
        PublishResult publish = run.publish();
        String tags = run.tags().isEmpty() ? "(no tags)" : String.join(", ", run.tags());
        if (publish.published()) {
            sb.append("published ").append(Text.oneLine(publish.indexDigest()))
                    .append(" as ").append(Text.oneLine(tags))
                    .append(" (publish ").append(Formats.seconds(publish.seconds())).append(" s)\n");
            if (!Text.orEmpty(publish.message()).isBlank()) {
                sb.append("  ").append(Text.oneLine(publish.message())).append('\n');
            }
        } else {
            // the reason is the line a user reads first on a red build, so it is never cut
            sb.append("not published (").append(Text.oneLine(tags)).append("): ")
                    .append(Text.oneLine(publish.message())).append('\n');
            // a publish that failed part way: where every tag is now, as read back
            publish.tagStates().stream().filter(t -> !t.unchanged() || t.unrestored() || !t.note().isEmpty()).forEach(t ->
                    sb.append("  tag ").append(Text.oneLine(t.tag())).append(": ")
                            .append(t.before().isEmpty() ? "(absent)" : Text.oneLine(t.before())).append(" -> ")
                            .append(t.after().isEmpty() ? "(absent)" : Text.oneLine(t.after()))
                            .append(t.note().isEmpty() ? "" : " (" + Text.oneLine(t.note()) + ")").append('\n'));
        }
        List<String> factors = run.platforms().stream().filter(p -> run.emulationFactor(p).isPresent())
                .map(p -> p.platform() + " " + Formats.factor(run.emulationFactor(p).getAsDouble()))
                .toList();
        if (!factors.isEmpty()) {
            sb.append("emulation factor (build time against the native builds of this run): ")
                    .append(String.join(", ", factors)).append('\n');
        }
        sizes(sb, run);
        if (!publish.leftovers().isEmpty()) {
            sb.append("left in the registry: ")
                    .append(Text.oneLine(String.join(", ", publish.leftovers()))).append('\n');
        }
    }

    /** What the size columns cannot say: what the change is against, the budgets, and each image's biggest layers. */
    private static void sizes(StringBuilder sb, RunResult run) {
        run.platforms().stream().map(p -> p.size().previousTag()).filter(t -> !t.isEmpty()).findFirst().ifPresent(tag ->
                sb.append("size change: against the image of the same platform in the index '").append(Text.oneLine(tag))
                        .append("' served before this run ('-': none to compare with)\n"));
        for (PlatformResult p : run.platforms()) {
            io.multiarch.result.ImageSize size = p.size();
            if (size.hasBudget()) {
                sb.append("size budget ").append(p.platform()).append(": ").append(Formats.size(size.bytes())).append(" of ")
                        .append(Formats.size(size.budgetBytes()))
                        .append(!size.overBudget() ? ", within" : size.budgetWarnOnly() ? ", OVER (a warning only)" : ", OVER: failed")
                        .append('\n');
            }
        }
        for (PlatformResult p : run.platforms()) {
            if (p.size().biggestLayers().isEmpty()) {
                continue;
            }
            sb.append("biggest layers ").append(p.platform()).append(": ").append(String.join("; ", p.size().biggestLayers().stream()
                    .map(l -> Formats.size(l.bytes()) + (l.createdBy().isEmpty() ? " " + Formats.shortDigest(l.digest())
                            : " " + Text.cut(Text.oneLine(l.createdBy()), LAYER_STEP_WIDTH)))
                    .toList())).append('\n');
        }
    }

    /** A layer's build step is cut to this many characters in the console; report.json has all of it. */
    private static final int LAYER_STEP_WIDTH = 50;

    private static void row(StringBuilder sb, List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            Column column = COLUMNS.get(i);
            String cell = Text.cut(cells.get(i), column.width());
            String pad = " ".repeat(column.width() - cell.codePointCount(0, cell.length()));
            line.append(column.right() ? pad + cell : cell + pad);
            if (i < COLUMNS.size() - 1) {
                line.append("  ");
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private record Column(String title, int width, boolean right) {
    }
}
