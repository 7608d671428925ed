package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import io.jenkins.plugins.multiarch.contract.Wiring;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code multiArchGate}: the one publish decision on the Pipeline side, from the build's record (never from values
 * passed through the script) with the engine's {@link io.multiarch.publish.RequiredPlatforms}, the gate the engine's
 * publisher asks too. After every platform's stage it decides whether the publish stage may run: only when every
 * required platform passed, and, for a variant of an all-or-nothing matrix build, every required platform of every
 * variant; when not, it records why on the build page and answers the message the wiring fails the build with. With
 * {@code platform}, right after that platform's stage, it answers whether that platform lets the publish go ahead
 * (an optional one always does), and the message its stage fails with when not. No agent is asked for.
 */
public final class MultiArchGateStep extends Step {

    private final String plan;
    private String platform;

    @DataBoundConstructor
    public MultiArchGateStep(String plan) {
        this.plan = plan;
    }

    public String getPlan() {
        return plan;
    }

    public String getPlatform() {
        return platform;
    }

    /** One platform of the plan, asked right after its stage; none for the whole record, after every stage. */
    @DataBoundSetter
    public void setPlatform(String platform) {
        this.platform = Util.fixEmpty(platform);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, plan, platform);
    }

    private static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private final String plan;
        private final String platform;

        Execution(StepContext context, String plan, String platform) {
            super(context);
            this.plan = plan;
            this.platform = platform;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            RunRecord record = StepSupport.record(run, plan);
            getContext().onSuccess(platform == null ? publishGate(run, record) : platformGate(record));
            return true;
        }

        /** Whether one platform lets the publish go ahead: not a required one that failed or never reported. */
        private Map<String, Object> platformGate(RunRecord record) throws AbortException {
            if (!record.getSpec().getPlatforms().contains(platform)) {
                throw new AbortException(Messages.MultiArchPlatformStep_notPlanned(platform, record.getSpec().getPlatforms()));
            }
            boolean blocks = !record.requiredNotPassed(List.of(platform)).isEmpty();
            PlatformRecord reported = record.platform(platform);
            String why = reported == null ? Messages.RunRecord_notReported() : reported.getMessage();
            return Wiring.answer(Wiring.Gate.class)
                    .put(Wiring.Gate.publish, !blocks)
                    .put(Wiring.Gate.message, blocks ? record.getSpec().stageName(platform) + ": " + why : "")
                    .toMap();
        }

        /** Whether the record's publish stage may run; when not, why, on the build page too. */
        private Map<String, Object> publishGate(Run<?, ?> run, RunRecord record) throws java.io.IOException {
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
            return Wiring.answer(Wiring.Gate.class)
                    .put(Wiring.Gate.publish, blockers.isEmpty())
                    .put(Wiring.Gate.message, message)
                    .toMap();
        }
    }

    /** {@code multiArchGate}. Internal: {@code multiArchImage} calls it after each platform's stage and after them all. */
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
