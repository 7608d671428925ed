package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.build.AgentContext;
import io.multiarch.build.PlatformBuild;
import io.multiarch.buildx.BuildxCommands;
import io.multiarch.docker.Toolchain;
import io.multiarch.docker.ToolchainProbe;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.OutputListener;
import io.multiarch.report.JunitReport;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code multiArchPlatform}: one platform's stage of {@code multiArchImage}, on the agent of its branch, in the
 * directory the build context was unstashed into. It checks the context there, probes the agent's docker, runs the
 * engine's {@link PlatformBuild} (emulator check, build and push, test) through the agent's launcher, records the
 * result in the build, writes the JUnit file when there is a test, and answers the result. It never fails for a
 * failure of the platform: an optional platform that fails marks the stage and build unstable; the wiring fails
 * the stage of a required one.
 *
 * <p>The work runs in a thread of its own, so the step neither blocks the Pipeline nor a controller restart: after a
 * restart the step stops what the interrupted attempt left running on the agent (its processes, found by their
 * {@link AgentCommandRunner#COOKIE}, and its test container) and builds the platform again from the start, which
 * the registry cache makes cheaper. An abort interrupts the work: the running command is killed, its container
 * removed, and the step fails with the abort's cause once that is done.
 */
public final class MultiArchPlatformStep extends Step {
    private static final Logger LOGGER = Logger.getLogger(MultiArchPlatformStep.class.getName());
    static final String JUNIT_DIR = "multiarch-junit";
    /** How long an abort may take to stop the platform's commands before the step reports the abort anyway. */
    static final Duration STOP_GRACE = Duration.ofSeconds(60);
    /** How often a resumed stage looks whether its agent is back. */
    static final Duration RECONNECT_POLL = Duration.ofSeconds(5);

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
        /** The phases of this attempt's build, on the plan's clock, for the timeline. */
        private transient volatile java.util.List<io.multiarch.result.Phase> phases;

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
            StepSupport.OnAgent on = resumed ? reconnected() : StepSupport.OnAgent.of(getContext());
            Run<?, ?> run = on.run();
            FilePath cwd = on.workspace();
            TaskListener listener = on.listener();
            RunRecord record = on.record(plan);
            PlanSpec spec = record.getSpec();
            if (!spec.getPlatforms().contains(platform)) {
                throw new AbortException(Messages.MultiArchPlatformStep_notPlanned(platform, spec.getPlatforms()));
            }
            String agentName = on.agentName();
            OutputListener output = StepSupport.output(listener);
            if (resumed) {
                listener.getLogger().println(Messages.MultiArchPlatformStep_resumed(platform, agentName));
                stopLeftovers(on, spec, Map.of(AgentCommandRunner.COOKIE, cookie));
            }
            FilePath privateDir = PrivateTempDir.create(cwd.getChannel());
            try {
                PlatformResult result = build(on, spec, record, agentName, output, privateDir);
                if (resumed) {
                    result = withNote(result, Messages.MultiArchPlatformStep_resumedNote(starts));
                }
                return finish(run, record, result, cwd, listener);
            } catch (InterruptedException e) {
                stopLeftovers(on, spec, Map.of(AgentCommandRunner.COOKIE, cookie, AgentCommandRunner.ATTEMPT, String.valueOf(starts)));
                throw e;
            } finally {
                deleteQuietly(privateDir, listener);
            }
        }

        /**
         * The stage's agent after a controller restart. An agent reconnects on its own time, after the controller
         * (a slower machine or network): until it does, its workspace cannot be reached. Waits for it, within the
         * plan's agent timeout, as a {@code sh} step waits for its agent; fails saying why when it does not come back.
         */
        private StepSupport.OnAgent reconnected() throws Exception {
            PlanSpec spec = StepSupport.record(getContext().get(Run.class), plan).getSpec();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(spec.agentTimeoutMinutes);
            boolean said = false;
            while (true) {
                try {
                    return StepSupport.OnAgent.of(getContext());
                } catch (IOException offline) { // AgentOfflineException: the node is known, its channel is not back
                    if (System.nanoTime() - deadline >= 0) {
                        throw new AbortException(Messages.MultiArchPlatformStep_agentNotBack(platform,
                                spec.agentTimeoutMinutes, offline.getMessage()));
                    }
                    if (!said) {
                        getContext().get(TaskListener.class).getLogger().println(Messages.MultiArchPlatformStep_waitingForAgent(
                                platform, spec.agentTimeoutMinutes, offline.getMessage()));
                        said = true;
                    }
                    Thread.sleep(RECONNECT_POLL.toMillis());
                }
            }
        }

        private PlatformResult build(StepSupport.OnAgent on, PlanSpec spec, RunRecord record, String agentName,
                                     OutputListener output, FilePath privateDir) throws IOException, InterruptedException {
            FilePath cwd = on.workspace();
            BuildRequest request;
            // the secrets' values go to files of the stage's own, deleted as soon as the build is over
            try (SecretFiles secrets = SecretFiles.write(spec.secrets, on.run(), privateDir)) {
                if (!spec.secrets.isEmpty()) {
                    output.line(Messages.SecretFiles_written(String.join(", ", secrets.paths().keySet())), false);
                }
                try {
                    request = spec.request(cwd.getRemote(), new WorkspaceProbe(cwd.getChannel()), secrets.paths());
                } catch (InvalidRequestException e) {
                    return failed(spec, agentName, e.getMessage());
                }
                return build(on, spec, agentName, output, privateDir, request);
            }
        }

        private PlatformResult build(StepSupport.OnAgent on, PlanSpec spec, String agentName, OutputListener output,
                                     FilePath privateDir, BuildRequest request) throws IOException, InterruptedException {
            FilePath cwd = on.workspace();
            EnvVars env = on.env();
            try (DockerSession session = on.docker(spec, output, privateDir, cookie, String.valueOf(starts))) {
                Toolchain toolchain;
                try {
                    // only this stage's platform is measured (native or emulated) on the agent
                    toolchain = ToolchainProbe.probe(session.docker(), java.util.List.of(Platform.parse(platform)));
                } catch (IOException e) {
                    return failed(spec, agentName, Messages.MultiArchPlatformStep_noDocker(agentName, e.getMessage()));
                }
                output.line(Messages.MultiArchPlatformStep_toolchain(agentName, toolchain.describe()), false);
                RunPlan runPlan = RunPlan.of(request, spec.nativePlatforms(), spec.getId(), spec.getVariant());
                PlatformTask task = runPlan.task(Platform.parse(platform));
                // the agent's kernel is the daemon's only when the daemon runs there: a remote DOCKER_HOST has its own
                String host = session.docker().env().getOrDefault("DOCKER_HOST", env == null ? "" : env.get("DOCKER_HOST", ""));
                AgentContext agent = new AgentContext(agentName, session.docker(),
                        new AgentFileAccess(cwd.getChannel(), privateDir), toolchain,
                        on.launcher().isUnix() ? BinfmtTable.dirForDaemon(host) : "", output);
                // time zero of the timeline is the plan's, on this controller's clock (every stage's build runs here)
                long planStartNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(
                        Math.max(0, System.currentTimeMillis() - (spec.startMillis > 0 ? spec.startMillis : System.currentTimeMillis())));
                PlatformBuild platformBuild = new PlatformBuild(request, spec.getId(), task, agent);
                PlatformResult result = platformBuild.run();
                phases = platformBuild.phases(planStartNanos);
                if (result.status() != io.multiarch.result.Status.SKIPPED) {
                    output.line(Messages.MultiArchPlatformStep_ran(platform, agentName,
                            result.emulated() ? Messages.MultiArchPlatformStep_underQemu() : Messages.MultiArchPlatformStep_natively()), false);
                }
                return result;
            }
        }

        /**
         * Stops what an attempt of this stage left on the agent: every process whose environment holds
         * {@code marks} (this stage's cookie, and an attempt's number to spare the others), and its test container.
         */
        private void stopLeftovers(StepSupport.OnAgent on, PlanSpec spec, Map<String, String> marks) {
            boolean interrupted = Thread.interrupted();
            try {
                on.launcher().kill(marks);
                String container = BuildxCommands.containerName(spec.getId(), Platform.parse(platform));
                FilePath dir = PrivateTempDir.create(on.workspace().getChannel());
                try (DockerSession session = on.dockerWithoutLogin(spec, dir, cookie + "-cleanup", "0")) {
                    session.docker().run(session.docker().command("rm", "-f", container)
                            .withTimeout(Duration.ofSeconds(60)), OutputListener.NONE);
                } finally {
                    deleteQuietly(dir, on.listener());
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                LOGGER.log(Level.WARNING, "could not stop what " + platform + " left running", e);
                on.listener().getLogger().println(Messages.MultiArchPlatformStep_leftovers(platform, String.valueOf(e.getMessage())));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private static void deleteQuietly(FilePath dir, TaskListener listener) {
            boolean interrupted = Thread.interrupted();
            try {
                dir.deleteRecursive();
            } catch (IOException | InterruptedException e) {
                listener.getLogger().println(Messages.MultiArchPlatformStep_cleanupFailed(dir.getRemote(), e.getMessage()));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private PlatformResult failed(PlanSpec spec, String agentName, String message) {
            return PlatformResult.failed(Platform.parse(platform), spec.isRequired(platform),
                    !spec.isNative(platform), agentName, message);
        }

        private static PlatformResult withNote(PlatformResult r, String note) {
            String message = r.message().isEmpty() ? note : r.message() + " (" + note + ")";
            return new PlatformResult(r.platform(), r.required(), r.status(), r.digest(), r.emulated(), r.agent(),
                    r.attempts(), r.binfmtSeconds(), r.buildSeconds(), r.pushSeconds(), r.size(), r.tempTag(),
                    r.test(), message);
        }

        /**
         * Whether the controller this attempt began on still runs. Only a controller that stops but whose JVM goes
         * on (tests that restart Jenkins in one JVM) leaves such an attempt behind; its resumed successor owns the
         * build.
         */
        /**
         * Whether this attempt may still touch the build: not once its controller stops (it disconnects the agents
         * then, so the attempt fails for a reason of no interest; the next controller resumes the stage).
         */
        private boolean sameController() {
            Jenkins current = Jenkins.getInstanceOrNull();
            return current == controller && current != null && !current.isTerminating();
        }

        /** Records the result, writes its JUnit file, marks an optional failure unstable, and answers the wiring. */
        private Map<String, Object> finish(Run<?, ?> run, RunRecord record, PlatformResult result,
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
