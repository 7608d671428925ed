package io.jenkins.plugins.multiarch;

import hudson.model.Run;
import jenkins.model.RunAction2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The build's record of its multi-architecture images: one {@link RunRecord} per {@code multiArchImage} call,
 * filled in by the plan, each platform's stage and the publish as they finish. Shown as a summary on the build
 * page ({@code summary.jelly}) and as its own page with the per-platform table ({@code index.jelly}).
 */
public final class MultiArchImageAction implements RunAction2 {
    static final String URL_NAME = "multiarch-image";

    /** Replaced by a changed copy, never changed in place: XStream may be writing it (see {@link RunRecord}). */
    private volatile List<RunRecord> runs = new ArrayList<>();
    private transient Run<?, ?> run;

    /** The build's action, added on first use. */
    static synchronized MultiArchImageAction of(Run<?, ?> run) {
        MultiArchImageAction action = run.getAction(MultiArchImageAction.class);
        if (action == null) {
            action = new MultiArchImageAction();
            run.addAction(action);
        }
        return action;
    }

    synchronized void add(RunRecord record) {
        List<RunRecord> copy = new ArrayList<>(runs);
        copy.add(record);
        runs = copy;
    }

    public synchronized List<RunRecord> getRuns() {
        return List.copyOf(runs);
    }

    synchronized Optional<RunRecord> find(String id) {
        return runs.stream().filter(r -> r.getId().equals(id)).findFirst();
    }

    /** Writes the build so the records survive a restart. */
    void save() throws IOException {
        if (run != null) {
            run.save();
        }
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return "symbol-cube";
    }

    @Override
    public String getDisplayName() {
        return Messages.MultiArchImageAction_displayName();
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }
}
