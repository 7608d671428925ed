package io.multiarch.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ReportWriter#writeAll} wrote: the JSON and HTML reports and the JUnit directory with one file per
 * platform, so a caller can archive them or hand the JUnit files to its CI server.
 */
public record ReportFiles(Path json, Path html, Path junitDir, List<Path> junit) {

    public ReportFiles {
        junit = List.copyOf(junit);
    }

    /** Every file written, JSON and HTML first. */
    public List<Path> all() {
        List<Path> all = new ArrayList<>(List.of(json, html));
        all.addAll(junit);
        return List.copyOf(all);
    }
}
