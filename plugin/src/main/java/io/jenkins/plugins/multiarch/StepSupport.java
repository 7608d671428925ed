package io.jenkins.plugins.multiarch;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.multiarch.process.OutputListener;

import java.io.PrintStream;

/** What the platform and publish steps share: finding their plan in the build, and engine output to the log. */
final class StepSupport {
    private StepSupport() {
    }

    static RunRecord record(Run<?, ?> run, String planId) throws AbortException {
        MultiArchImageAction action = run.getAction(MultiArchImageAction.class);
        if (action == null || planId == null) {
            throw new AbortException(Messages.StepSupport_noPlan(planId));
        }
        return action.find(planId).orElseThrow(() -> new AbortException(Messages.StepSupport_noPlan(planId)));
    }

    /** Engine output, line by line, into the stage's log (each stage has its own log in Pipeline views). */
    static OutputListener output(TaskListener listener) {
        PrintStream out = listener.getLogger();
        return (line, error) -> {
            synchronized (out) {
                out.println(line);
            }
        };
    }
}
