package io.multiarch.report;

import io.multiarch.timeline.Timeline;

import java.util.List;
import java.util.Locale;

/**
 * The timeline of a run as a console table: each phase with its start, end and length in seconds from the start of
 * the process, and a bar that shows what ran beside what.
 */
public final class TimelineTable {
    private static final int BAR = 40;

    private TimelineTable() {
    }

    public static String render(List<Timeline.Span> spans) {
        StringBuilder b = new StringBuilder("timeline (seconds from the start of the process)\n");
        double end = spans.stream().mapToDouble(Timeline.Span::end).max().orElse(0);
        b.append(String.format(Locale.ROOT, "%8s %8s %8s  %-" + BAR + "s  %s%n", "START", "END", "SECONDS", "", "PHASE"));
        for (Timeline.Span s : spans) {
            char[] bar = " ".repeat(BAR).toCharArray();
            if (end > 0) {
                int from = (int) Math.min(BAR - 1, Math.floor(s.start() / end * BAR));
                int to = (int) Math.max(from + 1, Math.min(BAR, Math.ceil(s.end() / end * BAR)));
                for (int i = Math.max(0, from); i < to; i++) {
                    bar[i] = '#';
                }
            }
            b.append(String.format(Locale.ROOT, "%8.3f %8.3f %8.3f  %s  %s%n", s.start(), s.end(), s.seconds(),
                    new String(bar), Text.oneLine(s.phase())));
        }
        return b.toString();
    }
}
