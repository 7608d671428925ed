package io.jenkins.plugins.multiarch;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
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
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.result.Phase;
import io.multiarch.result.PlatformResult;
import org.jenkinsci.plugins.workflow.steps.StepContext;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One attempt of a platform's stage on its agent, for {@code multiArchPlatform}: the request rebuilt in the
 * workspace the context was unstashed into (with the build secrets written to the stage's private directory), the
 * agent's docker probed for this platform, and the engine's {@link PlatformBuild} run through the agent's launcher.
 * Every command carries the stage's cookie and the attempt's number, so that {@link #stopLeftovers} can find what
 * an interrupted attempt left running.
 */
final class PlatformAttempt {
    private static final Logger LOGGER = Logger.getLogger(PlatformAttempt.class.getName());
    /** How often a resumed stage looks whether its agent is back. */
    static final Duration RECONNECT_POLL = Duration.ofSeconds(5);

    private final StepSupport.OnAgent on;
    private final PlanSpec spec;
    private final String platform;
    private final String cookie;
    private final int attempt;
    private final String agentName;
    private final OutputListener output;
    private volatile List<Phase> phases = List.of();

    PlatformAttempt(StepSupport.OnAgent on, PlanSpec spec, String platform, String cookie, int attempt) throws IOException {
        this.on = on;
        this.spec = spec;
        this.platform = platform;
        this.cookie = cookie;
        this.attempt = attempt;
        this.agentName = on.agentName();
        this.output = StepSupport.output(on.listener());
    }

    /**
     * The stage's agent after a controller restart. An agent reconnects on its own time, after the controller
     * (a slower machine or network): until it does, its workspace cannot be reached. Waits for it, within the
     * plan's agent timeout, as a {@code sh} step waits for its agent; fails saying why when it does not come back.
     */
    static StepSupport.OnAgent reconnected(StepContext context, String plan, String platform) throws Exception {
        PlanSpec spec = StepSupport.record(context.get(Run.class), plan).getSpec();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(spec.agentTimeoutMinutes);
        boolean said = false;
        while (true) {
            try {
                return StepSupport.OnAgent.of(context);
            } catch (IOException offline) { // AgentOfflineException: the node is known, its channel is not back
                if (System.nanoTime() - deadline >= 0) {
                    throw new AbortException(Messages.MultiArchPlatformStep_agentNotBack(platform,
                            spec.agentTimeoutMinutes, offline.getMessage()));
                }
                if (!said) {
                    context.get(TaskListener.class).getLogger().println(Messages.MultiArchPlatformStep_waitingForAgent(
                            platform, spec.agentTimeoutMinutes, offline.getMessage()));
                    said = true;
                }
                Thread.sleep(RECONNECT_POLL.toMillis());
            }
        }
    }

    String agentName() {
        return agentName;
    }

    /** The phases of this attempt's build on the plan's clock, for the timeline; empty before it ran. */
    List<Phase> phases() {
        return phases;
    }

    /**
     * Builds, pushes and tests the platform; never throws for the platform's failure, which is in the result.
     * The secrets' values go to files of the stage's own in {@code privateDir}, deleted as soon as the build is over.
     */
    PlatformResult build(FilePath privateDir) throws IOException, InterruptedException {
        FilePath cwd = on.workspace();
        BuildRequest request;
        try (SecretFiles secrets = SecretFiles.write(spec.secrets, on.run(), privateDir)) {
            if (!spec.secrets.isEmpty()) {
                output.line(Messages.SecretFiles_written(String.join(", ", secrets.paths().keySet())), false);
            }
            try {
                request = spec.request(cwd.getRemote(), new WorkspaceProbe(cwd.getChannel()), secrets.paths());
            } catch (InvalidRequestException e) {
                return failed(e.getMessage());
            }
            return build(privateDir, request);
        }
    }

    private PlatformResult build(FilePath privateDir, BuildRequest request) throws IOException, InterruptedException {
        FilePath cwd = on.workspace();
        EnvVars env = on.env();
        try (DockerSession session = on.docker(spec, output, privateDir, cookie, String.valueOf(attempt))) {
            Toolchain toolchain;
            try {
                // only this stage's platform is measured (native or emulated) on the agent
                toolchain = ToolchainProbe.probe(session.docker(), List.of(Platform.parse(platform)));
            } catch (IOException e) {
                return failed(Messages.MultiArchPlatformStep_noDocker(agentName, e.getMessage()));
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
    void stopLeftovers(Map<String, String> marks) {
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

    static void deleteQuietly(FilePath dir, TaskListener listener) {
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

    private PlatformResult failed(String message) {
        return PlatformResult.failed(Platform.parse(platform), spec.isRequired(platform),
                !spec.isNative(platform), agentName, message);
    }

    /** The result with a note after its message (the attempt after a controller restart, say). */
    static PlatformResult withNote(PlatformResult r, String note) {
        String message = r.message().isEmpty() ? note : r.message() + " (" + note + ")";
        return new PlatformResult(r.platform(), r.required(), r.status(), r.digest(), r.emulated(), r.agent(),
                r.attempts(), r.binfmtSeconds(), r.buildSeconds(), r.pushSeconds(), r.size(), r.tempTag(),
                r.test(), message);
    }
}
