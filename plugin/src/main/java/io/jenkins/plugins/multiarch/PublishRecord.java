package io.jenkins.plugins.multiarch;

import io.multiarch.platform.Platform;
import io.multiarch.result.PublishResult;
import io.multiarch.result.TagState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The {@link PublishResult} as the build stores it (plain fields for XStream and Jelly). */
public final class PublishRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private boolean published;
    private String indexDigest;
    private List<String> tags = new ArrayList<>();
    private List<String> listed = new ArrayList<>();
    private double seconds;
    private List<String> leftovers = new ArrayList<>();
    private String message;
    private List<TagRecord> tagStates = new ArrayList<>();
    /** The publish on the plan's clock, for the timeline; null when not recorded. */
    private PhaseRecord phase;

    /** One tag before and after the publish, as the build stores it. */
    public static final class TagRecord implements Serializable {
        private static final long serialVersionUID = 1L;
        private String tag;
        private String before;
        private String after;
        private String note;
        private boolean unrestored;

        static TagRecord of(TagState t) {
            TagRecord r = new TagRecord();
            r.tag = t.tag();
            r.before = t.before();
            r.after = t.after();
            r.note = t.note();
            r.unrestored = t.unrestored();
            return r;
        }

        public String getTag() {
            return tag;
        }

        /** The digest the tag served before, or empty when it did not exist. */
        public String getBefore() {
            return before == null ? "" : before;
        }

        /** The digest it serves now, or empty. */
        public String getAfter() {
            return after == null ? "" : after;
        }

        public String getNote() {
            return note == null ? "" : note;
        }

        /** Whether a failed publish moved this tag and could not put it back. */
        public boolean isUnrestored() {
            return unrestored;
        }

        public boolean isChanged() {
            return !getBefore().equals(getAfter());
        }
    }

    static PublishRecord of(PublishResult r) {
        PublishRecord p = new PublishRecord();
        p.published = r.published();
        p.indexDigest = r.indexDigest();
        p.tags = new ArrayList<>(r.tags());
        p.listed = new ArrayList<>(r.listed().stream().map(Platform::toString).toList());
        p.seconds = r.seconds();
        p.leftovers = new ArrayList<>(r.leftovers());
        p.message = r.message();
        p.tagStates = new ArrayList<>(r.tagStates().stream().map(TagRecord::of).toList());
        return p;
    }

    /** This record with the publish's time on the plan's clock ({@code startMillis} of the plan, 0 for none). */
    PublishRecord withPhase(long planStartMillis, long startMillis, long endMillis) {
        if (planStartMillis > 0) {
            phase = PhaseRecord.of(new io.multiarch.result.Phase("publish", (startMillis - planStartMillis) / 1000.0,
                    (endMillis - planStartMillis) / 1000.0));
        }
        return this;
    }

    /** The publish on the plan's clock, or null. */
    io.multiarch.result.Phase phase() {
        return phase == null ? null : phase.toPhase();
    }

    public boolean isPublished() {
        return published;
    }

    public String getIndexDigest() {
        return indexDigest == null ? "" : indexDigest;
    }

    public List<String> getTags() {
        return List.copyOf(tags);
    }

    public List<String> getListed() {
        return List.copyOf(listed);
    }

    public double getSeconds() {
        return seconds;
    }

    public List<String> getLeftovers() {
        return List.copyOf(leftovers);
    }

    public String getMessage() {
        return message == null ? "" : message;
    }

    /** Each tag before and after the publish; empty when it touched no tag (or for an older record). */
    public List<TagRecord> getTagStates() {
        return tagStates == null ? List.of() : List.copyOf(tagStates);
    }

    /** Whether a failed publish left some tag moved: the page then names each tag and what it serves. */
    public boolean isTagsLeftChanged() {
        return !published && getTagStates().stream().anyMatch(TagRecord::isUnrestored);
    }
}
