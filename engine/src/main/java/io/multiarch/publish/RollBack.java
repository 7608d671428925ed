package io.multiarch.publish;

import io.multiarch.buildx.Manifest;
import io.multiarch.request.Tag;
import io.multiarch.result.TagState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A publish that failed part way, undone: every tag it moved put back where it was, where that can be done exactly,
 * and every tag's state said ({@link TagState}).
 */
final class RollBack {

    private RollBack() {
    }

    /**
     * Puts every tag this publish moved back where it was, where it still serves this publish's index, and reads
     * every tag again. Not interruptible: the interrupt flag is cleared while it runs (and set again by the caller).
     */
    static List<TagState> rollBack(TagAccess tags, Map<Tag, Served> before, List<Tag> touched, String planned) {
        Thread.interrupted();
        List<TagState> states = new ArrayList<>();
        for (Map.Entry<Tag, Served> e : before.entrySet()) {
            Tag tag = e.getKey();
            String was = e.getValue().digest();
            boolean ours = touched.contains(tag);
            Served now;
            try {
                now = tags.served(tag);
            } catch (IOException | InterruptedException ex) {
                Thread.interrupted();
                states.add(new TagState(tag.value(), was, "", "could not be read after the failed publish: "
                        + ex.getMessage(), ours));
                continue;
            }
            if (!ours || !now.digest().equals(planned)) {
                String note = now.digest().equals(was) ? "" : now.digest().equals(planned)
                        ? "already served this index before the publish" : "moved by someone else meanwhile; left as it is";
                states.add(new TagState(tag.value(), was, now.digest(), note, false));
            } else if (was.isEmpty()) {
                states.add(new TagState(tag.value(), was, now.digest(), "created by this publish; the registry API "
                        + "cannot remove a tag, so it stays", true));
            } else {
                states.add(restore(tags, tag, e.getValue(), planned));
            }
        }
        return states;
    }

    /** Points a tag back at the index it served; a single image manifest only if imagetools re-creates it exactly. */
    private static TagState restore(TagAccess tags, Tag tag, Served was, String planned) {
        String ref = tags.image().withTag(tag);
        try {
            if (!was.index()) {
                String dry = tags.run(tags.commands().copy(was.digest(), tag, true)).stdout().strip();
                if (!Manifest.digestOf(dry).equals(was.digest())) {
                    return new TagState(tag.value(), was.digest(), planned, "it served a single image manifest, which "
                            + "imagetools cannot push again unchanged; not restored", true);
                }
            }
            tags.output().line("moving " + ref + " back to " + was.digest(), true);
            tags.run(tags.commands().copy(was.digest(), tag, false));
            Served now = tags.served(tag);
            return now.digest().equals(was.digest())
                    ? new TagState(tag.value(), was.digest(), now.digest(), "restored after the failed publish", false)
                    : new TagState(tag.value(), was.digest(), now.digest(), "restoring it did not take", true);
        } catch (IOException | IllegalStateException | InterruptedException e) {
            Thread.interrupted();
            String now = "";
            try {
                now = tags.served(tag).digest();
            } catch (IOException | InterruptedException ex) {
                Thread.interrupted();
            }
            return new TagState(tag.value(), was.digest(), now, "restoring it failed: " + e.getMessage(), true);
        }
    }

    /** What became of the tags, for the message: restored, untouched, or where each one is left. */
    static String summary(List<TagState> states) {
        List<TagState> left = states.stream().filter(TagState::unrestored).toList();
        if (!left.isEmpty()) {
            return "not restored: " + left.stream().map(t -> t.tag() + " serves "
                    + (t.after().isEmpty() ? "(unknown)" : t.after()) + " (" + t.note() + ")").collect(Collectors.joining(", "));
        }
        List<TagState> changed = states.stream().filter(t -> !t.unchanged()).toList();
        if (!changed.isEmpty()) {
            return "no move of this publish is left, but " + changed.stream().map(t -> t.tag() + " serves "
                    + (t.after().isEmpty() ? "(nothing)" : t.after()) + " (" + t.note() + ")").collect(Collectors.joining(", "));
        }
        return "every tag serves what it served before";
    }
}
