package org.jenkinsci.plugins.workflow.support.steps;

/** Stand-in for workflow-durable-task-step's marker of interruptions caused by a lost agent. */
public final class AgentErrorCondition {
    private AgentErrorCondition() {
    }

    public interface Retryable {
    }
}
