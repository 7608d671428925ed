package io.jenkins.plugins.multiarch;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.multiarch.process.OutputListener;
import org.jenkinsci.plugins.workflow.steps.StepContext;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** What the platform and publish steps share: finding their plan in the build, and engine output to the log. */
final class StepSupport {
    /** The context the steps that run docker on an agent need: {@link OnAgent#of} reads exactly these. */
    static final Set<Class<?>> AGENT_CONTEXT = Set.of(Run.class, FilePath.class, Launcher.class, EnvVars.class, Node.class,
            TaskListener.class);

    private StepSupport() {
    }

    /** A step's view of the agent it runs on, read from its {@link StepContext}. */
    record OnAgent(Run<?, ?> run, FilePath workspace, Launcher launcher, EnvVars env, Node node, TaskListener listener) {

        static OnAgent of(StepContext ctx) throws IOException, InterruptedException {
            return new OnAgent(ctx.get(Run.class), ctx.get(FilePath.class), ctx.get(Launcher.class), ctx.get(EnvVars.class),
                    ctx.get(Node.class), ctx.get(TaskListener.class));
        }

        /** The agent's name for results, empty when the node is unknown. */
        String agentName() {
            return node == null ? "" : node.getDisplayName();
        }

        /** The run's plan, as {@code multiArchPlan} recorded it. */
        RunRecord record(String planId) throws AbortException {
            return StepSupport.record(run, planId);
        }

        /**
         * Docker on this agent, logged in as the plan says, its configuration in {@code privateDir}, every command
         * marked with {@code cookie}; close it to log out.
         */
        DockerSession docker(PlanSpec spec, OutputListener output, FilePath privateDir, String cookie, String attempt)
                throws IOException, InterruptedException {
            return DockerSession.open(spec, run, workspace, launcher, env, node, listener, output, privateDir,
                    Map.of(AgentCommandRunner.COOKIE, cookie, AgentCommandRunner.ATTEMPT, attempt), true);
        }

        /** Docker on this agent without a registry login: for clean-up commands. */
        DockerSession dockerWithoutLogin(PlanSpec spec, FilePath privateDir, String cookie, String attempt)
                throws IOException, InterruptedException {
            return DockerSession.open(spec, run, workspace, launcher, env, node, listener, OutputListener.NONE, privateDir,
                    Map.of(AgentCommandRunner.COOKIE, cookie, AgentCommandRunner.ATTEMPT, attempt), false);
        }
    }

    static RunRecord record(Run<?, ?> run, String planId) throws AbortException {
        MultiArchImageAction action = run.getAction(MultiArchImageAction.class);
        if (action == null || planId == null) {
            throw new AbortException(Messages.StepSupport_noPlan(planId));
        }
        return action.find(planId).orElseThrow(() -> new AbortException(Messages.StepSupport_noPlan(planId)));
    }

    /**
     * Engine output, line by line, into the stage's log (each stage has its own log in Pipeline views), with control
     * characters made inert: a build or test must not move the cursor, forge a line or hide one.
     */
    static OutputListener output(TaskListener listener) {
        PrintStream out = listener.getLogger();
        return OutputListener.inert((line, error) -> {
            synchronized (out) {
                out.println(line);
            }
        });
    }
}
