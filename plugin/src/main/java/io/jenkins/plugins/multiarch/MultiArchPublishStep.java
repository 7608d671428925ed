package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import io.jenkins.plugins.multiarch.contract.Wiring;
import io.multiarch.build.MultiArchBuild;
import io.multiarch.process.OutputListener;
import io.multiarch.publish.Publisher;
import io.multiarch.request.BuildRequest;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

import java.util.ArrayList;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code multiArchPublish}: the publish stage of {@code multiArchImage}. It takes the platform results the stages
 * recorded in the build (not values passed through the script), and runs the engine's gated {@link Publisher} on
 * its agent: one index of every platform that passed under every tag, only when every required platform passed,
 * read back from the registry. Fails the step when the publish was attempted and failed.
 */
public final class MultiArchPublishStep extends Step {

    private final String plan;

    /** @param plan the run id from {@code multiArchPlan} */
    @DataBoundConstructor
    public MultiArchPublishStep(String plan) {
        this.plan = plan;
    }

    public String getPlan() {
        return plan;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String plan;

        Execution(MultiArchPublishStep step, StepContext context) {
            super(context);
            this.plan = step.plan;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepSupport.OnAgent on = StepSupport.OnAgent.of(getContext());
            RunRecord record = on.record(plan);
            PlanSpec spec = record.getSpec();
            // the publish reads no build context: the request's paths are not used here
            BuildRequest request = spec.validate();
            List<PlatformResult> results = new ArrayList<>();
            for (PlatformRecord r : record.getPlatforms()) {
                results.add(r.toResult());
            }
            OutputListener output = MultiArchBuild.prefixed(StepSupport.output(on.listener()), "publish");
            PublishResult published;
            long startMillis = System.currentTimeMillis();
            FilePath privateDir = PrivateTempDir.create(on.workspace().getChannel());
            try (DockerSession session = on.docker(spec, output, privateDir, UUID.randomUUID().toString(), "1")) {
                published = new Publisher(session.docker(), request, output).publish(results);
            } finally {
                privateDir.deleteRecursive();
            }
            // an abort while the tags moved: the publisher put them back first, and says so in its result
            boolean interrupted = Thread.interrupted();
            record.setPublish(PublishRecord.of(published).withPhase(spec.startMillis, startMillis, System.currentTimeMillis()));
            MultiArchImageAction.of(on.run()).save();
            if (interrupted) {
                throw new InterruptedException(published.message());
            }
            if (!published.published()) {
                throw new AbortException(published.message());
            }
            return Wiring.answer(Wiring.Published.class)
                    .put(Wiring.Published.published, true)
                    .put(Wiring.Published.indexDigest, published.indexDigest())
                    .put(Wiring.Published.tags, new ArrayList<>(published.tags()))
                    .put(Wiring.Published.platforms, new ArrayList<>(published.listed().stream().map(Object::toString).toList()))
                    .toMap();
        }
    }

    /** {@code multiArchPublish}. Internal: the publish stage of {@code multiArchImage} calls it. */
    @Extension
    @Symbol("multiArchPublish")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return StepSupport.AGENT_CONTEXT;
        }

        @Override
        public String getFunctionName() {
            return "multiArchPublish";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MultiArchPublishStep_displayName();
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }
    }
}
