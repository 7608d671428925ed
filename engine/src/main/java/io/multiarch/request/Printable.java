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
        StringBuilder sb = new StringBuilder();
        int[] cps = value.codePoints().toArray();
        for (int i = 0; i < cps.length && i < MAX; i++) {
            int c = cps[i];
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        }
        if (cps.length > MAX) {
            sb.append("… (").append(value.length()).append(" characters)");
        }
        return sb.toString();
    }
}
