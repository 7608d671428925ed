package org.jenkinsci.plugins.workflow.steps;

import jenkins.model.CauseOfInterruption;

import java.util.List;

/** Stand-in for workflow-step-api's exception of an interrupted step: an abort, a timeout, fail-fast, a lost agent. */
public class FlowInterruptedException extends InterruptedException {
    private final List<CauseOfInterruption> causes;

    public FlowInterruptedException(CauseOfInterruption... causes) {
        this.causes = List.of(causes);
    }

    public List<CauseOfInterruption> getCauses() {
        return causes;
    }
}
