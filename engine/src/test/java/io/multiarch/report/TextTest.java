package io.multiarch.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextTest {

    @Test
    void shouldEscapeEveryHtmlSpecialCharacter() {
        assertThat(Text.html("<script>alert(\"x\" & 'y')</script>"))
                .isEqualTo("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
    }

    @Test
    void shouldNotDoubleEscapeOrTouchPlainText() {
        assertThat(Text.html("a &amp; b")).isEqualTo("a &amp;amp; b");
        assertThat(Text.html("linux/arm/v7 passed in 1.5 s — ok")).isEqualTo("linux/arm/v7 passed in 1.5 s — ok");
        assertThat(Text.html(null)).isEmpty();
    }

    @Test
    void shouldStripCharactersXmlCannotCarryButKeepTabsAndLineBreaks() {
        // Given C0 controls, a lone surrogate, U+FFFE, and legal tab/CR/LF and an astral character
        String raw = "a\u0000b\u0007c\u001bd\te\r\nf\ud800g\ufffeh\ud83d\ude00";

        // When / Then
        assertThat(Text.xmlSafe(raw)).isEqualTo("abcd\te\r\nfgh\ud83d\ude00");
        assertThat(Text.xmlSafe("clean")).isEqualTo("clean");
    }

    @Test
    void shouldDropAnsiColourAndTitleSequences() {
        assertThat(Text.withoutAnsi("\u001b[1;31mFAIL\u001b[0m ok \u001b]0;title\u0007done"))
                .isEqualTo("FAIL ok done");
        assertThat(Text.html("\u001b[32m<ok>\u001b[m")).isEqualTo("&lt;ok&gt;");
    }

    @Test
    void shouldShortenDigestsToTwelveHexDigits() {
        assertThat(Formats.shortDigest(SampleRuns.AMD64_DIGEST)).isEqualTo("sha256:a1b2c3d4e5f6");
        assertThat(Formats.shortDigest("sha256:abc")).isEqualTo("sha256:abc");
        assertThat(Formats.shortDigest("")).isEqualTo("-");
        assertThat(Formats.shortDigest(null)).isEqualTo("-");
    }

    @Test
    void shouldShowSizesInBinaryUnits() {
        assertThat(Formats.size(0)).isEqualTo("-");
        assertThat(Formats.size(512)).isEqualTo("512 B");
        assertThat(Formats.size(1536)).isEqualTo("1.5 KiB");
        assertThat(Formats.size(12_897_484L)).isEqualTo("12.3 MiB");
        assertThat(Formats.size(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
    }

    @Test
    void shouldFlattenAndCutMessagesForTableCells() {
        assertThat(Text.oneLine("first line\n\tsecond\u001b[0m  line ")).isEqualTo("first line second line");
        assertThat(Text.cut("abcdefgh", 5)).isEqualTo("abcd…");
        assertThat(Text.cut("abcde", 5)).isEqualTo("abcde");
    }
}
