package io.multiarch.process;

import java.util.regex.Pattern;

/**
 * Makes a line of tool output inert for a terminal or a build log: output of builds and tests comes from outside,
 * and raw control characters in it could move the cursor, erase lines or forge them (a test printing
 * {@code ESC[1A ESC[2K [publish] published …}). ANSI colour, cursor and title sequences are removed, as the
 * reports remove them; every other control character (C0, DEL, C1) is shown as {@code \xNN}, except the tab.
 */
public final class ConsoleText {
    /** ANSI CSI sequences (colours, cursor moves, erasing) and OSC sequences (titles, links), 7-bit and 8-bit forms. */
    private static final Pattern ANSI = Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|(\u001b\\]|\u009d)[^\u0007\u001b\u009c]*(\u0007|\u001b\\\\|\u009c)?");

    private ConsoleText() {
    }

    public static String inert(String line) {
        String v = line.indexOf('\u001b') < 0 && line.indexOf('\u009b') < 0 && line.indexOf('\u009d') < 0
                ? line : ANSI.matcher(line).replaceAll("");
        StringBuilder sb = null;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean control = c != '\t' && (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f);
            if (control && sb == null) {
                sb = new StringBuilder(v.length() + 16).append(v, 0, i);
            }
            if (control) {
                sb.append(String.format("\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? v : sb.toString();
    }
}
