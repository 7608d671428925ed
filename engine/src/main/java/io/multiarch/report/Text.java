package io.multiarch.report;

import io.multiarch.result.PlatformResult;

import java.util.regex.Pattern;

/**
 * The text handling every report shares: one-line messages, and the escaping that keeps hostile tool output inert.
 * Values (seconds, sizes, digests) are rendered by {@link Formats}.
 */
final class Text {
    /** ANSI CSI sequences (colours, cursor moves) and OSC sequences (titles, links) that tools print. */
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)?");

    private Text() {
    }

    /** {@code null} as the empty string: results built by hand or by older code may leave text unset. */
    static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Line breaks and other control characters as single spaces, runs of blanks collapsed: for table cells. */
    static String oneLine(String value) {
        String v = withoutAnsi(value);
        StringBuilder sb = new StringBuilder();
        boolean blank = false;
        for (int i = 0; i < v.length(); ) {
            int c = v.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                blank = true;
                continue;
            }
            if (blank && sb.length() > 0) {
                sb.append(' ');
            }
            blank = false;
            sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    /** Without ANSI colour and cursor sequences: they mean nothing outside a terminal and leave debris like [31m. */
    static String withoutAnsi(String value) {
        String v = orEmpty(value);
        return v.indexOf('\u001b') < 0 ? v : ANSI.matcher(v).replaceAll("");
    }

    /** At most {@code width} code points; a cut value ends in {@code …} so the reader knows there is more. */
    static String cut(String value, int width) {
        String v = orEmpty(value);
        if (v.codePointCount(0, v.length()) <= width) {
            return v;
        }
        return v.substring(0, v.offsetByCodePoints(0, width - 1)) + "…";
    }

    /**
     * Removes what XML 1.0 cannot carry even escaped: C0 controls other than tab, CR and LF, lone surrogates,
     * U+FFFE and U+FFFF. Test output is raw bytes from a container, and a single NUL makes a JUnit file unreadable.
     */
    static String xmlSafe(String value) {
        String v = orEmpty(value);
        StringBuilder sb = null;
        for (int i = 0; i < v.length(); ) {
            int c = v.codePointAt(i);
            int next = i + Character.charCount(c);
            if (!isXmlChar(c)) {
                if (sb == null) {
                    sb = new StringBuilder(v.length()).append(v, 0, i);
                }
            } else if (sb != null) {
                sb.appendCodePoint(c);
            }
            i = next;
        }
        return sb == null ? v : sb.toString();
    }

    static boolean isXmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD
                || c >= 0x20 && c <= 0xD7FF
                || c >= 0xE000 && c <= 0xFFFD
                || c >= 0x10000 && c <= 0x10FFFF;
    }

    /**
     * Escapes {@code & < > " '} for HTML text and quoted attributes, after dropping ANSI sequences and characters
     * XML cannot carry.
     */
    static String html(String value) {
        String v = xmlSafe(withoutAnsi(value));
        StringBuilder sb = new StringBuilder(v.length() + 16);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The test column: the exit code, {@code timeout}, or {@code -} when no test ran. */
    static String exit(PlatformResult p) {
        return p.test().map(t -> t.timedOut() ? "timeout" : Integer.toString(t.exitCode())).orElse("-");
    }
}
