package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.multiarch.build.PlatformBuild;
import io.multiarch.report.JunitReport;
import io.multiarch.result.Phase;
import io.multiarch.result.PlatformResult;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.springframework.security.core.Authentication;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code multiArchPlatform}: one platform's stage of {@code multiArchImage}, on the agent of its branch, in the
 * directory the build context was unstashed into. Each attempt ({@link PlatformAttempt}) checks the context there,
 * probes the agent's docker and runs the engine's {@link PlatformBuild} (emulator check, build and push, test)
 * through the agent's launcher; this step records the result in the build, writes the JUnit file when there is a
 * test, and answers the result. It never fails for a failure of the platform: an optional platform that fails marks
 * the stage and build unstable; the stage of a required one fails on {@code multiArchGate}'s answer.
 *
 * <p>The work runs in a thread of its own, so the step neither blocks the Pipeline nor a controller restart: after a
 * restart the step stops what the interrupted attempt left running on the agent (its processes, found by their
 * {@link AgentCommandRunner#COOKIE}, and its test container) and builds the platform again from the start, which
 * the registry cache makes cheaper. An abort interrupts the work: the running command is killed, its container
 * removed, and the step fails with the abort's cause once that is done.
 */
public final class MultiArchPlatformStep extends Step {
    static final String JUNIT_DIR = "multiarch-junit";
    /** How long an abort may take to stop the platform's commands before the step reports the abort anyway. */
    static final Duration STOP_GRACE = Duration.ofSeconds(60);

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
    public StepExecution start(StepContext context) {
        return new Execution(context, plan, platform);
    }

    /** Thrown in an attempt whose controller has stopped (see {@code sameController}): it ends without a word. */
    private static final class StaleAttempt extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static ExecutorService pool;

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "multiArchPlatform");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;

        private final String plan;
        private final String platform;
        /** Marks every command of this stage, across restarts. */
        private final String cookie = UUID.randomUUID().toString();
        /** How many times the work began: more than one after a controller restart. */
        private int starts;
        private transient volatile Future<?> task;
        private transient volatile Throwable stopCause;
        private transient volatile boolean completed;
        private transient Authentication auth;
        /** The controller this attempt started on: an attempt outliving its controller must not touch the build. */
        private transient Jenkins controller;

        Execution(StepContext context, String plan, String platform) {
            super(context);
            this.plan = plan;
            this.platform = platform;
        }

        @Override
        public boolean start() {
            auth = Jenkins.getAuthentication2();
            begin(false);
            return false;
        }

        @Override
        public void onResume() {
            auth = ACL.SYSTEM2;
            begin(true);
        }

        private void begin(boolean resumed) {
            starts++;
            controller = Jenkins.getInstanceOrNull();
            task = pool().submit(() -> {
                try (ACLContext ignored = ACL.as2(auth)) {
                    Map<String, Object> answer = work(resumed);
                    complete(answer, null);
                } catch (Throwable t) {
                    complete(null, stopCause != null ? stopCause : t);
                }
            });
        }

        private synchronized void complete(Map<String, Object> answer, Throwable failure) {
            if (completed || !sameController()) {
                return;
            }
            completed = true;
            if (failure != null) {
                getContext().onFailure(failure);
            } else {
                getContext().onSuccess(answer);
            }
        }

        /**
         * Interrupts the work, which kills its command and removes its container, then reports {@code cause}; if
         * that takes longer than {@link #STOP_GRACE}, the cause is reported anyway.
         */
        @Override
        public void stop(@NonNull Throwable cause) {
            stopCause = cause;
            Future<?> t = task;
            if (t == null || t.isDone()) {
                complete(null, cause);
                return;
            }
            t.cancel(true);
            Timer.get().schedule(() -> complete(null, cause), STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public String getStatus() {
            Future<?> t = task;
            return (t == null || t.isDone() ? "not running" : "building " + platform) + ", attempt " + starts;
        }

        private Map<String, Object> work(boolean resumed) throws Exception {
            StepSupport.OnAgent on = resumed ? PlatformAttempt.reconnected(getContext(), plan, platform)
                    : StepSupport.OnAgent.of(getContext());
            Run<?, ?> run = on.run();
            FilePath cwd = on.workspace();
            TaskListener listener = on.listener();
            RunRecord record = on.record(plan);
            PlanSpec spec = record.getSpec();
            if (!spec.getPlatforms().contains(platform)) {
                throw new AbortException(Messages.MultiArchPlatformStep_notPlanned(platform, spec.getPlatforms()));
            }
            PlatformAttempt attempt = new PlatformAttempt(on, spec, platform, cookie, starts);
            if (resumed) {
                listener.getLogger().println(Messages.MultiArchPlatformStep_resumed(platform, attempt.agentName()));
                attempt.stopLeftovers(Map.of(AgentCommandRunner.COOKIE, cookie));
            }
            FilePath privateDir = PrivateTempDir.create(cwd.getChannel());
            try {
                PlatformResult result = attempt.build(privateDir);
                if (resumed) {
                    result = PlatformAttempt.withNote(result, Messages.MultiArchPlatformStep_resumedNote(starts));
                }
                return finish(run, record, result, attempt.phases(), cwd, listener);
            } catch (InterruptedException e) {
                attempt.stopLeftovers(Map.of(AgentCommandRunner.COOKIE, cookie, AgentCommandRunner.ATTEMPT, String.valueOf(starts)));
                throw e;
            } finally {
                PlatformAttempt.deleteQuietly(privateDir, listener);
            }
        }

        /**
         * Whether this attempt may still touch the build: not once its controller stops (it disconnects the agents
         * then, so the attempt fails for a reason of no interest; the next controller, or in tests that restart Jenkins
         * in one JVM its resumed successor, owns the build).
         */
        private boolean sameController() {
            Jenkins current = Jenkins.getInstanceOrNull();
            return current == controller && current != null && !current.isTerminating();
        }

        /** Records the result, writes its JUnit file, marks an optional failure unstable, and answers the wiring. */
        private Map<String, Object> finish(Run<?, ?> run, RunRecord record, PlatformResult result, List<Phase> phases,
                                           FilePath cwd, TaskListener listener) throws IOException, InterruptedException {
            if (!sameController()) {
                throw new StaleAttempt();
            }
            PlatformRecord recorded = PlatformRecord.of(result, phases);
            record.put(recorded);
            MultiArchImageAction.of(run).save();
            String junitFile = "";
            if (record.getSpec().testShell != null || record.getSpec().testExec != null) {
                FilePath dir = cwd.child(JUNIT_DIR);
                dir.mkdirs();
                String variant = record.getSpec().getVariant();
                FilePath file = dir.child(JunitReport.fileName(variant, result));
                try (OutputStream out = file.write()) {
                    new JunitReport().write(variant, result, out);
                }
                junitFile = JUNIT_DIR + "/" + file.getName();
            }
            if (!result.passed()) {
                listener.getLogger().println(Messages.MultiArchPlatformStep_failed(platform, result.message()));
                if (!result.required()) {
                    FlowNode node = getContext().get(FlowNode.class);
                    if (node != null) {
                        node.addOrReplaceAction(new WarningAction(Result.UNSTABLE)
                                .withMessage(Messages.MultiArchPlatformStep_optionalFailed(platform)));
                    }
                    run.setResult(Result.UNSTABLE);
                }
            }
            return recorded.toAnswer(junitFile);
        }
    }

    /** {@code multiArchPlatform}. Internal: the stages of {@code multiArchImage} call it. */
    @Extension
    @Symbol("multiArchPlatform")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            Set<Class<?>> context = new HashSet<>(StepSupport.AGENT_CONTEXT);
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
