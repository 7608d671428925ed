package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.multiarch.contract.Wiring;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code multiArchAwaitAgent}: runs before a platform's stage asks for its {@code node}, and holds no executor. It
 * answers {@code ready} as soon as some online agent with the platform's label has an executor that the call's own
 * {@code node} block does not hold; if none has one within the plan's agent timeout, it answers not ready with the
 * reason, so that a missing or offline agent (or a label whose only executor is the caller's own) cannot make the
 * build wait forever. Busy executors count as capacity: they free up, and the stage then waits in the queue as
 * usual. The deadline is absolute, so the wait survives a controller restart.
 */
public final class MultiArchAwaitAgentStep extends Step {
    private static final Logger LOGGER = Logger.getLogger(MultiArchAwaitAgentStep.class.getName());
    static final long POLL_SECONDS = 3;

    private final String plan;
    private final String platform;

    /**
     * @param plan     the run id from {@code multiArchPlan}
     * @param platform the platform whose stage is about to ask for an agent
     */
    @DataBoundConstructor
    public MultiArchAwaitAgentStep(String plan, String platform) {
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

    /**
     * Whether an online agent that can take a task with {@code label} (empty: any agent that takes unlabelled work)
     * has an executor beyond the one the caller's own {@code node} block holds on {@code callerNode}.
     */
    static boolean hasCapacity(String label, @CheckForNull String callerNode) {
        Jenkins jenkins = Jenkins.get();
        List<Node> candidates = new ArrayList<>();
        if (label == null || label.isBlank()) {
            candidates.add(jenkins);
            candidates.addAll(jenkins.getNodes());
            candidates.removeIf(n -> n.getMode() == Node.Mode.EXCLUSIVE);
        } else {
            Label parsed = jenkins.getLabel(label);
            if (parsed == null) {
                return false;
            }
            candidates.addAll(parsed.getNodes());
        }
        for (Node n : candidates) {
            Computer c = n.toComputer();
            if (c == null || c.isOffline() || !c.isAcceptingTasks()) {
                continue;
            }
            int executors = n.getNumExecutors();
            if (n.getNodeName().equals(callerNode)) {
                executors--;
            }
            if (executors > 0) {
                return true;
            }
        }
        return false;
    }

    static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;

        private final String plan;
        private final String platform;
        /** Epoch milliseconds; 0 until the first check. */
        private long deadline;
        private transient volatile ScheduledFuture<?> poll;
        private transient volatile boolean done;

        Execution(StepContext context, String plan, String platform) {
            super(context);
            this.plan = plan;
            this.platform = platform;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            PlanSpec spec = StepSupport.record(run, plan).getSpec();
            String label = spec.labelFor(platform);
            if (hasCapacity(label, spec.callerNode)) {
                getContext().onSuccess(answer(true, ""));
                return true;
            }
            deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(spec.agentTimeoutMinutes);
            getContext().get(TaskListener.class).getLogger().println(Messages.MultiArchAwaitAgentStep_waiting(platform,
                    describe(label), spec.agentTimeoutMinutes));
            schedule();
            return false;
        }

        private void schedule() {
            poll = Timer.get().scheduleWithFixedDelay(this::check, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
        }

        private void check() {
            if (done) {
                return;
            }
            try {
                Run<?, ?> run = getContext().get(Run.class);
                PlanSpec spec = StepSupport.record(run, plan).getSpec();
                String label = spec.labelFor(platform);
                if (hasCapacity(label, spec.callerNode)) {
                    finish(answer(true, ""));
                } else if (System.currentTimeMillis() >= deadline) {
                    String message = Messages.MultiArchAwaitAgentStep_noAgent(describe(label), spec.agentTimeoutMinutes,
                            spec.callerNode == null ? "" : Messages.MultiArchAwaitAgentStep_callerHolds(
                                    spec.callerNode.isEmpty() ? "built-in" : spec.callerNode));
                    finish(answer(false, message));
                }
            } catch (Exception e) {
                LOGGER.log(Level.FINE, "agent check failed for " + platform, e);
                fail(e);
            }
        }

        private synchronized void finish(Map<String, Object> answer) {
            if (!done) {
                done = true;
                cancelPoll();
                getContext().onSuccess(answer);
            }
        }

        private synchronized void fail(Throwable cause) {
            if (!done) {
                done = true;
                cancelPoll();
                getContext().onFailure(cause);
            }
        }

        private void cancelPoll() {
            ScheduledFuture<?> p = poll;
            if (p != null) {
                p.cancel(false);
            }
        }

        @Override
        public void stop(@NonNull Throwable cause) {
            fail(cause);
        }

        @Override
        public void onResume() {
            if (!done) {
                schedule();
            }
        }

        @Override
        public String getStatus() {
            return "waiting for an agent for " + platform + " until " + new java.util.Date(deadline);
        }

        private static String describe(String label) {
            return label == null || label.isBlank() ? Messages.MultiArchPlanStep_anyAgent() : Messages.MultiArchPlanStep_onLabel(label);
        }

        private static Map<String, Object> answer(boolean ready, String message) {
            return Wiring.answer(Wiring.Await.class).put(Wiring.Await.ready, ready).put(Wiring.Await.message, message).toMap();
        }
    }

    /** {@code multiArchAwaitAgent}. Internal: the stages of {@code multiArchImage} call it. */
    @Extension
    @Symbol("multiArchAwaitAgent")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "multiArchAwaitAgent";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MultiArchAwaitAgentStep_displayName();
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }
    }
}
