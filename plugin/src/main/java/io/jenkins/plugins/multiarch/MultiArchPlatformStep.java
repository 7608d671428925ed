package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.build.AgentContext;
import io.multiarch.build.PlatformBuild;
import io.multiarch.docker.Toolchain;
import io.multiarch.docker.ToolchainProbe;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.OutputListener;
import io.multiarch.report.JunitReport;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.PathProbe;
import io.multiarch.result.PlatformResult;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code multiArchPlatform}: one platform's stage of {@code multiArchImage}, on the agent of its branch, in the
 * directory the build context was unstashed into. It checks the context there, probes the agent's docker, runs the
 * engine's {@link PlatformBuild} (emulator check, build and push, test) through the agent's launcher, records the
 * result in the build, writes the JUnit file when there is a test, and returns the result as a map. It never fails
 * for a failure of the platform: an optional platform that fails marks the stage and build unstable; the wiring
 * fails the stage of a required one.
 */
public final class MultiArchPlatformStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String JUNIT_DIR = "multiarch-junit";

    private final String plan;
    private final String platform;

    /**
     * @param plan     the run id from {@code multiArchPlan}
     * @param platform the platform of this stage, as the plan spells it
     */
    @DataBoundConstructor
    public MultiArchPlatformStep(String plan, String platform) {
        this.plan = plan;
        this.platform = platform;
    }

    public String getPlan() {
        return plan;
    }

    public String getPlatform() {
        return platform;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient MultiArchPlatformStep step;

        Execution(MultiArchPlatformStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepSupport.OnAgent on = StepSupport.OnAgent.of(getContext());
            Run<?, ?> run = on.run();
            FilePath cwd = on.workspace();
            EnvVars env = on.env();
            TaskListener listener = on.listener();
            RunRecord record = on.record(step.plan);
            PlanSpec spec = record.getSpec();
            if (!spec.getPlatforms().contains(step.platform)) {
                throw new AbortException(Messages.MultiArchPlatformStep_notPlanned(step.platform, spec.getPlatforms()));
            }
            boolean required = spec.isRequired(step.platform);
            String agentName = on.agentName();
            OutputListener output = StepSupport.output(listener);

            PlatformResult result;
            BuildRequest request = null;
            try {
                request = requestOnAgent(spec, cwd);
            } catch (InvalidRequestException e) {
                result = failed(spec, agentName, e.getMessage());
                return finish(run, record, result, cwd, listener);
            }
            try (DockerSession session = on.docker(spec, output)) {
                Toolchain toolchain;
                try {
                    toolchain = ToolchainProbe.probe(session.docker());
                } catch (IOException e) {
                    result = failed(spec, agentName, Messages.MultiArchPlatformStep_noDocker(agentName, e.getMessage()));
                    return finish(run, record, result, cwd, listener);
                }
                output.line(Messages.MultiArchPlatformStep_toolchain(agentName, toolchain.describe()), false);
                RunPlan runPlan = RunPlan.of(request, spec.nativePlatforms(), spec.getId());
                PlatformTask task = runPlan.task(Platform.parse(step.platform));
                // the agent's kernel is the daemon's only when the daemon runs there: a remote DOCKER_HOST has its own
                String host = session.docker().env().getOrDefault("DOCKER_HOST", env == null ? "" : env.get("DOCKER_HOST", ""));
                AgentContext agent = new AgentContext(agentName, session.docker(),
                        new AgentFileAccess(cwd.getChannel(), WorkspaceList.tempDir(cwd)), toolchain,
                        on.launcher().isUnix() ? BinfmtTable.dirForDaemon(host) : "", output);
                result = new PlatformBuild(request, spec.getId(), task, agent).run();
            }
            return finish(run, record, result, cwd, listener);
        }

        /** The request with the context and Dockerfile as unstashed in this agent's workspace, checked there. */
        private static BuildRequest requestOnAgent(PlanSpec spec, FilePath cwd) {
            return spec.request(cwd.getRemote(), new PathProbe() {
                @Override
                public boolean isDirectory(String path) throws IOException, InterruptedException {
                    return new FilePath(cwd.getChannel(), path).isDirectory();
                }

                @Override
                public boolean isRegularFile(String path) throws IOException, InterruptedException {
                    FilePath f = new FilePath(cwd.getChannel(), path);
                    return f.exists() && !f.isDirectory();
                }
            });
        }

        private PlatformResult failed(PlanSpec spec, String agentName, String message) {
            return PlatformResult.failed(Platform.parse(step.platform), spec.isRequired(step.platform),
                    !spec.isNative(step.platform), agentName, message);
        }

        /** Records the result, writes its JUnit file, marks an optional failure unstable, and answers the wiring. */
        private Map<String, Object> finish(Run<?, ?> run, RunRecord record, PlatformResult result,
                                           FilePath cwd, TaskListener listener) throws IOException, InterruptedException {
            record.put(PlatformRecord.of(result));
            MultiArchImageAction.of(run).save();
            String junitFile = "";
            if (record.getSpec().testShell != null || record.getSpec().testExec != null) {
                FilePath file = cwd.child(JUNIT_DIR).child(JunitReport.fileName(result));
                file.getParent().mkdirs();
                try (OutputStream out = file.write()) {
                    new JunitReport().write(result, out);
                }
                junitFile = JUNIT_DIR + "/" + file.getName();
            }
            if (!result.passed()) {
                listener.getLogger().println(Messages.MultiArchPlatformStep_failed(step.platform, result.message()));
                if (!result.required()) {
                    getContext().get(FlowNode.class).addOrReplaceAction(
                            new WarningAction(Result.UNSTABLE).withMessage(Messages.MultiArchPlatformStep_optionalFailed(step.platform)));
                    run.setResult(Result.UNSTABLE);
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("platform", step.platform);
            answer.put("status", result.status().name());
            answer.put("required", result.required());
            answer.put("emulated", result.emulated());
            answer.put("digest", result.digest());
            answer.put("agent", result.agent());
            answer.put("message", result.message());
            answer.put("junitFile", junitFile);
            return answer;
        }
    }

    /** {@code multiArchPlatform}. Internal: the stages of {@code multiArchImage} call it. */
    @Extension
    @Symbol("multiArchPlatform")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            Set<Class<?>> context = new java.util.HashSet<>(StepSupport.AGENT_CONTEXT);
            context.add(FlowNode.class);
            return context;
        }

        @Override
        public String getFunctionName() {
            return "multiArchPlatform";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MultiArchPlatformStep_displayName();
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }
    }
}
