package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.multiarch.contract.Wiring;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.Violation;
import org.jenkinsci.plugins.structs.SymbolLookup;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code multiArchPlan} does, on the controller: the call's {@link PlanSpec} (or one per variant) validated by
 * the engine, every problem at once, recorded in the build, and the answer the wiring fans out from: the run id,
 * the stash, and per platform its stage, agent label and record ({@link Wiring.Plan}). In the caller's workspace it
 * only reads: the context and Dockerfile must be there (the stash is made from there), and the context's
 * {@code .dockerignore} says what the stash may leave out.
 */
@SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED",
        justification = "planning takes a moment and cannot resume after a restart: the Pipeline fails the step then")
final class PlanExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final transient MultiArchPlanStep step;

    PlanExecution(MultiArchPlanStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        TaskListener listener = getContext().get(TaskListener.class);
        FilePath workspace = getContext().get(FilePath.class);
        Node node = getContext().get(Node.class);
        PlanSpec spec = PlanDefaults.fill(step, MultiArchImageConfiguration.get(), RunPlan.newRunId());
        spec.startMillis = System.currentTimeMillis();
        spec.callerNode = node == null ? null : node.getNodeName();
        List<io.multiarch.request.VariantSpec> variantSpecs = step.getVariants() == null ? null
                : step.getVariants().stream().map(v -> v == null ? new io.multiarch.request.VariantSpec(null, null, null, null,
                        null, null, null, null) : v.toSpec()).toList();
        BuildRequest request;
        List<io.multiarch.request.VariantRequest> variants = List.of();
        try {
            List<Violation> credentials = new ArrayList<>(SecretFiles.check(spec.secrets, run));
            if (variantSpecs == null && Boolean.TRUE.equals(step.getAllOrNothing())) {
                credentials.add(new Violation("allOrNothing", "true", Messages.MultiArchPlanStep_allOrNothingAlone()));
            }
            String ws = workspace == null ? "/" : workspace.getRemote();
            io.multiarch.request.PathProbe probe = workspace == null ? io.multiarch.request.PathProbe.UNCHECKED
                    : new WorkspaceProbe(workspace.getChannel());
            if (variantSpecs == null) {
                request = spec.request(ws, probe, null, credentials);
            } else {
                variants = spec.variants(ws, probe, variantSpecs, credentials);
                request = null;
            }
        } catch (InvalidRequestException e) {
            StringBuilder sb = new StringBuilder(Messages.MultiArchPlanStep_invalid());
            for (Violation v : e.violations()) {
                sb.append("\n  ").append(v.describe());
            }
            throw new AbortException(sb.toString());
        }
        if (workspace == null) {
            throw new AbortException(Messages.MultiArchPlanStep_noWorkspace());
        }
        DockerIgnoreFile ignore = DockerIgnoreFile.read(workspace, spec.context, spec.dockerfile);
        spec.ignoredExcludes = new ArrayList<>(ignore.ignore().antExcludes(spec.context));
        if (ignore.path() != null) {
            listener.getLogger().println(Messages.MultiArchPlanStep_dockerignore(ignore.path(),
                    spec.ignoredExcludes.size() / 2, ignore.ignore().patterns().size()));
        }
        // one record per variant (or the call's own without variants): each gated and published on its own
        List<PlanSpec> specs = new ArrayList<>();
        List<RunPlan> plans = new ArrayList<>();
        if (request != null) {
            specs.add(spec);
            plans.add(RunPlan.of(request, spec.nativePlatforms(), spec.id));
        } else {
            List<String> ids = variants.stream().map(v -> PlanSpec.variantId(spec.id, v.name())).toList();
            boolean all = Boolean.TRUE.equals(step.getAllOrNothing());
            for (int i = 0; i < variants.size(); i++) {
                PlanSpec vs = spec.forVariant(variants.get(i), variantSpecs.get(i), ids, all);
                specs.add(vs);
                plans.add(RunPlan.of(variants.get(i).request(), vs.nativePlatforms(), vs.id, vs.variant));
                listener.getLogger().println(Messages.MultiArchPlanStep_variant(vs.variant, String.join(", ", vs.tags),
                        all ? Messages.MultiArchPlanStep_allOrNothing() : ""));
            }
        }
        MultiArchImageAction action = MultiArchImageAction.of(run);
        specs.forEach(s -> action.add(new RunRecord(s)));
        action.save();
        return answer(spec, specs, plans, listener);
    }

    /** The wiring's answer: the stash, and a stage per platform of each record (logged as planned), each record's publish. */
    private static Map<String, Object> answer(PlanSpec spec, List<PlanSpec> specs, List<RunPlan> plans, TaskListener listener) {
        List<Map<String, Object>> platforms = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            PlanSpec s = specs.get(i);
            runs.add(Wiring.answer(Wiring.PlanRun.class)
                    .put(Wiring.PlanRun.id, s.id)
                    .put(Wiring.PlanRun.variant, s.variant)
                    .put(Wiring.PlanRun.publishStage, s.variant.isEmpty() ? "publish" : "publish " + s.variant)
                    .toMap());
            for (PlatformTask task : plans.get(i).tasks()) {
                String p = task.platform().toString();
                String label = s.labelFor(p);
                platforms.add(Wiring.answer(Wiring.PlanPlatform.class)
                        .put(Wiring.PlanPlatform.platform, p)
                        .put(Wiring.PlanPlatform.label, label)
                        .put(Wiring.PlanPlatform.plan, s.id)
                        .put(Wiring.PlanPlatform.stage, s.stageName(p))
                        .toMap());
                String where = label.isEmpty() ? Messages.MultiArchPlanStep_anyAgent() : Messages.MultiArchPlanStep_onLabel(label);
                listener.getLogger().println(Messages.MultiArchPlanStep_planned(s.stageName(p), where,
                        s.isNative(p) ? Messages.MultiArchPlanStep_nativeAgent() : Messages.MultiArchPlanStep_measured(),
                        task.required() ? "" : Messages.MultiArchPlanStep_optional()));
            }
        }
        return Wiring.answer(Wiring.Plan.class)
                .put(Wiring.Plan.id, spec.id)
                .put(Wiring.Plan.image, spec.image)
                .put(Wiring.Plan.failFast, spec.failFast)
                .put(Wiring.Plan.stash, "multiarch-" + spec.id)
                .put(Wiring.Plan.stashIncludes, spec.stashIncludes())
                .put(Wiring.Plan.stashExcludes, spec.stashExcludesPattern())
                .put(Wiring.Plan.workDir, "multiarch-" + spec.id)
                .put(Wiring.Plan.publishLabel, spec.publishLabel)
                .put(Wiring.Plan.junit, junitAvailable() && (spec.testShell != null || spec.testExec != null))
                .put(Wiring.Plan.platforms, platforms)
                .put(Wiring.Plan.runs, runs)
                .toMap();
    }

    /**
     * Whether {@code junit} can be called: the junit plugin's own step, or its recorder through the {@code step}
     * meta-step (older versions). Checked here so the wiring never calls a step that does not exist, and the plugin
     * needs no junit-plugin class.
     */
    static boolean junitAvailable() {
        return StepDescriptor.byFunctionName("junit") != null
                || SymbolLookup.get().findDescriptor(hudson.tasks.Publisher.class, "junit") != null;
    }
}
