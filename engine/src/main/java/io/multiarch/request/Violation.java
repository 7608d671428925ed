package io.multiarch.request;

import java.io.Serializable;

/**
 * One thing wrong with a request: the field (as the user spelled it, e.g. {@code tags[1]}), the offending
 * value made printable, and what is wrong with it.
 */
public record Violation(String field, String value, String problem) implements Serializable {

    /** {@code field 'tags[1]' = 'a b': not a valid tag …}. */
    public String describe() {
        return "field '" + field + "' = '" + Printable.of(value) + "': " + problem;
    }
}
