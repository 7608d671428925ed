package io.multiarch.result;

import java.io.Serializable;
import java.util.List;
import java.util.OptionalLong;

/**
 * How big one platform's image is, as a puller downloads it: the compressed size (the sum of the layer sizes its
 * manifest lists), against the same platform in the index the tag served before the run, against the size budget,
 * and the biggest layers with the build step that made each.
 *
 * @param bytes          compressed size, the sum of the manifest's layer sizes; 0 when unknown
 * @param previousBytes  the same sum for this platform's image in the index {@code previousTag} served before the
 *                       run; -1 when there is none (a new tag, a platform the index did not list, unreadable)
 * @param previousTag    the tag compared with (the run's first tag), {@code ""} when no comparison was made
 * @param budgetBytes    the size budget of this platform, 0 for none
 * @param budgetWarnOnly whether going over the budget only warns instead of failing the platform
 * @param biggestLayers  the biggest layers, biggest first (at most {@link #BIGGEST_LAYERS})
 */
public record ImageSize(long bytes, long previousBytes, String previousTag, long budgetBytes, boolean budgetWarnOnly,
                        List<Layer> biggestLayers) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How many layers reports name. */
    public static final int BIGGEST_LAYERS = 3;

    /** Nothing known: no image, or the registry could not be read. */
    public static final ImageSize UNKNOWN = new ImageSize(0, -1, "", 0, false, List.of());

    /**
     * One layer of the image.
     *
     * @param createdBy the build step that made it, from the image config's history ({@code COPY … # buildkit},
     *                  {@code RUN …}), {@code ""} when the history does not say
     */
    public record Layer(String digest, long bytes, String createdBy) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public ImageSize {
        previousTag = previousTag == null ? "" : previousTag;
        biggestLayers = List.copyOf(biggestLayers == null ? List.of() : biggestLayers);
    }

    /** Only the size, nothing compared: a result from before sizes were compared, or built by hand. */
    public static ImageSize of(long bytes) {
        return new ImageSize(bytes, -1, "", 0, false, List.of());
    }

    public boolean known() {
        return bytes > 0;
    }

    /** Bytes more (or, negative, fewer) than the image of the previous index; empty when either is unknown. */
    public OptionalLong change() {
        return known() && previousBytes >= 0 ? OptionalLong.of(bytes - previousBytes) : OptionalLong.empty();
    }

    public boolean hasBudget() {
        return budgetBytes > 0;
    }

    /** Over its budget, or its size unknown while a budget applies (so it could not be checked). */
    public boolean overBudget() {
        return hasBudget() && (!known() || bytes > budgetBytes);
    }

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    /** Bytes in binary units with one decimal ({@code 12.3 MiB}), {@code 0} as {@code -}: how every view shows a size. */
    public static String format(long bytes) {
        if (bytes <= 0) {
            return bytes == 0 ? "-" : "-" + format(-bytes);
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** A change as {@code +1.2 KiB}, {@code -300 B} or {@code ±0 B}. */
    public static String formatChange(long delta) {
        return delta == 0 ? "±0 B" : delta > 0 ? "+" + format(delta) : format(delta);
    }

    /** This size with a budget applied. */
    public ImageSize withBudget(long budget, boolean warnOnly) {
        return new ImageSize(bytes, previousBytes, previousTag, budget, warnOnly, biggestLayers);
    }
}
