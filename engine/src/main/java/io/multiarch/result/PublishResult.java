package io.multiarch.result;

import io.multiarch.platform.Platform;

import java.io.Serializable;
import java.util.List;

/**
 * What the publish step did: whether the index went out under every tag, its digest, what the registry's index
 * lists (read back), and what was left behind: temporary tags, which stay in the registry because its API
 * deletes manifests, not tags, and the index lists those manifests.
 */
public record PublishResult(boolean published, String indexDigest, List<String> tags, List<Platform> listed,
                            double seconds, List<String> leftovers, String message) implements Serializable {

    public PublishResult {
        tags = List.copyOf(tags);
        listed = List.copyOf(listed);
        leftovers = List.copyOf(leftovers);
    }

    public static PublishResult withheld(List<String> tags, List<String> leftovers, String message) {
        return new PublishResult(false, "", tags, List.of(), 0, leftovers, message);
    }
}
