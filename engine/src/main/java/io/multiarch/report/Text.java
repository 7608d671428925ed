package io.multiarch.report;

import io.multiarch.result.PlatformResult;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The formatting every report shares, so the console, HTML and JUnit views show a value the same way: seconds,
 * sizes, short digests, one-line messages, and the escaping that keeps hostile tool output inert.
 */
final class Text {
    private static final int SHORT_DIGEST_HEX = 12;
    /** ANSI CSI sequences (colours, cursor moves) and OSC sequences (titles, links) that tools print. */
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)?");

    private Text() {
    }

    /** {@code null} as the empty string: results built by hand or by older code may leave text unset. */
    static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Seconds with one decimal, in the root locale so a German agent does not write {@code 1,5}. */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    /** {@code 0} (unknown) as {@code -}, else bytes in binary units with one decimal: {@code 12.3 MiB}. */
    static String size(long bytes) {
        return bytes <= 0 ? "-" : io.multiarch.result.ImageSize.format(bytes);
    }

    /** {@code sha256:} and the first twelve hex digits, as {@code docker images} shows them; {@code -} when empty. */
    static String shortDigest(String digest) {
        String d = orEmpty(digest).trim();
        if (d.isEmpty()) {
            return "-";
        }
        int colon = d.indexOf(':');
        String algorithm = colon < 0 ? "sha256" : d.substring(0, colon);
        String hex = colon < 0 ? d : d.substring(colon + 1);
        return algorithm + ":" + (hex.length() > SHORT_DIGEST_HEX ? hex.substring(0, SHORT_DIGEST_HEX) : hex);
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
