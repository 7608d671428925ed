package io.multiarch.request;

/** Makes user values safe to show in one line of a message: control characters escaped, long values cut. */
public final class Printable {
    private static final int MAX = 120;

    private Printable() {
    }

    public static String of(String value) {
        if (value == null) {
            return "null";
        }
        int length = value.codePointCount(0, value.length());
        if (length <= MAX) {
            return escape(value);
        }
        return escape(value.substring(0, value.offsetByCodePoints(0, MAX))) + "… (" + value.length() + " characters)";
    }

    /** Control characters as {@code \xNN}, so that no value can forge a line of output; nothing cut. */
    public static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
