package io.jenkins.plugins.multiarch;

import io.multiarch.platform.Platform;
import io.multiarch.result.PublishResult;

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

    static PublishRecord of(PublishResult r) {
        PublishRecord p = new PublishRecord();
        p.published = r.published();
        p.indexDigest = r.indexDigest();
        p.tags = new ArrayList<>(r.tags());
        p.listed = new ArrayList<>(r.listed().stream().map(Platform::toString).toList());
        p.seconds = r.seconds();
        p.leftovers = new ArrayList<>(r.leftovers());
        p.message = r.message();
        return p;
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
}
