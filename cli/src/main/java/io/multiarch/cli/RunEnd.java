package io.multiarch.cli;

import io.multiarch.report.ReportFiles;
import io.multiarch.report.TimelineTable;
import io.multiarch.timeline.Timeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * The end of a run, one variant's or a matrix's: the console table, the reports, and the exit code (the signal's
 * when a signal interrupted it, else published, tags left changed by a failed publish, or failed).
 */
final class RunEnd {
    private final RunSettings settings;
    private final Session session;

    RunEnd(RunSettings settings, Session session) {
        this.settings = settings;
        this.session = session;
    }

    /** Writes the reports of a run that ended. */
    @FunctionalInterface
    interface Reports {
        ReportFiles write(List<Timeline.Span> timeline) throws IOException;
    }

    int finish(String table, Reports reports, boolean interrupted, boolean published, boolean tagsLeftChanged) {
        PrintWriter out = session.out();
        Timeline timeline = session.timeline();
        out.println();
        out.print(table);
        try (Timeline.Phase phase = timeline.start("reports")) {
            // report.json holds the timeline up to here: the writing of the reports is printed below only
            ReportFiles written = reports.write(settings.showTimeline() ? timeline.spans() : List.of());
            out.println("reports: " + written.json() + ", " + written.html() + ", " + written.junitDir() + "/");
        } catch (IOException e) {
            session.err().println("multiarch: could not write the reports to " + settings.reportDir() + ": " + e.getMessage());
        }
        if (settings.showTimeline()) {
            out.println();
            out.print(TimelineTable.render(timeline.spans()));
        }
        out.flush();
        if (interrupted && session.signals().received() != null) {
            return Signals.exitCode(session.signals().received());
        }
        if (published) {
            return ExitCodes.PUBLISHED;
        }
        return tagsLeftChanged ? ExitCodes.TAGS_LEFT_CHANGED : ExitCodes.FAILED;
    }
}
