package io.multiarch.result;

import io.multiarch.platform.Platform;

import java.io.Serializable;
import java.util.List;

/**
 * What the publish step did: whether the index went out under every tag, its digest, what the registry's index
 * lists (read back), what every tag served before and serves after, and what was left behind: temporary tags,
 * which stay in the registry because its API deletes manifests, not tags, and the index lists those manifests.
 *
 * @param tagStates each tag before and after the publish; empty when the publish never got to read the tags
 */
public record PublishResult(boolean published, String indexDigest, List<String> tags, List<Platform> listed,
                            double seconds, List<String> leftovers, String message, List<TagState> tagStates)
        implements Serializable {

    public PublishResult {
        tags = List.copyOf(tags);
        listed = List.copyOf(listed);
        leftovers = List.copyOf(leftovers);
        tagStates = List.copyOf(tagStates);
    }

    /** Without tag states: a publish that touched no tag, or a record from before they were kept. */
    public PublishResult(boolean published, String indexDigest, List<String> tags, List<Platform> listed,
                         double seconds, List<String> leftovers, String message) {
        this(published, indexDigest, tags, listed, seconds, leftovers, message, List.of());
    }

    public static PublishResult withheld(List<String> tags, List<String> leftovers, String message) {
        return new PublishResult(false, "", tags, List.of(), 0, leftovers, message);
    }

    /**
     * A publish that failed and could not put every tag back where it was: {@link #tagStates()} names each tag and
     * the digest it serves now.
     */
    public boolean tagsLeftChanged() {
        return !published && tagStates.stream().anyMatch(TagState::unrestored);
    }
}
