package io.multiarch.process;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    private void feed(LineSplitter s, String text) {
        s.feed(text.toCharArray(), 0, text.length());
    }

    @Test
    void shouldSplitOnLineFeedsAcrossChunksAndDropTheCarriageReturnOfCrLf() {
        LineSplitter s = new LineSplitter(lines::add);

        feed(s, "one\r\ntw");
        feed(s, "o\nthr");
        feed(s, "ee");
        s.finish();

        assertThat(lines).containsExactly("one", "two", "three");
    }

    @Test
    void shouldKeepALoneCarriageReturnInsideTheLineForTheConsoleToShow() {
        LineSplitter s = new LineSplitter(lines::add);

        feed(s, "progress 10%\r[publish] published sha256:forged\n");

        assertThat(lines).containsExactly("progress 10%\r[publish] published sha256:forged");
    }

    @Test
    void shouldKeepOnlyTheEndOfALongLineAndCountTheRest() {
        // Given a splitter that keeps 8 characters of a line
        LineSplitter s = new LineSplitter(8, lines::add);

        // When a 26-character line arrives in pieces, then a short one
        feed(s, "abcdefghijklm");
        feed(s, "nopqrstuvwxyz\nshort\n");

        // Then
        assertThat(lines).containsExactly("[…18 characters dropped] stuvwxyz", "short");
    }

    @Test
    void shouldEmitNothingForAnEmptyStream() {
        LineSplitter s = new LineSplitter(lines::add);

        s.finish();

        assertThat(lines).isEmpty();
    }
}
