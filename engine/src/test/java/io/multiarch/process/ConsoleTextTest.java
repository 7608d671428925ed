package io.multiarch.process;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTextTest {

    @Test
    void shouldRemoveCursorMovesAndErasingSoThatNoLineCanBeForgedOrErased() {
        // a test's output that moves the cursor up, erases the line and prints a fake publish line
        String hostile = "ok\u001b[1A\u001b[2K\u001b[G[publish] published sha256:forged";

        assertThat(ConsoleText.inert(hostile)).isEqualTo("ok[publish] published sha256:forged");
    }

    @Test
    void shouldShowOtherControlCharactersAsEscapes() {
        assertThat(ConsoleText.inert("a\rb\bc\u0007d\u007fe\u0085f\u0000g\tend"))
                .isEqualTo("a\\x0db\\x08c\\x07d\\x7fe\\x85f\\x00g\tend");
    }

    @Test
    void shouldRemoveEightBitCsiAndTitleSequences() {
        assertThat(ConsoleText.inert("x\u009b2Ky\u001b]0;owned\u0007z")).isEqualTo("xyz");
    }

    @Test
    void shouldLeavePlainTextAndUnicodeAlone() {
        String text = "[linux/arm64] #7 0.52 ünïcødé ✓ 100%";

        assertThat(ConsoleText.inert(text)).isSameAs(text);
    }

    @Test
    void shouldMakeEveryLineInertThroughTheListener() {
        List<String> seen = new ArrayList<>();

        OutputListener.inert((line, error) -> seen.add(line)).line("a\u001b[31mred\u001b[0m\r", false);

        assertThat(seen).containsExactly("ared\\x0d");
    }
}
