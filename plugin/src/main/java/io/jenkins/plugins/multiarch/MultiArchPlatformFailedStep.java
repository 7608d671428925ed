package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.multiarch.platform.Platform;
import io.multiarch.result.PlatformResult;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

import java.util.Map;
import java.util.Set;

/**
 * {@code multiArchPlatformFailed}: records that a platform's stage could not build or test it at all (no agent in
 * time, credentials, login, unstash, a lost agent): the platform fails with that reason in the build's record and
 * on the build page. An optional platform then drops out and marks the build unstable; the wiring fails the stage of
 * a required one. Runs without a node, in a moment; answers as {@code multiArchPlatform} does.
 */
public final class MultiArchPlatformFailedStep extends Step {
    /** Longer reasons (a stack trace's text, say) are cut: the stage's log has the whole story. */
    static final int MAX_MESSAGE = 2000;

    private final String plan;
    private final String platform;
    private final String message;

    @DataBoundConstructor
    public MultiArchPlatformFailedStep(String plan, String platform, String message) {
        this.plan = plan;
        this.platform = platform;
        this.message = message;
    }

    public String getPlan() {
        return plan;
    }

    public String getPlatform() {
        return platform;
    }

    public String getMessage() {
        return message;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    private static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private final String plan;
        private final String platform;
        private final String message;

        Execution(StepContext context, MultiArchPlatformFailedStep step) {
            super(context);
            this.plan = step.plan;
            this.platform = step.platform;
            this.message = step.message;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            RunRecord record = StepSupport.record(run, plan);
            PlanSpec spec = record.getSpec();
            if (!spec.getPlatforms().contains(platform)) {
                throw new hudson.AbortException(Messages.MultiArchPlatformStep_notPlanned(platform, spec.getPlatforms()));
            }
            String reason = message == null || message.isBlank() ? Messages.MultiArchPlatformFailedStep_unknown()
                    : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + " …" : message;
            PlatformRecord before = record.platform(platform);
            PlatformResult result = PlatformResult.failed(Platform.parse(platform), spec.isRequired(platform),
                    before != null ? before.isEmulated() : !spec.isNative(platform),
                    before != null ? before.getAgent() : "", reason);
            PlatformRecord recorded = PlatformRecord.of(result);
            record.put(recorded);
            TaskListener listener = getContext().get(TaskListener.class);
            listener.getLogger().println(Messages.MultiArchPlatformStep_failed(platform, reason));
            FlowNode node = getContext().get(FlowNode.class);
            if (!result.required() && node != null) {
                node.addOrReplaceAction(
                        new WarningAction(Result.UNSTABLE).withMessage(Messages.MultiArchPlatformStep_optionalFailed(platform)));
            }
            if (!result.required()) {
                run.setResult(Result.UNSTABLE);
            }
            MultiArchImageAction.of(run).save();
            Map<String, Object> answer = recorded.toAnswer("");
            getContext().onSuccess(answer);
            return true;
        }
    }

    /** {@code multiArchPlatformFailed}. Internal: the stages of {@code multiArchImage} call it. */
    @Extension
    @Symbol("multiArchPlatformFailed")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FlowNode.class);
        }

        @Override
        public String getFunctionName() {
            return "multiArchPlatformFailed";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MultiArchPlatformFailedStep_displayName();
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }
    }
}
