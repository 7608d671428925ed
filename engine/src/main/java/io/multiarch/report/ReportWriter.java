package io.multiarch.report;

import io.multiarch.result.RunResult;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes every file report of a run into one directory: {@code report.json}, {@code report.html} and a
 * {@code junit/} directory with one JUnit XML file per platform. The console table is separate
 * ({@link ConsoleTable}), since it goes to a log rather than a file.
 */
public final class ReportWriter {
    /** The JUnit directory within the report directory. */
    public static final String JUNIT_DIR = "junit";

    private final JsonReport json = new JsonReport();
    private final HtmlReport html = new HtmlReport();
    private final JunitReport junit = new JunitReport();

    /** Writes all reports into {@code dir}, created if needed, replacing those of an earlier run. */
    public ReportFiles writeAll(RunResult run, Path dir) throws IOException {
        return writeAll(run, dir, java.util.List.of());
    }

    /** {@link #writeAll(RunResult, Path)}, with the run's timeline in {@code report.json} (none when empty). */
    public ReportFiles writeAll(RunResult run, Path dir, java.util.List<io.multiarch.timeline.Timeline.Span> timeline)
            throws IOException {
        Path junitDir = dir.resolve(JUNIT_DIR);
        return new ReportFiles(json.write(run, dir, timeline), html.write(run, dir), junitDir, junit.write(run, junitDir));
    }

    /** A matrix build's reports into {@code dir}: one JSON and one HTML file for every variant, JUnit per variant. */
    public ReportFiles writeAll(io.multiarch.result.MatrixResult matrix, Path dir) throws IOException {
        Path junitDir = dir.resolve(JUNIT_DIR);
        return new ReportFiles(json.write(matrix, dir), html.write(matrix, dir), junitDir, junit.write(matrix, junitDir));
    }
}
