package io.multiarch.report;

import io.multiarch.result.ImageSize;

import java.util.Locale;

/**
 * The one rendering of a result's values, for every view: the console table, report.html and its charts, the JUnit
 * files, and (public for it) the Jenkins build page. Seconds with one decimal, sizes in binary units, digests short
 * as {@code docker images} shows them, emulation factors; all in the root locale.
 */
public final class Formats {
    private static final int SHORT_DIGEST_HEX = 12;

    private Formats() {
    }

    /** Seconds with one decimal, in the root locale so a German agent does not write {@code 1,5}. */
    public static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    /** {@code 0} (unknown) as {@code -}, else bytes in binary units with one decimal: {@code 12.3 MiB}. */
    public static String size(long bytes) {
        return bytes <= 0 ? "-" : ImageSize.format(bytes);
    }

    /** {@code sha256:} and the first twelve hex digits, as {@code docker images} shows them; {@code -} when empty. */
    public static String shortDigest(String digest) {
        String d = (digest == null ? "" : digest).trim();
        if (d.isEmpty()) {
            return "-";
        }
        int colon = d.indexOf(':');
        String algorithm = colon < 0 ? "sha256" : d.substring(0, colon);
        String hex = colon < 0 ? d : d.substring(colon + 1);
        return algorithm + ":" + (hex.length() > SHORT_DIGEST_HEX ? hex.substring(0, SHORT_DIGEST_HEX) : hex);
    }

    /** A size change with its sign: {@code +600.0 KiB}, {@code -1.2 MiB}, {@code 0 B}. */
    public static String sizeChange(long delta) {
        return ImageSize.formatChange(delta);
    }

    /** How much slower than native: {@code 5.7x}. */
    public static String factor(double factor) {
        return io.multiarch.result.RunResult.formatFactor(factor);
    }
}
