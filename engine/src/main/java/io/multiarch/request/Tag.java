package io.multiarch.request;

import java.io.Serializable;
import java.util.regex.Pattern;

/** An image tag, checked against the OCI grammar {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}. */
public record Tag(String value) implements Serializable {
    private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public Tag {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw new IllegalArgumentException(value != null && value.length() > 128
                    ? "a tag has at most 128 characters"
                    : "not a valid tag: letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128");
        }
    }

    public static Tag parse(String value) {
        return new Tag(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
