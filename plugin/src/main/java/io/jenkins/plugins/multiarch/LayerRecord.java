package io.jenkins.plugins.multiarch;

import io.multiarch.report.Formats;
import io.multiarch.result.ImageSize;

import java.io.Serializable;

/**
 * One of the biggest layers of a platform's image as the build stores it (see {@link ImageSize.Layer}): its digest,
 * compressed size and the build step that made it, cut to {@link #MAX_CREATED_BY} characters so the build's XML
 * stays small.
 */
public final class LayerRecord implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_CREATED_BY = 200;

    private final String digest;
    private final long bytes;
    private final String createdBy;

    private LayerRecord(String digest, long bytes, String createdBy) {
        this.digest = digest;
        this.bytes = bytes;
        this.createdBy = createdBy;
    }

    static LayerRecord of(ImageSize.Layer layer) {
        String step = layer.createdBy() == null ? "" : layer.createdBy();
        if (step.length() > MAX_CREATED_BY) {
            int cut = MAX_CREATED_BY;
            if (Character.isLowSurrogate(step.charAt(cut))) {
                cut--;
            }
            step = step.substring(0, cut) + "…";
        }
        return new LayerRecord(layer.digest(), layer.bytes(), step);
    }

    ImageSize.Layer toLayer() {
        return new ImageSize.Layer(digest == null ? "" : digest, bytes, createdBy == null ? "" : createdBy);
    }

    public String getDigest() {
        return digest == null ? "" : digest;
    }

    /** {@code sha256:} and the first twelve hex digits, as every view of the engine shows it ({@link Formats}). */
    public String getShortDigest() {
        return Formats.shortDigest(getDigest());
    }

    public long getBytes() {
        return bytes;
    }

    /** The compressed size in binary units, as every view of the engine shows it ({@link Formats}). */
    public String getSizeText() {
        return Formats.size(bytes);
    }

    public String getCreatedBy() {
        return createdBy == null ? "" : createdBy;
    }
}
