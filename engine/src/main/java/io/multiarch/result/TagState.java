package io.multiarch.result;

import java.io.Serializable;

/**
 * One tag of a publish: what it served before, and what it serves after (read back from the registry).
 *
 * @param before     the digest the tag served before the publish, {@code ""} when it did not exist
 * @param after      the digest it serves now, {@code ""} when it does not exist or could not be read (see {@code note})
 * @param note       how it got there when that is not simply "moved" or "untouched": restored after a failed
 *                   publish, moved by someone else meanwhile, or why it could not be restored
 * @param unrestored whether a failed publish moved this tag and could not put it back (or could not tell)
 */
public record TagState(String tag, String before, String after, String note, boolean unrestored) implements Serializable {

    /** Whether the tag serves what it served before the publish. */
    public boolean unchanged() {
        return before.equals(after);
    }
}
