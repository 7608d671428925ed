package io.multiarch.request;

import java.util.List;

/** Where to publish: the repository and the tags of the one index. */
public record PublishTarget(ImageName image, List<Tag> tags) {

    public PublishTarget {
        tags = List.copyOf(tags);
    }
}
