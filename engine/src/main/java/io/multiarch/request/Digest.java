package io.multiarch.request;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * A content digest as registries and buildx give it, {@code sha256:} and 64 lower-case hex digits; cannot be made
 * around that grammar. Where a digest enters from a tool's output, it is parsed into this.
 */
public record Digest(String value) implements Serializable {
    private static final Pattern GRAMMAR = Pattern.compile("sha256:[0-9a-f]{64}");

    public Digest {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw new IllegalArgumentException("not a digest (sha256: and 64 hex digits): '"
                    + Printable.of(String.valueOf(value)) + "'");
        }
    }

    public static Digest parse(String value) {
        return new Digest(value);
    }

    /** {@code sha256:} and the first 12 hex digits, as docker shows an image id. */
    public String shortForm() {
        return value.substring(0, 19);
    }

    @Override
    public String toString() {
        return value;
    }
}
