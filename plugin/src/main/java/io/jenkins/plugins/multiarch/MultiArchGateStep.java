package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import io.jenkins.plugins.multiarch.contract.Wiring;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

import java.util.List;
import java.util.Set;

/**
 * {@code multiArchGate}: after every platform's stage, decides from the build's record (never from values passed
 * through the script) whether the publish stage may run: only when every required platform passed, and, for a
 * variant of an all-or-nothing matrix build, every required platform of every variant. When not, it
 * records why on the build page and answers the message the wiring fails the build with; no agent is asked for.
 */
public final class MultiArchGateStep extends Step {

    private final String plan;

    @DataBoundConstructor
    public MultiArchGateStep(String plan) {
        this.plan = plan;
    }

    public String getPlan() {
        return plan;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, plan);
    }

    private static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private final String plan;

        Execution(StepContext context, String plan) {
            super(context);
            this.plan = plan;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            RunRecord record = StepSupport.record(run, plan);
            List<String> blockers = record.requiredNotPassed();
            String message = "";
            if (!blockers.isEmpty()) {
                message = record.getSpec().variant.isEmpty() ? Messages.RunRecord_withheld(String.join(", ", blockers))
                        : Messages.MultiArchGateStep_variantWithheld(record.getSpec().variant, String.join(", ", blockers));
            } else if (record.getSpec().allOrNothing) {
                // all or nothing: the variant waits for every other one of its matrix
                List<String> failed = new java.util.ArrayList<>();
                for (String id : record.getSpec().matrix) {
                    RunRecord other = StepSupport.record(run, id);
                    if (!other.requiredNotPassed().isEmpty()) {
                        failed.add(other.getSpec().variant);
                    }
                }
                if (!failed.isEmpty()) {
                    blockers = failed;
                    message = Messages.MultiArchGateStep_allOrNothing(String.join(", ", failed));
                }
            }
            if (!blockers.isEmpty()) {
                record.setWithheld(message);
                MultiArchImageAction.of(run).save();
            }
            getContext().onSuccess(Wiring.answer(Wiring.Gate.class)
                    .put(Wiring.Gate.publish, blockers.isEmpty())
                    .put(Wiring.Gate.message, message)
                    .toMap());
            return true;
        }
    }

    /** {@code multiArchGate}. Internal: {@code multiArchImage} calls it after the platforms' stages. */
    @Extension
    @Symbol("multiArchGate")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class);
        }

        @Override
        public String getFunctionName() {
            return "multiArchGate";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MultiArchGateStep_displayName();
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }
    }
}
